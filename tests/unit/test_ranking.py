"""Ranking regions: best first, ties sharing the better rank, and no rank for a rate over
too small a sample (``MIN_RANKED_DENOMINATOR``) or without data."""

from __future__ import annotations

import pandas as pd

from dashboard.figures.metrics import compute
from dashboard.figures.overview import MIN_RANKED_DENOMINATOR, rank


def _table(counts: dict[str, tuple[int, int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_dict(counts, orient="index", columns=["reviewed", "returned", "submitted"])
    for column in ("targets", "approved", "flagged"):
        frame[column] = frame["submitted"]
    return frame.join(compute(frame, ["return_rate"]))


def test_a_rate_over_a_small_sample_has_no_rank_and_the_others_rank_without_it():
    n = MIN_RANKED_DENOMINATOR
    table = _table({"A": (n, 1, n), "B": (n - 1, 0, n), "C": (4 * n, 40, 4 * n), "D": (0, 0, 0), "E": (2 * n, 2, 2 * n)})
    ranks = rank(table, "return_rate")  # lower is better
    assert ranks["B"] is pd.NA  # 0 % of 49 reviewed: says little, not the best
    assert ranks["D"] is pd.NA  # no data
    assert ranks[["A", "E", "C"]].tolist() == [1, 1, 3]  # 2 % and 2 % share rank 1


def test_a_count_is_ranked_whatever_its_size():
    table = pd.DataFrame({"targets": [3, 10, 10]}, index=["A", "B", "C"])
    assert rank(table, "targets").tolist() == [3, 1, 1]


def test_the_full_ranking_shows_each_regions_schedule_in_words():
    from layouts.components import RANKING_COLUMNS, ranking_table

    n = MIN_RANKED_DENOMINATOR
    table = _table({"31": (n, 1, n), "32": (2 * n, 2, 2 * n), "33": (3 * n, 3, 3 * n)})
    table["name"] = ["DKI", "Jabar", "Jateng"]
    for column in RANKING_COLUMNS:
        if column not in table:
            table[column] = 1.0
    schedule = pd.Series({"31": "on_schedule", "32": "at_risk"})  # 33 outside the user's area
    grid = ranking_table(table, rank(table, "return_rate"), "return_rate", "id", "t", "Provinsi", {c: "/" for c in table.index},
                         schedule=schedule)
    shown = {row["code"]: row["schedule"] for row in grid.data}
    assert shown == {"31": "Sesuai", "32": "Berisiko", "33": None}
    assert grid.columns[-1] == {"name": "Status jadwal", "id": "schedule", "type": "text"}
