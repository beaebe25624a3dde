"""What each role and area may see (``dashboard.access.policy``), and names from the data
shown as text, never markup."""

from __future__ import annotations

import pytest

from dashboard.access.policy import Access, InvalidArea, OutOfScope, Role, check_area
from layouts.components import hover_text, markdown_link, markdown_text

NATIONAL = Access.of_user("n", Role.NATIONAL, ())
PROVINCE = Access.of_user("p", Role.PROVINCE, ("35",))
REGENCY = Access.of_user("r", Role.REGENCY, ("35.77",))
DISPLAY = Access.of_user("d", Role.DISPLAY, ("35",))
WALL = Access.of_user("w", Role.DISPLAY, ())
NOBODY = Access()


@pytest.mark.parametrize(
    "access, area, total, row",
    [
        # area: within (in full); total: its own figures; row: among its parent's children
        (NATIONAL, {None: True, "35": True, "32": True, "35.77": True}, {None: True, "32": True}, {"32": True, "32.01": True}),
        (PROVINCE, {None: False, "35": True, "32": False, "35.77": True, "32.01": False}, {None: True, "35": True, "32": False}, {"35": True, "32": False, "35.01": True}),
        (REGENCY, {None: False, "35": False, "35.77": True, "35.78": False}, {None: True, "35": False, "35.77": True}, {"35": False, "35.77": True}),
        (DISPLAY, {None: False, "35": True, "35.77": True, "32": False}, {None: True, "35": True}, {"35": True, "32": False}),
        (WALL, {None: True, "32": True}, {None: True}, {"32": True}),
        (NOBODY, {None: False, "35": False}, {None: False, "35": False}, {"35": False}),
    ],
)
def test_what_each_access_sees(access, area, total, row):
    assert {code: access.sees_area(code) for code in area} == area
    assert {code: access.sees_total(code) for code in total} == total
    assert {code: access.sees_row(code) for code in row} == row


def test_the_open_comparison_opens_province_rows_only():
    open_ = Access.of_user("r", Role.REGENCY, ("35.77",), open_comparison=True)
    assert open_.sees_row("32") and not open_.sees_row("32.01") and not open_.sees_total("32") and not open_.sees_area("32")


def test_facilitators_downloads_and_admin():
    assert PROVINCE.sees_facilitators and PROVINCE.may_download and not PROVINCE.is_admin
    assert not DISPLAY.sees_facilitators and not DISPLAY.may_download
    with pytest.raises(OutOfScope):
        DISPLAY.require_facilitators("35.77")
    with pytest.raises(OutOfScope):
        REGENCY.require_facilitators("35.78")
    REGENCY.require_facilitators("35.77")
    assert Access.of_user("a", Role.ADMIN, ()).is_admin


def test_landing_pages():
    assert (NATIONAL.landing_path(), PROVINCE.landing_path(), REGENCY.landing_path(), WALL.landing_path()) == ("/", "/provinsi/35", "/kabkota/35.77", "/")
    assert Access.of_user("p", Role.PROVINCE, ("33", "35")).landing_path() == "/"


@pytest.mark.parametrize(
    "role, codes, problem",
    [
        (Role.NATIONAL, ["35"], "takes no --scope"),
        (Role.ADMIN, ["35"], "takes no --scope"),
        (Role.PROVINCE, [], "province codes"),
        (Role.PROVINCE, ["35.77"], "province codes"),
        (Role.REGENCY, ["35"], "kabupaten/kota codes"),
        (Role.DISPLAY, ["3577"], "not a province"),
    ],
)
def test_areas_must_fit_the_role(role, codes, problem):
    with pytest.raises(InvalidArea, match=problem):
        check_area(role, codes)


def test_names_from_the_data_stay_text():
    phishing = "Klik di sini](https://evil.example/phish) [x"
    link = markdown_link(phishing, "/pendamping/PKH-3577-001?lang=id")
    # One link, to our page; the name's brackets and parentheses are escaped.
    assert link.endswith("](/pendamping/PKH-3577-001?lang=id)")
    text = link[1 : link.rindex("](")]
    assert "](" not in text.replace("\\]", "").replace("\\(", "") and "\\]\\(https\\:" in text
    assert markdown_text("*bold* _x_ <b>") == "\\*bold\\* \\_x\\_ \\<b\\>"
    assert hover_text("<a href='x'>y</a>") == "&lt;a href='x'&gt;y&lt;/a&gt;"
