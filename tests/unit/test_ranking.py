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
