"""The frame around every page: the header with navigation, language switch and the
"data as of" badge, and the notes at the foot."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.i18n import LANGUAGES, t


#: Pattern-matching id types of the links that keep the map metric a user picks on the page
#: (the language switch, the round menu; breadcrumbs): a clientside callback puts the new
#: metric into them and into the address, so that a switch, a link or a reload keeps it.
METRIC_LINK = "metric-link"
METRIC_TRAIL = "metric-trail"


def page_href(path: str, lang: str, metric: str | None = None, round_id: int | None = None, view: str | None = None) -> str:
    """A link that keeps the language, the map metric, a chosen round and map view
    (shareable, survives navigation). Without a round the pages show the newest one."""
    query = {
        "lang": lang,
        **({"metric": metric} if metric else {}),
        **({"round": round_id} if round_id else {}),
        **({"view": view} if view else {}),
    }
    return f"{quote(path, safe='/.-_~')}?{urlencode(query)}"


def _with_lang(path: str, lang: str, round_id: int | None = None) -> str:
    return page_href(path, lang, round_id=round_id)


@dataclass(frozen=True)
class Account:
    """Who is signed in, as the header shows it."""

    user: str
    area: str
    is_admin: bool
    csrf_token: str


def _account_menu(account: Account, lang: str) -> html.Div:
    """The user and their area, and the sign-out button (a POST form with its CSRF token:
    a link would let any site sign the user out)."""
    return html.Div(
        [
            html.Span(t("login.signed_in_as", lang, user=account.user, area=account.area), className="small text-white-50 me-2", id="signed-in-as"),
            html.Form(
                [
                    dcc.Input(type="hidden", name="csrf_token", value=account.csrf_token),
                    dcc.Input(type="hidden", name="lang", value=lang),
                    html.Button(t("login.sign_out", lang), type="submit", className="btn btn-outline-light btn-sm", id="sign-out"),
                ],
                method="POST",
                action="/logout",
                className="d-inline",
            ),
        ],
        className="ms-3 d-flex align-items-center",
    )


def page_frame(
    lang: str,
    path: str,
    content: list,
    refresh_seconds: int,
    *,
    metric: str | None = None,
    round_id: int | None = None,
    rounds: list[tuple[int, str]] | None = None,
    account: Account | None = None,
    view: str | None = None,
) -> html.Div:
    """``content`` inside the header and footer; ``path`` is the page's own path (for the
    language links, which keep ``metric``, ``round_id`` and the map ``view``). With more than one round in
    ``rounds`` the header offers a round switch; with an ``account``, who is signed in and
    the sign-out button (and the admin page's link for admins)."""
    items = [
        dbc.NavItem(dbc.NavLink(t("nav.national", lang), href=_with_lang("/", lang, round_id), active="exact")),
        dbc.NavItem(dbc.NavLink(t("nav.quality", lang), href=_with_lang("/kualitas", lang, round_id), active="partial")),
        dbc.NavItem(dbc.NavLink(t("nav.review", lang), href=_with_lang("/tinjauan", lang, round_id), active="partial")),
        dbc.NavItem(dbc.NavLink(t("nav.findings", lang), href=_with_lang("/temuan", lang, round_id), active="partial")),
        dbc.NavItem(dbc.NavLink(t("nav.waiting", lang), href=_with_lang("/antrian", lang, round_id), active="partial")),
        dbc.NavItem(dbc.NavLink(t("nav.training", lang), href=_with_lang("/pelatihan", lang, round_id), active="partial")),
        dbc.NavItem(dbc.NavLink(t("nav.alerts", lang), href=_with_lang("/peringatan", lang, round_id), active="partial")),
        dbc.NavItem(dbc.NavLink(t("nav.about", lang), href=_with_lang("/sumber-data", lang, round_id), active="exact")),
    ]
    if account is not None and account.is_admin:
        items.append(dbc.NavItem(dbc.NavLink(t("nav.admin", lang), href=_with_lang("/admin", lang), active="exact")))
    nav = dbc.Nav(
        items,
        navbar=True,
        className="me-auto",
    )
    languages = dbc.ButtonGroup(
        [
            dbc.Button(
                code.upper(),
                href=page_href(path, code, metric, round_id, view),
                external_link=False,
                color="light",
                outline=code != lang,
                size="sm",
                title=t(f"lang.{code}", lang),
                # A link that keeps the map metric chosen on the page (callbacks/metric_links.py).
                id={"type": METRIC_LINK, "index": f"lang-{code}"},
                className=f"lang-{code}",
            )
            for code in LANGUAGES
        ],
        className="ms-3",
    )
    languages = html.Div(languages, role="group", **{"aria-label": t("lang.label", lang)})
    header = dbc.Navbar(
        dbc.Container(
            [
                html.Div(
                    [html.Div(t("app.title", lang), className="app-title"), html.Div(t("app.subtitle", lang), className="app-subtitle")],
                    className="me-4",
                ),
                nav,
                *(
                    [
                        dbc.DropdownMenu(
                            [dbc.DropdownMenuItem(name, href=page_href(path, lang, metric, rid, view), id={"type": METRIC_LINK, "index": f"round-{rid}"}) for rid, name in rounds],
                            label=t("round.label", lang) + ": " + dict(rounds).get(round_id, rounds[-1][1]),
                            id="round-menu",
                            color="light",
                            size="sm",
                            className="me-3",
                        )
                    ]
                    if rounds and len(rounds) > 1
                    else []
                ),
                # The "as of" badge, languages and account keep together on the right: on the
                # title's row or, when it is full (a laptop, the Indonesian labels), on a
                # row of their own (assets/02_app.css).
                html.Div(
                    [
                        html.Span(id="data-as-of", className="badge text-bg-light data-as-of"),
                        html.Div(
                            [languages, *([_account_menu(account, lang)] if account is not None else [])],
                            className="ms-auto d-flex align-items-center",
                        ),
                    ],
                    className="header-tools ms-auto d-flex flex-wrap align-items-center justify-content-end",
                ),
            ],
            fluid=True,
        ),
        color="primary",
        dark=True,
        className="mb-3 app-header",
    )
    footer = html.Footer(
        [
            html.Span(t("status.refresh", lang, s=refresh_seconds)),
            " · ",
            html.A(t("nav.about", lang), href=_with_lang("/sumber-data", lang)),
        ],
        className="text-muted small mt-3 mb-2",
    )
    # Names of the table pagers' icon buttons, for assets/03_pager_labels.js (Dash's
    # DataTable draws them without one); from the catalogue, in the page's language.
    pager_labels = html.Div(
        id="pager-labels", hidden=True,
        **{f"data-{kind}": t(f"grid.{kind}_page", lang) for kind in ("first", "previous", "next", "last")},
    )
    return html.Div([header, dbc.Container([*content, footer], fluid=True), pager_labels])
