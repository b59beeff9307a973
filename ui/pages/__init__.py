"""Pages of the main window. Each page is a QWidget with ``title`` (navigation label) and may
define ``refresh()``; pages listen to ``AppContext.changed`` and refresh when shown."""
