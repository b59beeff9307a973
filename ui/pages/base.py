"""Base class of the main window's pages: refresh when an area it shows changed, but only while
visible; a hidden page refreshes when it is next shown."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.context import AppContext


class Page(QWidget):
    title = ""                      # navigation label, Chinese
    areas: frozenset[str] = frozenset()   # AppContext.changed areas that make this page stale

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        ctx.changed.connect(self._on_changed)

    def _on_changed(self, areas: set) -> None:
        if self.areas & set(areas):
            self._stale = True
            if self.isVisible():
                self._refresh_now()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self._refresh_now()

    def _refresh_now(self) -> None:
        self._stale = False
        self.refresh()

    def refresh(self) -> None:
        """Reload what the page shows (through ui.operations). Override."""
