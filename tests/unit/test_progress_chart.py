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


def test_the_forecast_runs_from_today_to_the_deadline_in_its_band():
    from dashboard.figures.forecast import forecast_one

    today = dt.date(2026, 12, 1)
    per_day = pd.Series([100] * 10 + [50, 150] * 7, index=[START + dt.timedelta(days=i) for i in range(24)])
    forecast = forecast_one(per_day, 5000, today, START, DEADLINE)
    frame = progress_frame(per_day.cumsum(), 5000, today, START, DEADLINE)
    figure = progress_figure(frame, "en", DEADLINE, today, "Progress", forecast)
    low, high, line = figure.data[2:]
    assert line.name == "Forecast" and low.hoverinfo == high.hoverinfo == "skip" and high.fill == "tonexty"
    assert line.x[0] == today and line.x[-1] == DEADLINE
    assert line.y[0] == pytest.approx(forecast.completion_pct)
    assert line.y[-1] == pytest.approx(forecast.by_deadline_pct)
    assert low.y[-1] == pytest.approx(forecast.by_deadline_low_pct) and high.y[-1] == pytest.approx(forecast.by_deadline_high_pct)
    assert all(lo <= mid <= hi for lo, mid, hi in zip(low.y, line.y, high.y))
    # After the deadline, or when all is done, there is nothing left to forecast.
    late = forecast_one(per_day, 5000, dt.date(2026, 12, 20), START, DEADLINE)
    assert len(progress_figure(frame, "en", DEADLINE, dt.date(2026, 12, 20), "Progress", late).data) == 2
