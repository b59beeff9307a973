"""Where top-level windows go on the screen: one home for "fit this window to the screen" and for
the main window's remembered size, position and maximized state. GUI thread only.

* ``fit_to_screen(window, preferred)`` — size a dialog (or any top-level) to ``preferred`` (its
  size hint by default), never larger than the screen's available area (taskbar excluded) minus
  the window frame, and put it on that screen (centred on its parent window when it has one).
  Every dialog goes through it: dialogs with a preferred size call it in ``__init__``, and
  ``DialogFirstShow`` (installed by ``ui.main.make_application``) fits any other top-level
  dialog — message boxes, Qt's file and print dialogs included — the first time it is shown.
* ``settle_focus(dialog)`` — also on a dialog's first showing: the focus on its first field and
  its 确定/取消 last in the Tab order.
* ``place_on_screens(rect, minimum, screens)`` — a saved window rectangle brought back onto the
  screens there are now: never off-screen, never smaller than the minimum, never larger than the
  screen.
* ``save_window_state`` / ``restore_window_state`` — a main window's normal geometry and
  maximized state in ``QSettings``, kept per screen setup (a laptop alone and the same laptop on
  a full-HD monitor each remember their own).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QPushButton, QToolButton,
                               QWidget)

# Room for the title bar and borders the window manager adds around a window's client area.
FRAME = QSize(16, 40)
# How much of a restored window's title bar must lie on a screen to be reachable by the mouse.
GRIP = QSize(120, 24)


def _screen_of(widget: QWidget | None) -> QScreen:
    if widget is not None:
        parent = widget.parentWidget()
        owner = parent.window() if parent is not None else widget
        screen = owner.screen()
        if screen is not None:
            return screen
    return QGuiApplication.primaryScreen()


def available_geometry(widget: QWidget | None = None) -> QRect:
    """The usable area (taskbar excluded) of the screen ``widget`` is on — or will be on: its
    parent window's screen — or of the primary screen."""
    return _screen_of(widget).availableGeometry()


def max_client_size(available: QRect) -> QSize:
    """The largest window content that fits ``available`` with its frame."""
    return QSize(max(200, available.width() - FRAME.width()),
                 max(150, available.height() - FRAME.height()))


def fit_to_screen(window: QWidget, preferred: QSize | None = None,
                  available: QRect | None = None) -> QSize:
    """Resize top-level ``window`` to ``preferred`` (default: its size hint), at least its
    minimum size hint, at most what fits ``available`` (default: its screen's available area), and
    move it onto that area — centred on its parent window when it has one. Returns the size."""
    area = available if available is not None else available_geometry(window)
    cap = max_client_size(area)
    want = QSize(preferred) if preferred is not None else window.sizeHint()
    want = want.expandedTo(window.minimumSizeHint()).expandedTo(window.minimumSize())
    size = want.boundedTo(cap)
    window.resize(size)
    window.setProperty("uniondesk_fitted", True)
    parent = window.parentWidget()
    centre = parent.window().geometry().center() if parent is not None else area.center()
    frame = QRect(0, 0, size.width() + FRAME.width(), size.height() + FRAME.height())
    frame.moveCenter(centre)
    window.move(_inside(frame, area).topLeft())     # move() places the frame, resize() the content
    return size


def _inside(rect: QRect, area: QRect) -> QRect:
    """``rect`` moved (not resized) so that as much of it as possible lies inside ``area``."""
    r = QRect(rect)
    if r.right() > area.right():
        r.moveRight(area.right())
    if r.bottom() > area.bottom():
        r.moveBottom(area.bottom())
    if r.left() < area.left():
        r.moveLeft(area.left())
    if r.top() < area.top():
        r.moveTop(area.top())
    return r


def place_on_screens(rect: QRect, minimum: QSize, screens: list[QRect]) -> QRect:
    """A saved window rectangle (content geometry) made safe for the screens' available areas
    ``screens`` (the first is the primary): at least ``minimum`` and at most what fits the screen
    it lands on; a rectangle whose title bar is not on any screen (a monitor since unplugged, a
    changed resolution) is moved onto the screen it overlaps most, or the primary one."""
    def grip(r: QRect) -> QRect:   # the middle of the title bar, above the content
        return QRect(r.center().x() - GRIP.width() // 2, r.top() - GRIP.height(),
                     GRIP.width(), GRIP.height())

    home = next((s for s in screens if s.contains(grip(rect), proper=False)), None)
    if home is None:
        overlaps = [(s.intersected(rect).width() * s.intersected(rect).height(), i)
                    for i, s in enumerate(screens)]
        best = max(overlaps)[1] if overlaps and max(overlaps)[0] > 0 else 0
        home = screens[best]
    cap = max_client_size(home)
    size = rect.size().expandedTo(minimum).boundedTo(cap)
    placed = QRect(rect.topLeft(), size)
    content_area = QRect(home.x() + FRAME.width() // 2, home.y() + FRAME.height() - FRAME.width() // 2,
                         home.width() - FRAME.width(), home.height() - FRAME.height())
    return _inside(placed, content_area)


def screen_setup_key(screens: list[QRect] | None = None) -> str:
    """「1920x1080+0+0,1366x768+1920+0」: the screens' full geometries, so a layout is remembered per
    screen setup."""
    if screens is None:
        screens = [s.geometry() for s in QGuiApplication.screens()]
    return ",".join(f"{r.width()}x{r.height()}{r.x():+d}{r.y():+d}" for r in screens)


