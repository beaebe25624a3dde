"""Rules of the repository's layout that a reviewer would otherwise check by hand.

The core (``dashboard``) is grouped by job; ``LAYERS`` says which of its places (a
subpackage, or a top-level module) may import which. A new package or top-level module
needs a row here, so the next capability keeps the shape (see ``dashboard/__init__.py``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "dashboard"

#: The foundation: usable from every place of the core.
FOUNDATION = frozenset({"settings", "vocabulary", "i18n", "formatting"})
#: Place of the core → the places of the core it may import (besides itself).
LAYERS: dict[str, frozenset[str]] = {
    "settings": frozenset(),
    "vocabulary": frozenset(),
    "i18n": frozenset({"vocabulary"}),
    "formatting": frozenset({"i18n", "vocabulary"}),
    "store": FOUNDATION,
    "access": FOUNDATION | {"store"},
    # The review of the risk queue (quality.review) checks the reviewer's area and audits.
    "quality": FOUNDATION | {"store", "access"},
    # The writers (the loader, the simulator) evaluate the alerts after each refresh.
    "ingest": FOUNDATION | {"store", "quality", "alerts"},
    "figures": FOUNDATION | {"store", "quality", "access"},
    "alerts": FOUNDATION | {"store", "quality", "figures", "access"},
    "web": FOUNDATION | {"store", "quality", "figures", "access", "ingest", "alerts"},
    "simulation": FOUNDATION | {"store", "quality", "ingest", "alerts"},
    # Command lines: everything but the web and the composition root.
    "manage": FOUNDATION | {"store", "quality", "figures", "access", "ingest", "alerts", "simulation"},
    "simulate": FOUNDATION | {"store", "quality", "ingest", "simulation"},
    "users": FOUNDATION | {"store", "access"},
    # The composition root joins everything.
    "factory": frozenset({"*"}),
}
#: Packages outside the core that places of the core may import (besides the factory).
OUTSIDE_ALLOWED = {"quality": {"geodata"}, "simulation": {"geodata"}, "ingest": {"geodata"}}
OUTSIDE = frozenset({"layouts", "callbacks", "geodata", "app", "tests", "bench", "scripts"})
UI_LIBRARIES = frozenset({"dash", "dash_bootstrap_components", "dash_ag_grid", "plotly"})


@dataclass(frozen=True)
class Arrow:
    """``module`` imports ``target`` (a module name, or a package of the core)."""

    module: str
    target: str
    line: int


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every module a file imports (at any depth, relative imports resolved), with the
    line; ``from a import b`` counts as ``a.b`` (b may be a module)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return found


def _place(module: str) -> str:
    """``dashboard.store.rollups`` → ``store``; ``dashboard.settings`` → ``settings``."""
    return module.split(".")[1]


def _core_files() -> list[Path]:
    return sorted(p for p in CORE.rglob("*.py") if p != CORE / "__init__.py")


def _arrows() -> list[Arrow]:
    return [Arrow(_module_name(path), target, line) for path in _core_files() for target, line in _imports(path)]


def test_the_core_does_not_import_dash():
    """``dashboard`` is the core: only its composition root, ``factory``, knows Dash (and
    plotly: figures are built in ``layouts``)."""
    offenders = [
        f"{a.module}:{a.line} imports {a.target}"
        for a in _arrows()
        if a.module != "dashboard.factory" and a.target.split(".")[0] in UI_LIBRARIES
    ]
    assert offenders == []


def test_every_place_of_the_core_has_a_rule():
    """A new package or top-level module of ``dashboard`` says what it may import."""
    places = {_place(_module_name(path)) for path in _core_files()}
    assert places - LAYERS.keys() == set()


def test_every_package_of_the_core_says_what_lives_there_and_what_it_may_import():
    for init in CORE.rglob("__init__.py"):
        if init.parent.name in {"migrations", "versions", "reference"}:
            continue
        doc = ast.get_docstring(ast.parse(init.read_text())) or ""
        assert doc, f"{init.relative_to(ROOT)} has no docstring"
        if init.parent != CORE:
            assert re.search(r"May import", doc), f"{init.relative_to(ROOT)} does not say what it may import"


def test_each_place_of_the_core_imports_only_what_its_layer_allows():
    offenders = []
    for arrow in _arrows():
        here = _place(arrow.module)
        allowed = LAYERS.get(here, frozenset())
        top = arrow.target.split(".")[0]
        if "*" in allowed:
            continue
        if top == "dashboard":
            parts = arrow.target.split(".")
            if len(parts) == 1:
                continue
            there = parts[1]
            if there != here and there not in allowed:
                offenders.append(f"{arrow.module}:{arrow.line} imports {arrow.target} ({here} may not import {there})")
        elif top in OUTSIDE and top not in OUTSIDE_ALLOWED.get(here, ()):
            offenders.append(f"{arrow.module}:{arrow.line} imports {arrow.target} (the core does not import {top})")
    assert offenders == []


def test_layouts_callbacks_and_geodata_do_not_reach_into_the_writers():
    """What the browser is shown reads figures; it never runs the simulator or the command
    lines, and the boundaries package knows nothing of the core."""
    offenders = []
    for folder in ("layouts", "callbacks", "geodata"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for target, line in _imports(path):
                parts = target.split(".")
                if parts[0] != "dashboard" or len(parts) == 1:
                    continue
                if folder == "geodata" or parts[1] in {"simulation", "manage", "simulate", "users"}:
                    offenders.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert offenders == []


def test_nothing_registers_pages_or_callbacks_on_import():
    """Callbacks are registered by functions the factory calls, not by decorators at import."""
    for path in (ROOT / "callbacks").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert not node.decorator_list, f"{path.name}: {node.name} is decorated at module level"
            assert not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)), f"{path.name}: call at import"


def test_no_nik_like_numbers_in_the_repository():
    """Synthetic ids must never look like a 16-digit NIK."""
    pattern = re.compile(r"(?<!\d)[1-9]\d{15}(?!\d)")
    tracked = [p for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts and ".git" not in p.parts]
    hits = [
        str(p.relative_to(ROOT))
        for p in tracked
        if p.suffix in {".py", ".csv", ".md", ".txt", ".json", ".css"} and pattern.search(p.read_text(errors="ignore"))
    ]
    assert hits == []
