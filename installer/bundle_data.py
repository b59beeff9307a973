"""The program's own files that the one-folder build copies beside the code, as PyInstaller
``datas`` pairs (source, folder inside the bundle). One home for the list: ``uniondesk.spec``
uses it, and ``tests/unit/test_installer.py`` checks it against the resource folders the code
reads (``app.paths.resource_path``) and the migrations folder (``app.db.migrate``).

Standard library only: PyInstaller runs the spec with nothing of the program imported.
"""
from __future__ import annotations

from pathlib import Path

# Folders of resources/ that the program reads at run time (resources/screenshots is for the
# README only and stays out of the build).
RESOURCE_FOLDERS = ("fonts", "notices", "demo")
# Alembic reads the migration scripts from the file system, beside app/db/migrate.py.
MIGRATIONS = Path("app", "db", "migrations")


def data_folders(root: Path) -> list[tuple[str, str]]:
    """(source folder, destination folder in the bundle) for every data folder, source under
    ``root`` (the checkout), destination relative to the bundle's top (``sys._MEIPASS``)."""
    pairs = [(root / "resources" / name, Path("resources", name)) for name in RESOURCE_FOLDERS]
    pairs.append((root / MIGRATIONS, MIGRATIONS))
    return [(str(src), dest.as_posix()) for src, dest in pairs]


def data_files(root: Path) -> list[tuple[str, str]]:
    """``data_folders`` expanded to single files (PyInstaller's (file, destination folder)
    pairs), leaving out ``__pycache__``: alembic compiles the scripts itself."""
    out = []
    for src, dest in data_folders(root):
        for path in sorted(Path(src).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                rel = path.parent.relative_to(src)
                out.append((str(path), (Path(dest) / rel).as_posix()))
    return out
