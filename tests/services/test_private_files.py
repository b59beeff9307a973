"""On POSIX the data is readable by its owner only: the data, backup and attachment folders 0700;
the database file, its -wal/-shm, backups and attachments 0600 — whatever the umask says. A folder
the person chose for ``--db`` is left as it was."""
import os
import stat

import pytest

from app.db import open_database
from app.paths import default_db_path
from app.services import attachments, backup
from app.services.petitions import registration
from app.domain.enums import Role
from tests.services.test_intake import NOW, _account, form

pytestmark = [pytest.mark.skipif(os.name != "posix", reason="POSIX file modes"),
              pytest.mark.sqlite_only("files on disk")]


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def usual_umask():
    """The usual 022: without the program's own care every file would be 0644."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_new_data_folder_database_wal_backups_and_attachments_are_owner_only(tmp_path, admin):
    path = default_db_path()                       # <tmp>/data/uniondesk.db, nothing there yet
    assert not path.parent.exists()
    db = open_database(path)
    try:
        clerk = _account(db, admin, Role.CLERK, "t_clerk")      # an account of this database
        rec = registration.register(db, clerk, form(), now=NOW)
        assert mode(path.parent) == 0o700 and mode(path) == 0o600
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            assert side.exists() and mode(side) == 0o600, suffix

        auto = backup.auto_backup(db, keep=3)
        assert mode(auto.parent) == 0o700 and mode(auto) == 0o600
        out = backup.backup_to(db, tmp_path / "exported" / "copy.db")
        assert mode(out) == 0o600 and mode(out.parent) == 0o700

        scan = tmp_path / "scan.pdf"
        scan.write_bytes(b"%PDF-1.4 scan")
        attachments.add_attachments(db, clerk, rec.id, [scan])
        store = attachments.attachments_dir(db)
        files = [p for p in store.rglob("*") if p.is_file()]
        assert files and all(mode(p) == 0o600 for p in files)
        assert all(mode(p) == 0o700 for p in [store, *(p for p in store.rglob("*") if p.is_dir())])
    finally:
        db.close()


def test_existing_readable_data_folder_is_tightened_on_open(tmp_path):
    path = default_db_path()
    open_database(path).close()
    os.chmod(path.parent, 0o755)
    os.chmod(path, 0o644)
    (path.parent / "backups").mkdir(mode=0o755)
    os.chmod(path.parent / "backups", 0o755)
    db = open_database(path)
    try:
        assert mode(path.parent) == 0o700 and mode(path) == 0o600
        backup.auto_backup(db, keep=3)
        assert mode(path.parent / "backups") == 0o700
    finally:
        db.close()


def test_a_chosen_folder_is_left_as_it_was_but_the_file_is_private(tmp_path):
    os.chmod(tmp_path, 0o755)
    path = tmp_path / "office.db"
    open_database(path).close()
    assert mode(tmp_path) == 0o755 and mode(path) == 0o600
