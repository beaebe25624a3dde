"""The answers of an interviewed family, consistent with its (hidden) welfare level.

Each target has a latent welfare percentile ``p`` in (0, 1): its true desil is
``ceil(10 p)``. Housing, assets and the head's schooling follow ``p``; so the verified
answers "explain" the desil BPS computes after the check. Clean answers never break a
consistency rule (a head aged 15+, a household of 1+, livestock only with some asset, no
PLN meter id without PLN electricity): inconsistencies come only from injected defects.
"""

from __future__ import annotations

import numpy as np

from dashboard.vocabulary import ASSET_COLUMNS

#: Provinces where pigs are commonly kept (Christian and Hindu majority areas).
PIG_PROVINCES = frozenset({"12", "51", "53", "71", "91", "92", "93", "94", "95", "96", "81"})
#: Provinces where a share of homes light with non-PLN power or none.
OFF_GRID_PROVINCES = frozenset({"53", "81", "82", "91", "92", "93", "94", "95", "96"})


def _ordinal(rng: np.random.Generator, p: np.ndarray, levels: int, noise: float = 0.9) -> np.ndarray:
    """Code 1 (best) .. ``levels`` (worst), better for higher ``p``."""
    value = levels - p * (levels - 1) + rng.normal(0, noise, len(p))
    return np.clip(np.rint(value), 1, levels).astype(np.int16)


def _chance(rng: np.random.Generator, probability: np.ndarray) -> np.ndarray:
    return rng.random(len(probability)) < probability


