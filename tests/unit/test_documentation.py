"""The README's configuration table says what ``Settings`` does."""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.settings import REPO_ROOT, Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def _table() -> dict[str, str]:
    rows = re.findall(r"^\| `([A-Z_]+)` \| `([^`]*)` \|", README.read_text(), flags=re.MULTILINE)
    return dict(rows)


def test_every_setting_is_documented_with_its_default():
    documented = _table()
    assert set(documented) == {name.upper() for name in Settings.model_fields}
    for name, field in Settings.model_fields.items():
        default = str(field.default).replace(str(REPO_ROOT.parent / "shared"), "<checkout>/../shared")
        default = default.replace(str(REPO_ROOT), "<checkout>")
        assert documented[name.upper()] == default, name


def test_readme_shows_the_two_set_up_commands():
    text = README.read_text()
    assert "make run" in text and "make test" in text
