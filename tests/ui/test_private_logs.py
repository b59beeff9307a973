"""The log folder and its file are readable by the owner only on POSIX (0700/0600)."""
import logging
import os
import stat

import pytest

import ui.main
from app.paths import default_data_dir


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_log_folder_and_file_are_owner_only(monkeypatch):
    before = os.umask(0o022)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    monkeypatch.setattr(ui.main, "_logging_ready", False)
    try:
        ui.main._setup_logging()  # noqa: SLF001
    finally:
        os.umask(before)
        root.setLevel(level)
        for h in root.handlers[len(handlers):]:
            root.removeHandler(h)
            h.close()
    folder = default_data_dir() / "logs"
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(folder / "uniondesk.log").st_mode) == 0o600