def _available_screens() -> list[QRect]:
    primary = QGuiApplication.primaryScreen()
    others = [s for s in QGuiApplication.screens() if s is not primary]
    return [s.availableGeometry() for s in [primary, *others]]


def save_window_state(window: QWidget, group: str) -> None:
    """Remember ``window``'s normal (not maximized) geometry and whether it is maximized, under
    ``group`` for the current screen setup."""
    s = QSettings()
    s.beginGroup(group)
    s.beginGroup(screen_setup_key())
    state = window.windowState()
    maximized = bool(state & Qt.WindowState.WindowMaximized)
    # maximized or minimized: the size it will have again when restored
    aside = maximized or bool(state & Qt.WindowState.WindowMinimized)
    normal = window.normalGeometry() if aside else window.geometry()
    if not normal.isValid() or normal.isEmpty():
        normal = window.geometry()
    s.setValue("rect", [normal.x(), normal.y(), normal.width(), normal.height()])
    s.setValue("maximized", maximized)
    s.endGroup()
    s.endGroup()


def restore_window_state(window: QWidget, group: str, default: QSize) -> bool:
    """Put ``window`` (not yet shown) where it was under this screen setup — brought onto the
    screens and no smaller than its minimum — or, the first time, at ``default`` fitted to the
    screen. Maximized again when it was (takes effect at ``show()``). True when something was
    remembered."""
    s = QSettings()
    s.beginGroup(group)
    s.beginGroup(screen_setup_key())
    raw, maximized = s.value("rect"), s.value("maximized")
    s.endGroup()
    s.endGroup()
    try:
        x, y, w, h = (int(v) for v in raw)
    except (TypeError, ValueError):
        fit_to_screen(window, default)
        return False
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    window.setGeometry(place_on_screens(QRect(x, y, w, h), minimum, _available_screens()))
    if maximized in (True, "true", "1", 1):
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
    return True


def _takes_tab(w: QWidget, window: QWidget) -> bool:
    return (w.window() is window and w.isVisibleTo(window) and w.isEnabled()
            and bool(w.focusPolicy() & Qt.FocusPolicy.TabFocus) and w.focusProxy() is None)


def _box_buttons(window: QWidget) -> list[QWidget]:
    return [b for box in window.findChildren(QDialogButtonBox) if box.window() is window
            for b in box.buttons() if b.isVisibleTo(window)]


def reading_order(window: QWidget, widgets: list[QWidget]) -> list[QWidget]:
    """``widgets`` as the eye reads them: row by row from the top (widgets whose centres are
    within a few pixels of each other share a row), left to right within a row."""
    def centre(w: QWidget) -> tuple[int, int]:
        p = w.mapTo(window, w.rect().center())
        return p.y(), p.x()
    ordered = sorted(widgets, key=centre)
    rows: list[list[QWidget]] = []
    for w in ordered:
        if rows and abs(centre(w)[0] - centre(rows[-1][0])[0]) <= 8:
            rows[-1].append(w)
        else:
            rows.append([w])
    return [w for row in rows for w in sorted(row, key=lambda w: centre(w)[1])]


def first_input(window: QWidget) -> QWidget | None:
    """The first widget, in reading order, that takes keyboard input and is not a push button
    (a field, a list, a table, a check box…), or None when the window has only buttons."""
    inputs = [w for w in window.findChildren(QWidget)
              if _takes_tab(w, window) and not isinstance(w, (QPushButton, QToolButton))]
    ordered = reading_order(window, inputs)
    return ordered[0] if ordered else None


def settle_focus(dialog: QWidget) -> None:
    """A form dialog's Tab order follows reading order with its 确定/取消 (button box) last; and —
    unless the dialog already gave the focus to a field — the focus goes to its first input.
    Call when the dialog is laid out (its first Show)."""
    buttons = _box_buttons(dialog)
    if buttons:
        fields = [w for w in dialog.findChildren(QWidget)
                  if _takes_tab(w, dialog) and w not in buttons]
        chain = reading_order(dialog, fields) + buttons
        for a, b in zip(chain, chain[1:]):
            QWidget.setTabOrder(a, b)
    current = dialog.focusWidget()
    if current is None or current is dialog or isinstance(current, (QPushButton, QToolButton)):
        target = first_input(dialog)
        if target is not None:
            target.setFocus(Qt.FocusReason.TabFocusReason)


class DialogFirstShow(QObject):
    """Application-wide event filter (installed by ``ui.main.make_application``): the first time
    a top-level dialog is shown — message boxes and Qt's own dialogs included — it is made to fit
    its screen (``fit_to_screen`` with its current size, unless it fitted itself) and its focus is
    settled (``settle_focus``: the first field has the focus, the buttons come last on Tab)."""

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if (event.type() == QEvent.Type.Show and isinstance(obj, QDialog) and obj.isWindow()
                and not obj.property("uniondesk_shown")):
            obj.setProperty("uniondesk_shown", True)
            if not obj.property("uniondesk_fitted"):
                area = available_geometry(obj)
                cap = max_client_size(area)
                if obj.width() > cap.width() or obj.height() > cap.height():
                    fit_to_screen(obj, obj.size(), area)
            if not isinstance(obj, QFileDialog):
                settle_focus(obj)
        return False
