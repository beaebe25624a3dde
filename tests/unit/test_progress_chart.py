"""The progress chart's labels cannot collide: today and the deadline are labelled above the
plot on opposite sides of their lines (today, the earlier, on its left), the x axis runs
on past the later so that the right-hand label has room, and no date sits in the corner
under "0 %"."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.figures.overview import progress_frame
from layouts.components import progress_figure

START, DEADLINE = dt.date(2026, 11, 7), dt.date(2026, 12, 10)


@pytest.mark.parametrize("today", [dt.date(2026, 12, 1), DEADLINE, dt.date(2026, 12, 20)])
def test_the_labels_of_today_and_the_deadline_stand_apart(today):
    submitted = pd.Series([10, 30], index=[START, START + dt.timedelta(days=3)])
    figure = progress_figure(progress_frame(submitted, 100, today, START, DEADLINE), "id", DEADLINE, today, "Progres")
    labels = {a.text: a for a in figure.layout.annotations}
    today_label, deadline_label = labels["Hari ini"], labels["Tenggat"]
    assert {today_label.xanchor, deadline_label.xanchor} == {"left", "right"}
    earlier = today_label if today <= DEADLINE else deadline_label
    assert earlier.xanchor == "right" and earlier.yanchor == "bottom" and earlier.y == 1  # above the plot
    end = pd.Timestamp(figure.layout.xaxis.range[1])
    assert end > pd.Timestamp(max(today, DEADLINE)) + pd.Timedelta(days=1)
    assert START not in list(figure.layout.xaxis.tickvals)