def family_answers(rng: np.random.Generator, p: np.ndarray, province_code: str) -> dict[str, np.ndarray]:
    """Answers of ``len(p)`` families (all rows filled; the caller masks the non-interviewed)."""
    n = len(p)
    a: dict[str, np.ndarray] = {}
    a["household_size"] = np.clip(1 + rng.poisson(3.4 - 1.2 * p), 1, 14).astype(np.int16)
    a["house_ownership"] = rng.choice([1, 2, 3, 4], size=n, p=[0.8, 0.08, 0.1, 0.02]).astype(np.int16)
    a["floor_area_m2"] = np.clip(np.rint(rng.lognormal(np.log(30 + 60 * p), 0.35)), 9, 600).astype(np.int16)
    a["floor_material"] = _ordinal(rng, p, 5)
    a["wall_material"] = _ordinal(rng, p, 5)
    a["roof_material"] = _ordinal(rng, p, 4, 0.7)
    a["drinking_water"] = _ordinal(rng, p, 7, 1.4)
    off_grid = 0.25 if province_code in OFF_GRID_PROVINCES else 0.03
    lighting = np.where(rng.random(n) < off_grid, rng.choice([3, 4], size=n), rng.choice([1, 2], size=n, p=[0.85, 0.15]))
    a["lighting_source"] = lighting.astype(np.int16)
    metered = lighting == 1
    # ID pelanggan PLN: 12 digits. Made up; the first digit is never 0.
    ids = rng.integers(100_000_000_000, 599_999_999_999, n)
    a["pln_meter_id"] = np.where(metered, ids.astype(str), None).astype(object)
    va = np.choose(np.clip((p * 4).astype(int), 0, 3), [450, 900, 1300, 2200])
    a["electricity_va"] = np.where(lighting <= 2, va, 0).astype(np.int32)
    a["cooking_fuel"] = np.where(rng.random(n) < 0.15 + 0.6 * (1 - p) ** 2, 4, np.where(rng.random(n) < 0.1 * p, 1, 2)).astype(np.int16)
    a["sanitation"] = _ordinal(rng, p, 4, 0.8)
    asset_probability = {
        "owns_gas_cylinder": 0.05 + 0.6 * p,
        "owns_refrigerator": 0.1 + 0.75 * p,
        "owns_air_conditioner": 0.01 + 0.4 * p**2,
        "owns_water_heater": 0.01 + 0.25 * p**2,
        "owns_television": 0.55 + 0.4 * p,
        "owns_computer": 0.02 + 0.45 * p**2,
        "owns_gold": 0.05 + 0.35 * p,
        "owns_motorcycle": 0.45 + 0.45 * p,
        "owns_car": 0.005 + 0.4 * p**3,
        "owns_land": 0.15 + 0.25 * p,
    }
    assert tuple(asset_probability) == ASSET_COLUMNS
    for column, probability in asset_probability.items():
        a[column] = _chance(rng, probability)
    a["livestock_cattle"] = np.where(rng.random(n) < 0.08, rng.integers(1, 6, n), 0).astype(np.int16)
    a["livestock_goats"] = np.where(rng.random(n) < 0.12, rng.integers(1, 9, n), 0).astype(np.int16)
    pig_share = 0.25 if province_code in PIG_PROVINCES else 0.0
    a["livestock_pigs"] = np.where(rng.random(n) < pig_share, rng.integers(1, 6, n), 0).astype(np.int16)
    a["livestock_poultry"] = np.where(rng.random(n) < 0.4, rng.integers(2, 30, n), 0).astype(np.int16)
    # A family with livestock and no asset at all is an inconsistency (a defect), so clean
    # families that keep animals have at least a television.
    has_livestock = (a["livestock_cattle"] + a["livestock_goats"] + a["livestock_pigs"] + a["livestock_poultry"]) > 0
    no_asset = ~np.any(np.column_stack([a[c] for c in ASSET_COLUMNS]), axis=1)
    a["owns_television"] = a["owns_television"] | (has_livestock & no_asset)

    # Head of the family.
    a["head_sex"] = np.where(rng.random(n) < 0.82, 1, 2).astype(np.int16)
    a["head_age"] = np.clip(np.rint(rng.normal(49, 13, n)), 17, 98).astype(np.int16)
    a["head_marital_status"] = rng.choice([1, 2, 3, 4], size=n, p=[0.04, 0.8, 0.05, 0.11]).astype(np.int16)
    a["head_education"] = np.clip(np.rint(p * 4 + rng.normal(0, 0.9, n)), 0, 4).astype(np.int16)
    a["head_employment"] = rng.choice([0, 1, 2, 3, 4], size=n, p=[0.12, 0.33, 0.3, 0.22, 0.03]).astype(np.int16)
    a["head_owns_business"] = _chance(rng, 0.1 + 0.25 * p)
    a["head_disability"] = rng.random(n) < 0.05
    a["head_chronic_illness"] = rng.random(n) < 0.12
    a["head_health_insurance"] = rng.random(n) < 0.85
    others = a["household_size"].astype(int) - 1
    a["members_working"] = rng.binomial(others, 0.3).astype(np.int16)
    a["members_school_age_not_in_school"] = rng.binomial(others, 0.04 * (1 - p)).astype(np.int16)
    a["members_disability"] = rng.binomial(others, 0.02).astype(np.int16)
    a["members_chronic_illness"] = rng.binomial(others, 0.05).astype(np.int16)
    return a


def uniform_answers(n: int, province_code: str, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Answers a fabricating facilitator types without visiting: the same "typical" family
    over and over, in round numbers."""
    a = family_answers(rng, np.full(n, 0.35), province_code)
    a["household_size"][:] = 4
    a["floor_area_m2"][:] = 36
    a["floor_material"][:] = 2
    a["wall_material"][:] = 1
    a["roof_material"][:] = 2
    a["drinking_water"][:] = 3
    a["sanitation"][:] = 2
    a["cooking_fuel"][:] = 2
    a["head_age"] = np.choose(rng.integers(0, 3, n), [40, 45, 50]).astype(np.int16)
    a["livestock_poultry"] = np.where(a["livestock_poultry"] > 0, 10, 0).astype(np.int16)
    return a
