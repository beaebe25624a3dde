"""The one AG Grid configuration of the dashboard (server-side paged tables): localised
pager and filter menus, type that follows the root font size, headers that wrap between
words only, and columns that share the box's width but never get narrower than their
longest header word or their widest value.

AG Grid takes column widths in pixels, while the page's type grows with the screen
(``html { font-size }`` in assets/02_app.css: 15 px on a laptop, 30 px on a 4K wall). So
each column carries its least width in rem (``context.min_rem``), and the clientside
callback ``callbacks.regency.GRID_WIDTHS_JS`` turns it into pixels at
the browser's actual root font size when the page opens. The ``minWidth`` sent with the
layout is the same width at the laptop's 15 px, so the grid is right before that callback
runs too.
"""

from __future__ import annotations

import dash_ag_grid as dag

from dashboard.i18n import CATALOGUE, t

__all__ = ["data_grid", "grid_locale"]

#: The root font size (px) that ``minWidth`` is computed for: the laptop's, assets/02_app.css.
_BASE_ROOT_PX = 15


def _sized(column: dict) -> dict:
    """``column`` with ``minWidth`` (px at the laptop's root size) from its ``context.min_rem``."""
    min_rem = (column.get("context") or {}).get("min_rem")
    if min_rem is None:
        return column
    return {**column, "minWidth": round(min_rem * _BASE_ROOT_PX)}


def grid_locale(lang: str) -> dict[str, str]:
    """AG Grid's ``localeText``: every ``grid.*`` message of the catalogue under AG Grid's
    own (camelCase) key."""
    def camel(snake: str) -> str:
        head, *rest = snake.split("_")
        return head + "".join(part.title() for part in rest)

    return {camel(key.removeprefix("grid.")): t(key, lang) for key in CATALOGUE if key.startswith("grid.")}


def data_grid(grid_id: str, column_defs: list[dict], lang: str, page_size: int, height: str = "36rem", **dash_grid_options) -> dag.AgGrid:
    """A server-side paged grid (infinite row model) with the dashboard's configuration;
    ``height`` in rem, so that a page of rows shows whole at every root font size."""
    return dag.AgGrid(
        id=grid_id,
        columnDefs=[_sized(column) for column in column_defs],
        rowModelType="infinite",
        defaultColDef={
            "sortable": True,
            "resizable": True,
            "wrapHeaderText": True,
            "autoHeaderHeight": True,
            "flex": 1,
            "filterParams": {"buttons": ["reset"], "maxNumConditions": 1},
        },
        dashGridOptions={
            "pagination": True,
            "paginationPageSize": page_size,
            "cacheBlockSize": page_size,
            "paginationPageSizeSelector": False,
            "localeText": grid_locale(lang),
            "tooltipShowDelay": 300,
            **dash_grid_options,
        },
        className="app-grid",
        style={"height": height},  # dash-ag-grid's own default is 400 px
    )

