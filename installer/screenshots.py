#!/usr/bin/env python3
"""Render the README screenshots from a demo database (real widgets, real data).

    .venv/bin/python installer/screenshots.py [--db /tmp/shots.db] [--out resources/screenshots]

Run under a display (e.g. ``xvfb-run``) or with QT_QPA_PLATFORM=offscreen. The demo database is
created when missing. Each page of the main window is grabbed as the manager sees it (the admin
for the settings pages).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="/tmp/uniondesk-shots.db")
    ap.add_argument("--out", default=str(ROOT / "resources" / "screenshots"))
    ap.add_argument("--pages", nargs="*", help="page keys to grab (default: the start page)")
    ap.add_argument("--role", default="manager")
    args = ap.parse_args()

    from app.db import open_database
    from app.services import accounts, demo, settings
    from app.services.demo import people as demo_people
    db = open_database(args.db)
    if not settings.is_configured(db):
        from datetime import date
        print(demo.generate(db, seed=1, today=date.today()))
    actor = accounts.sign_in(db, args.role, demo_people.DEMO_PASSWORD)

    from PySide6.QtCore import QEventLoop, QThreadPool, QTimer

    from ui.context import AppContext
    from ui.main import make_application
    from ui.main_window import MainWindow

    app = make_application([])
    win = MainWindow(AppContext(db, actor))
    win.resize(1280, 800)
    win.show()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def settle(ms: int = 1500) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        QThreadPool.globalInstance().waitForDone(5000)
        loop2 = QEventLoop()
        QTimer.singleShot(300, loop2.quit)
        loop2.exec()

    settle()
    targets = args.pages or [None]
    for key in targets:
        if key is not None:
            win.show_page(key)
            settle()
        name = "main-window" if key is None else f"page-{key}"
        path = out / f"{name}.png"
        win.grab().save(str(path))
        print("saved", path)
    win.close()
    app.processEvents()
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
