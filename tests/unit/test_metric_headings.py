"""A metric's heading carries its unit once: "Penyelesaian (%)", never "(%) (%)"."""

from __future__ import annotations

import pytest

from dashboard.figures.metrics import METRICS, get_metric


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_percentage_names_its_unit_once_and_counts_none(lang):
    for metric in METRICS:
        heading = metric.heading(lang)
        assert heading.startswith(metric.label(lang))
        assert heading.count("%") == (1 if metric.unit == "percent" else metric.label(lang).count("%")), heading


def test_examples():
    assert get_metric("completion_pct").heading("id") == "Penyelesaian (%)"
    assert get_metric("targets").heading("en") == "Targets"
    assert get_metric("active_facilitators_1d_pct").heading("en").count("(%)") == 1
