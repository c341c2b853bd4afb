"""The project's shape: one app per concern inside onboarding/, and no import cycles."""

from __future__ import annotations

import ast
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1] / "onboarding"
APPS = {"accounts", "guides", "insights", "journeys", "sharing", "web"}
PROJECT_MODULES = {"__init__.py", "settings.py", "urls.py", "wsgi.py", "asgi.py"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The project modules a file imports, wherever the import statement stands."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("onboarding")}


def _graph() -> dict[str, set[str]]:
    files = [path for path in PROJECT.rglob("*.py") if "migrations" not in path.parts]
    modules = {_module_name(path): path for path in files}
    return {
        name: {imported for imported in _imports(path) if imported in modules and imported != name}
        for name, path in modules.items()
    }


def test_the_project_folder_holds_only_the_projects_own_modules_and_the_apps():
    flat = {path.name for path in PROJECT.iterdir() if path.suffix == ".py"}
    folders = {path.name for path in PROJECT.iterdir() if path.is_dir()} - {"__pycache__"}
    assert flat == PROJECT_MODULES
    assert folders == APPS


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each loop of imports, as the modules around it."""
    cycles: list[list[str]] = []
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        for imported in sorted(graph[module]):
            if imported in path:
                cycles.append([*path[path.index(imported) :], imported])
            elif imported not in done:
                visit(imported, [*path, imported])
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            visit(module, [module])
    return cycles


def test_no_module_imports_itself_through_others():
    assert find_cycles(_graph()) == []


def test_the_cycle_check_finds_an_import_cycle_when_there_is_one(tmp_path, monkeypatch):
    package = tmp_path / "onboarding"
    package.mkdir()
    (package / "a.py").write_text("from onboarding.b import thing\n")
    (package / "b.py").write_text("def later():\n    import onboarding.a\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["PROJECT"]), "PROJECT", package)
    assert find_cycles(_graph()) == [["onboarding.a", "onboarding.b", "onboarding.a"]]
