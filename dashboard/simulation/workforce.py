"""The simulated workforce: 33,603 Pendamping PKH, their coordinators and the areas they cover.

Facilitators are split by province exactly as in the BPS briefing's table, then over the
kabupaten/kota of the province in proportion to their number of desa/kelurahan (largest
remainder, at least one each). Within a kabupaten/kota each facilitator covers a contiguous
run of its desa (in code order), so they cover one or a few neighbouring kecamatan.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.simulation.config import PROVINCE_SPEED, SimulationConfig

# Synthetic staff names (facilitators are staff and may be named; these are made up).
_GIVEN = (
    "Siti", "Nur", "Dewi", "Sri", "Rina", "Ayu", "Putri", "Fitri", "Yuni", "Lestari", "Ratna",
    "Wulan", "Indah", "Maya", "Rahma", "Nia", "Eka", "Dian", "Agus", "Budi", "Andi", "Rudi",
    "Hendra", "Joko", "Dedi", "Yusuf", "Rizky", "Fajar", "Arif", "Bayu", "Eko", "Hadi",
    "Irfan", "Made", "Ketut", "Wayan", "Yohanes", "Maria", "Stefanus", "Ruth", "Teguh",
    "Wahyu", "Ilham", "Fauzan", "Reza", "Taufik", "Anisa", "Lina", "Ika", "Tri",
)
_FAMILY = (
    "Pratama", "Saputra", "Wijaya", "Hidayat", "Nugroho", "Santoso", "Kurniawan", "Setiawan",
    "Rahmawati", "Handayani", "Susanti", "Wulandari", "Lubis", "Nasution", "Siregar",
    "Harahap", "Simanjuntak", "Sitompul", "Tanjung", "Pohan", "Daulay", "Ginting", "Sembiring",
    "Tarigan", "Panjaitan", "Hutapea", "Manurung", "Situmorang", "Sinaga", "Purba",
    "Mahendra", "Permana", "Gunawan", "Firmansyah", "Ramadhan", "Syahputra", "Anggraini",
    "Marpaung", "Pardede", "Rumbiak", "Wenda", "Kogoya", "Ndiku", "Bire", "Latuconsina",
    "Pattimura", "Tuhumury", "Manoppo", "Mokodompit", "Lamato",
)


@dataclass
class Workforce:
    """Facilitators (one row each, in id order) and coordinators."""

    facilitators: pd.DataFrame
    coordinators: pd.DataFrame
    #: facilitator id → the range [village_start, village_end) into ``villages``.
    villages: pd.DataFrame
    coverage: pd.DataFrame  # facilitator_id, district_code


def _largest_remainder(total: int, weights: np.ndarray, minimum: int = 1) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights``, each at least ``minimum``."""
    n = len(weights)
    if total < minimum * n:
        raise ValueError(f"cannot give {n} parts at least {minimum} each out of {total}")
    spare = total - minimum * n
    quota = spare * weights / weights.sum()
    base = np.floor(quota).astype(int)
    left = spare - base.sum()
    order = np.argsort(-(quota - base), kind="stable")
    base[order[:left]] += 1
    return base + minimum


def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    given = np.array(_GIVEN)[rng.integers(0, len(_GIVEN), n)]
    family = np.array(_FAMILY)[rng.integers(0, len(_FAMILY), n)]
    return np.char.add(np.char.add(given, " "), family)


