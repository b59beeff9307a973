"""The one-folder build's data files (installer/bundle_data.py, used by uniondesk.spec) against
what the program reads: every ``resource_path("<folder>", …)`` folder in app/ and ui/, the
migrations folder beside app/db/migrate.py, and the layout ``app.paths`` expects when frozen.
A full PyInstaller build is too slow for the suite: ``installer/build.py --smoke`` does that."""
from __future__ import annotations

import ast
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

import app
from app import paths
from app.db import migrate
from app.domain.notices import NoticeKind
from app.services.petitions import notice_templates

ROOT = Path(app.__file__).resolve().parent.parent


def _bundle_data():
    spec = importlib.util.spec_from_file_location("bundle_data", ROOT / "installer" / "bundle_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def resource_folders_read_by_the_code() -> set[str]:
    """The first argument of every ``resource_path(...)`` call in app/ and ui/."""
    found = set()
    for folder in ("app", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call):
                    f = node.func
                    name = f.id if isinstance(f, ast.Name) else getattr(f, "attr", None)
                    if name == "resource_path":
                        first = node.args[0]
                        assert isinstance(first, ast.Constant), f"{path}: resource_path(<not a literal>)"
                        found.add(first.value)
    return found


def test_the_build_bundles_every_resource_folder_the_code_reads_and_no_other():
    read = resource_folders_read_by_the_code()
    assert {"fonts", "notices", "demo"} <= read   # the known readers (paths.py, notices.py, demo)
    assert set(_bundle_data().RESOURCE_FOLDERS) == read
    for name in read:
        assert any((ROOT / "resources" / name).iterdir())


def test_the_build_bundles_the_migrations_where_alembic_looks_for_them():
    bd = _bundle_data()
    assert bd.MIGRATIONS == migrate.MIGRATIONS_DIR.relative_to(ROOT)
    files = {(Path(src).name, dest) for src, dest in bd.data_files(ROOT)}
    versions = sorted((ROOT / bd.MIGRATIONS / "versions").glob("*.py"))
    assert versions
    for script in versions:
        assert (script.name, (bd.MIGRATIONS / "versions").as_posix()) in files
    for name in ("env.py", "script.py.mako"):
        assert (name, bd.MIGRATIONS.as_posix()) in files
    assert not any("__pycache__" in src for src, _ in bd.data_files(ROOT))


@pytest.fixture
def frozen_layout(tmp_path, monkeypatch):
    """A folder laid out as the build lays out its data files, as ``sys._MEIPASS``."""
    for src, dest in _bundle_data().data_files(ROOT):
        (tmp_path / dest).mkdir(parents=True, exist_ok=True)
        shutil.copy(src, tmp_path / dest)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    paths.resources_dir.cache_clear()
    yield tmp_path
    monkeypatch.undo()
    paths.resources_dir.cache_clear()


def test_the_frozen_program_finds_the_bundled_font_and_every_notice_template(frozen_layout):
    assert paths.resources_dir() == frozen_layout / "resources"
    assert paths.bundled_font().is_file()
    assert paths.bundled_font().read_bytes() == (ROOT / "resources" / "fonts" / paths.FONT_FILE).read_bytes()
    for kind in NoticeKind:
        assert notice_templates.default_template(kind).strip()
