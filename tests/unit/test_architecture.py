"""Rules of the repository's layout that a reviewer would otherwise check by hand."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_core_does_not_import_dash():
    """``dashboard`` is the core: only its composition root, ``factory``, knows Dash."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "dashboard").rglob("*.py")
        if path.name != "factory.py" and _imports(path) & {"dash", "dash_bootstrap_components", "dash_ag_grid"}
    ]
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
    import re

    pattern = re.compile(r"(?<!\d)[1-9]\d{15}(?!\d)")
    tracked = [p for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts and ".git" not in p.parts]
    hits = [
        str(p.relative_to(ROOT))
        for p in tracked
        if p.suffix in {".py", ".csv", ".md", ".txt", ".json", ".css"} and pattern.search(p.read_text(errors="ignore"))
    ]
    assert hits == []