def build_workforce(reference: dict[str, pd.DataFrame], config: SimulationConfig) -> Workforce:
    """Facilitators, coordinators and coverage; deterministic for ``config.seed``."""
    rng = np.random.default_rng([config.seed, 1])
    provinces = reference["province"]
    regencies = reference["regency"].sort_values("code").reset_index(drop=True)
    villages = reference["village"].merge(
        reference["district"][["code", "regency_code"]].rename(columns={"code": "district_code"}),
        on="district_code",
    )
    villages = villages.sort_values("code").reset_index(drop=True)

    # Facilitators per kabupaten/kota.
    per_regency = np.zeros(len(regencies), dtype=int)
    for province in provinces.itertuples():
        mask = (regencies["province_code"] == province.code).to_numpy()
        per_regency[mask] = _largest_remainder(
            int(province.facilitator_count), regencies.loc[mask, "village_count"].to_numpy(float)
        )

    # Villages of each regency are contiguous in code order.
    village_regency = villages["regency_code"].to_numpy()
    regency_codes = regencies["code"].to_numpy()
    first_village = np.searchsorted(village_regency, regency_codes, side="left")
    last_village = np.searchsorted(village_regency, regency_codes, side="right")

    rows = []
    coordinator_rows = []
    for r, code in enumerate(regency_codes):
        f_count = per_regency[r]
        v0, v1 = first_village[r], last_village[r]
        n_villages = v1 - v0
        bounds = np.floor(np.arange(f_count + 1) * n_villages / f_count).astype(int)
        starts = bounds[:-1]
        ends = np.maximum(bounds[1:], starts + 1)
        n_coord = int(np.ceil(f_count / 25))
        per_coord = int(np.ceil(f_count / n_coord))
        compact = code.replace(".", "")
        for c in range(n_coord):
            coordinator_rows.append((f"KOR-{compact}-{c + 1:02d}", code))
        for i in range(f_count):
            rows.append(
                (
                    f"PKH-{compact}-{i + 1:03d}",
                    code,
                    code[:2],
                    f"KOR-{compact}-{i // per_coord + 1:02d}",
                    v0 + starts[i],
                    v0 + ends[i],
                )
            )
    facilitators = pd.DataFrame(
        rows, columns=["id", "regency_code", "province_code", "coordinator_id", "village_start", "village_end"]
    )
    n = len(facilitators)
    facilitators["name"] = _names(rng, n)

    # Caseload weight and speed: province x kabupaten/kota x person.
    regency_caseload = pd.Series(rng.lognormal(0, 0.25, len(regencies)), index=regency_codes)
    regency_speed = pd.Series(rng.lognormal(0, 0.12, len(regencies)), index=regency_codes)
    facilitators["caseload_weight"] = (
        facilitators["regency_code"].map(regency_caseload).to_numpy() * rng.lognormal(0, 0.35, n)
    )
    facilitators["speed"] = (
        facilitators["province_code"].map(PROVINCE_SPEED).fillna(1.0).to_numpy()
        * facilitators["regency_code"].map(regency_speed).to_numpy()
        * rng.lognormal(0, 0.3, n)
    )
    # Idle spells (calendar days from the start) and drop-outs (an idle spell without end).
    idle = rng.random(n) < config.idle_share
    dropout = rng.random(n) < config.dropout_share
    facilitators["idle_from_day"] = np.where(idle | dropout, rng.uniform(3, 60, n), np.nan)
    facilitators["idle_days"] = np.where(dropout, np.inf, np.where(idle, rng.integers(4, 22, n), 0.0))
    facilitators["active"] = ~dropout
    facilitators["fabricator"] = rng.random(n) < config.defect_rates.fabrication

    # Kecamatan covered: the districts of the facilitator's villages.
    district_of_village = villages["district_code"].to_numpy()
    cover_rows = []
    for fid, v0, v1 in zip(facilitators["id"], facilitators["village_start"], facilitators["village_end"]):
        for district in dict.fromkeys(district_of_village[v0:v1]):
            cover_rows.append((fid, district))
    coverage = pd.DataFrame(cover_rows, columns=["facilitator_id", "district_code"])

    coordinators = pd.DataFrame(coordinator_rows, columns=["id", "regency_code"])
    coordinators["name"] = _names(rng, len(coordinators))
    return Workforce(facilitators=facilitators, coordinators=coordinators, villages=villages, coverage=coverage)
