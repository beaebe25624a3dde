"""A small round for the review queue's tests, written directly (no simulation): facilitators
of three kabupaten/kota of Jawa Timur and one of Jawa Barat with stored fabrication-risk rows
(score, ``high_risk``, each signal's value, peer median and strength), a second round, and
the rollup state that makes the pages show the rounds. Independent of how the score is
computed (``dashboard.quality.risk``): the queue reads what is stored.

Scores are chosen around the default threshold (50): at it, just below it, unscored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa

from dashboard.quality.risk import SIGNALS
from dashboard.store.database import init_database
from dashboard.store.models import Base

THRESHOLD = 50.0
START, DEADLINE = dt.date(2026, 10, 31), dt.date(2026, 12, 3)
DATA_UNTIL = dt.datetime(2026, 11, 24, 6, 0)
#: A name with markdown and HTML in it: shown as written, never as markup.
TRICKY_NAME = "Dewi [Lestari](http://x) <b>Putri</b>"

#: id -> (name, regency, interviews, score in round 1, score in round 2); None: not scored.
FACILITATORS: dict[str, tuple[str, str, int, float | None, float | None]] = {
    "PKH-3577-001": ("Sri Wahyuni", "35.77", 40, 82.0, 10.0),
    "PKH-3577-002": ("Agus Setiawan", "35.77", 35, 64.0, 60.0),
    "PKH-3577-003": (TRICKY_NAME, "35.77", 30, 50.0, 20.0),
    "PKH-3577-004": ("Budi Santoso", "35.77", 38, 49.9, 30.0),
    "PKH-3577-005": ("Rina Marlina", "35.77", 4, None, None),
    "PKH-3577-006": ("Joko Prasetyo", "35.77", 41, 12.0, 12.0),
    "PKH-3577-007": ("Siti Aminah", "35.77", 36, 71.0, 71.0),
    "PKH-3519-001": ("Hendra Gunawan", "35.19", 33, 90.0, 80.0),
    "PKH-3519-002": ("Yuli Astuti", "35.19", 29, 55.0, 55.0),
    "PKH-3519-003": ("Eko Wibowo", "35.19", 31, 20.0, 20.0),
    "PKH-3578-001": ("Nur Hidayah", "35.78", 44, 58.0, 58.0),
    "PKH-3201-001": ("Dedi Kurniawan", "32.01", 37, 70.0, 70.0),
    "PKH-3201-002": ("Lina Marlina", "32.01", 39, 95.0, 95.0),
    "PKH-3201-003": ("Asep Saepudin", "32.01", 26, 51.0, 51.0),
}


@dataclass(frozen=True)
class ReviewRound:
    url: str
    facilitators: dict


def _risk_rows(round_id: int, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    rows = []
    for facilitator_id, (_name, regency, interviews, *scores) in FACILITATORS.items():
        score = scores[round_id - 1]
        row = {
            "round_id": round_id, "facilitator_id": facilitator_id, "province_code": regency[:2], "regency_code": regency,
            "interviews": interviews, "score": score, "high_risk": score is not None and score >= THRESHOLD,
        }
        for signal in SIGNALS:
            raised = score is not None and rng.random() < 0.45
            row[signal.id] = float(rng.uniform(0, 1))
            row[f"{signal.id}_peer"] = float(rng.uniform(0, 1))
            row[f"{signal.id}_strength"] = float(np.round(rng.uniform(1, 40), 1)) if raised else 0.0
        rows.append(row)
    # Two signals of equal strength: the reason names them in the signals' order.
    first = next(r for r in rows if r["facilitator_id"] == "PKH-3577-002")
    for signal in SIGNALS[-2:]:
        first[f"{signal.id}_strength"] = 45.0
    return rows


def build_review_round(url: str) -> ReviewRound:
    """``url`` (an empty database) migrated, with the reference regions and the rows above."""
    engine = init_database(url)
    risk_columns = set(Base.metadata.tables["facilitator_risk"].columns.keys())
    with engine.begin() as conn:
        for round_id in (1, 2):
            conn.execute(sa.insert(Base.metadata.tables["round"]), [{
                "id": round_id, "name": f"Putaran uji {round_id}", "start_date": START, "deadline": DEADLINE, "created_at": DATA_UNTIL,
            }])
            conn.execute(sa.insert(Base.metadata.tables["rollup_state"]), [{
                "round_id": round_id, "data_until": DATA_UNTIL, "refreshed_at": DATA_UNTIL, "version": 1, "reranks_counted": True,
            }])
            conn.execute(sa.insert(Base.metadata.tables["rollup_regency_targets"]), [
                {"round_id": round_id, "regency_code": regency, "category": "inclusion_error", "province_code": regency[:2], "targets": 100}
                for regency in sorted({f[1] for f in FACILITATORS.values()})
            ])
        conn.execute(sa.insert(Base.metadata.tables["facilitator"]), [
            {"id": facilitator_id, "name": name, "province_code": regency[:2], "regency_code": regency, "coordinator_id": None, "active": True}
            for facilitator_id, (name, regency, *_rest) in FACILITATORS.items()
        ])
        for round_id in (1, 2):
            rows = [{k: v for k, v in row.items() if k in risk_columns} for row in _risk_rows(round_id, seed=round_id)]
            conn.execute(sa.insert(Base.metadata.tables["facilitator_risk"]), rows)
    return ReviewRound(url, FACILITATORS)
