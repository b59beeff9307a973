"""Layering: app/ runs without Qt (importing every module of it must not import PySide6), and no
import circle among the modules of app/ and ui/."""
import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import app


def test_importing_app_does_not_import_qt():
    modules = [m.name for m in pkgutil.walk_packages(app.__path__, "app.")
               if ".migrations" not in m.name]
    code = ("import importlib, sys\n"
            f"for m in {modules!r}: importlib.import_module(m)\n"
            "bad = [m for m in sys.modules if m.startswith('PySide6') or m == 'ui' or m.startswith('ui.')]\n"
            "print(bad); sys.exit(1 if bad else 0)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert len(modules) > 5


# ---------------------------------------------------------------- no import circle

ROOT = Path(app.__file__).resolve().parent.parent


def _modules() -> dict[str, Path]:
    """Dotted name → file of every module of app/ and ui/ (migration scripts left out)."""
    out = {}
    for path in sorted([*ROOT.glob("app/**/*.py"), *ROOT.glob("ui/**/*.py")]):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def import_graph() -> dict[str, set[str]]:
    """Module → the modules of app/ and ui/ it imports, at the top AND inside functions (an import
    moved into a function to dodge a circle is still a circle)."""
    mods = _modules()

    def known(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(known(a.name) for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                    base = ".".join(up + ([base] if base else []))
                for a in node.names:        # ``from pkg import module`` imports the module
                    sub = f"{base}.{a.name}"
                    targets.add(sub if sub in mods else known(base))
        graph[name] = {t for t in targets if t and t != name}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_circle_finder_finds_a_circle_through_an_import_inside_a_function():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_imports_inside_functions_and_relative_imports():
    graph = import_graph()
    assert "app.db.engine" in graph["app.db.migrate"]                  # from .engine import …
    assert "app.db.migrate" in graph["app.db"]                         # inside __getattr__
    assert "app.services.access" in graph["app.services.audit"]        # from .access import …
    assert len(graph) > 50


def test_no_import_circle_in_app_and_ui():
    found = circles(import_graph())
    assert found == [], "import circles: " + "; ".join(" ↔ ".join(c) for c in found)


# ---------------------------------------------------------------- module size

MAX_LINES = 600


def test_no_module_of_app_and_ui_is_over_600_lines():
    """Outside the migration scripts (left out by ``_modules``): a longer module is split by concern."""
    long = {name: n for name, path in _modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"modules over {MAX_LINES} lines: {long}"
