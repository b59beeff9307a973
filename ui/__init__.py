"""Qt layer: main window, pages, table models, dialogs and ``ui.operations``. Reaches data only
through ``ui.operations`` calling ``app.services``."""
