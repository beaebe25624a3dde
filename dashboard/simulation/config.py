"""Parameters of a simulated ground-check round, and the calibration behind their defaults.

Calibration targets (published for the 2025 round; see ``../shared/reference/DOMAIN.md``):
- launched Wed 26 Feb 2025, deadline 31 Mar 2025, work ran on into May;
- about 25 % complete nationally on 17 Mar 2025;
- Kota Madiun (35.77) 72.8 % complete on 10 Apr 2025;
- Ramadan 1-30 Mar 2025 and the Idul Fitri holidays after it slowed the work;
- faster in Java, slower in Papua, Maluku, NTT and other areas reached by boat.

The model: every target has a completion time in *work-days* drawn from a logistic curve
(``progress_midpoint_workdays``, ``progress_scale_workdays``), divided by the speed of its
province, kabupaten/kota and facilitator. Work-days are turned into calendar days by a
daily capacity (weekday factors times slowdown periods), so the weekly rhythm and Ramadan
show in the curve without a separate mechanism. With the defaults below and the 2025 dates
the expected national completion on 17 Mar 2025 is 26 % and Kota Madiun's expected
completion on 10 Apr 2025 is 70 % (72.8 % published; its 17 facilitators' random speeds
decide the rest) (``tests/unit/test_simulation_calibration.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

#: Ramadan and the Idul Fitri leave (cuti bersama) of recent years, as announced by the
#: Indonesian government (Ramadan start-end; Idul Fitri leave start-end).
RAMADAN_PERIODS: tuple[tuple[dt.date, dt.date], ...] = (
    (dt.date(2024, 3, 12), dt.date(2024, 4, 9)),
    (dt.date(2025, 3, 1), dt.date(2025, 3, 30)),
    (dt.date(2026, 2, 19), dt.date(2026, 3, 19)),
    (dt.date(2027, 2, 8), dt.date(2027, 3, 9)),
    (dt.date(2028, 1, 28), dt.date(2028, 2, 25)),
)
IDUL_FITRI_LEAVE: tuple[tuple[dt.date, dt.date], ...] = (
    (dt.date(2024, 4, 8), dt.date(2024, 4, 15)),
    (dt.date(2025, 3, 28), dt.date(2025, 4, 7)),
    (dt.date(2026, 3, 18), dt.date(2026, 3, 24)),
    (dt.date(2027, 3, 8), dt.date(2027, 3, 15)),
    (dt.date(2028, 2, 24), dt.date(2028, 3, 2)),
)

#: Relative speed of the field work by province: Java and Bali fastest, the islands of the
#: east (NTT, Maluku, Papua) slowest. Other provinces 1.0.
PROVINCE_SPEED: dict[str, float] = {
    **{code: 1.2 for code in ("31", "32", "33", "34", "35", "36", "51")},
    **{code: 0.95 for code in ("52", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76")},
    **{code: 0.85 for code in ("19", "21")},  # island provinces of the west, many by boat
    "53": 0.7,
    "81": 0.68,
    "82": 0.68,
    **{code: 0.55 for code in ("91", "92", "93", "94", "95", "96")},
}


@dataclass(frozen=True)
class Slowdown:
    """A period in which the daily capacity of the field work is multiplied by ``factor``:
    everywhere, or in the ``provinces`` given (codes; a flood, unrest, a stalled contract),
    which is what the forecasts must find early."""

    start: dt.date
    end: dt.date  # inclusive
    factor: float
    provinces: tuple[str, ...] = ()

    def applies_to(self, province_code: str | None) -> bool:
        """Whether the slowdown holds in ``province_code`` (None: the nation's calendar,
        which only the slowdowns of everywhere shape)."""
        return not self.provinces or province_code in self.provinces

    @classmethod
    def parse(cls, text: str) -> Slowdown:
        """``START:END:FACTOR[:PROVINCES]`` with ISO dates and province codes separated by
        commas, e.g. ``2025-03-01:2025-03-30:0.8`` or ``2025-03-10:2025-04-30:0.3:94,95``."""
        parts = text.split(":")
        try:
            if len(parts) not in (3, 4):
                raise ValueError
            provinces = tuple(sorted(p.strip() for p in parts[3].split(","))) if len(parts) == 4 else ()
            value = cls(dt.date.fromisoformat(parts[0]), dt.date.fromisoformat(parts[1]), float(parts[2]), provinces)
        except ValueError as exc:
            raise ValueError(
                f"slowdown {text!r} is not START:END:FACTOR[:PROVINCES] (e.g. 2025-03-01:2025-03-30:0.8 or 2025-03-10:2025-04-30:0.3:94,95)"
            ) from exc
        if value.end < value.start or not 0 <= value.factor <= 1:
            raise ValueError(f"slowdown {text!r}: END must not precede START and FACTOR must be in [0, 1]")
        if not all(len(code) == 2 and code.isdigit() for code in value.provinces):
            raise ValueError(f"slowdown {text!r}: PROVINCES are two-digit province codes separated by commas (e.g. 94,95)")
        return value


def holiday_slowdowns(start: dt.date, end: dt.date) -> list[Slowdown]:
    """The Ramadan (x0.8) and Idul Fitri leave (x0.3) periods that overlap [start, end]."""
    periods = [Slowdown(a, b, 0.8) for a, b in RAMADAN_PERIODS]
    periods += [Slowdown(a, b, 0.3) for a, b in IDUL_FITRI_LEAVE]
    return [p for p in periods if p.end >= start and p.start <= end]


#: Levels of ``SimulationConfig.fabrication_level`` (``plan.FABRICATION_LEVELS`` has them).
FABRICATION_LEVEL_COUNT = 5


@dataclass(frozen=True)
class DefectRates:
    """Share of handed-in visits that get each injected defect (fabrication: of facilitators)."""

    short_interview: float = 0.02
    gps_missing: float = 0.01
    gps_outside_regency: float = 0.005
    gps_duplicate: float = 0.01
    pln_reused: float = 0.005
    pln_malformed: float = 0.005
    photo_missing: float = 0.02
    inconsistent_answers: float = 0.01
    implausible_hour: float = 0.005
    fabrication: float = 0.005

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not 0 <= value <= 0.5:
                raise ValueError(f"defect rate {name}={value} must lie in [0, 0.5]")


@dataclass(frozen=True)
class SimulationConfig:
    """Everything that determines a simulated round: the same config gives the same data."""

    families: int
    seed: int
    start: dt.date
    deadline: dt.date
    as_of: dt.datetime  # naive UTC
    round_id: int = 1
    round_name: str = ""
    slowdowns: tuple[Slowdown, ...] = ()
    defect_rates: DefectRates = field(default_factory=DefectRates)
    #: Share of targets per category (inclusion error, exclusion error, inactive NIK):
    #: with these, the re-ranking lands near the published shares (``plan.INCLUSION_REAL_ERROR_SHARE``).
    category_shares: tuple[float, float, float] = (0.15, 0.65, 0.20)
    #: Logistic completion curve in work-days (see the module docstring).
    progress_midpoint_workdays: float = 21.5
    progress_scale_workdays: float = 8.0
    #: Share of facilitators with an idle spell of 4-21 days somewhere in the round, and of
    #: those who stop for good (they stay assigned, ``active = False``).
    idle_share: float = 0.08
    dropout_share: float = 0.004
    #: Review: chance a first submission is returned (clean visit / visit with a defect).
    return_rate: float = 0.07
    return_rate_defective: float = 0.35
    #: Last day any work happens, counted from the start.
    horizon_days: int = 150
    #: How much a facilitator's post-test follows their speed (``dashboard.simulation.training``):
    #: points of post-test per standard deviation of speed in their province, in tens (0: no
    #: relation at all; the default a weak one).
    training_effect: float = 0.2
    #: How carefully the fabricating facilitators (``defect_rates.fabrication``) hide it:
    #: 0 blatant .. 4 careful (``dashboard.simulation.plan.FABRICATION_LEVELS``).
    fabrication_level: int = 0

    def __post_init__(self) -> None:
        if self.families < 1:
            raise ValueError("--families must be at least 1")
        if self.deadline < self.start:
            raise ValueError("--deadline must not precede --start")
        if self.as_of.date() < self.start - dt.timedelta(days=1):
            raise ValueError("--as-of must not precede --start")
        if abs(sum(self.category_shares) - 1) > 1e-9:
            raise ValueError("category shares must add up to 1")
        if self.fabrication_level not in range(FABRICATION_LEVEL_COUNT):
            raise ValueError(f"--fabrication-level must be one of 0..{FABRICATION_LEVEL_COUNT - 1}")

    @property
    def name(self) -> str:
        return self.round_name or f"Ground check DTSEN mulai {self.start.isoformat()} (simulasi)"

    def to_json(self) -> dict:
        """The config as stored in ``round.simulation`` (``--live`` rebuilds it from there)."""
        data = asdict(self)
        data["start"] = self.start.isoformat()
        data["deadline"] = self.deadline.isoformat()
        data["as_of"] = self.as_of.isoformat()
        data["slowdowns"] = [
            {"start": s.start.isoformat(), "end": s.end.isoformat(), "factor": s.factor, **({"provinces": list(s.provinces)} if s.provinces else {})}
            for s in self.slowdowns
        ]
        data["category_shares"] = list(self.category_shares)
        return data

    @classmethod
    def from_json(cls, data: dict) -> SimulationConfig:
        data = dict(data)
        data["start"] = dt.date.fromisoformat(data["start"])
        data["deadline"] = dt.date.fromisoformat(data["deadline"])
        data["as_of"] = dt.datetime.fromisoformat(data["as_of"])
        data["slowdowns"] = tuple(
            Slowdown(dt.date.fromisoformat(s["start"]), dt.date.fromisoformat(s["end"]), s["factor"], tuple(s.get("provinces", ())))
            for s in data["slowdowns"]
        )
        data["defect_rates"] = DefectRates(**data["defect_rates"])
        data["category_shares"] = tuple(data["category_shares"])
        return cls(**data)


def round_config(
    families: int,
    seed: int,
    as_of: dt.datetime,
    start: dt.date | None = None,
    deadline: dt.date | None = None,
    holidays: bool = True,
    extra_slowdowns: tuple[Slowdown, ...] = (),
    **options,
) -> SimulationConfig:
    """A round's config with the usual defaults: the demo dates around ``as_of`` unless
    ``start``/``deadline`` are given (a deadline 33 days after a given start), and the
    Ramadan and Idul Fitri slowdowns that fall inside the round's horizon."""
    default_start, default_deadline = default_round_dates(as_of)
    start = start or default_start
    deadline = deadline or (start + dt.timedelta(days=33) if start != default_start else default_deadline)
    horizon = options.get("horizon_days", SimulationConfig.__dataclass_fields__["horizon_days"].default)
    slowdowns = tuple(extra_slowdowns)
    if holidays:
        slowdowns += tuple(holiday_slowdowns(start, start + dt.timedelta(days=horizon)))
    return SimulationConfig(
        families=families, seed=seed, start=start, deadline=deadline, as_of=as_of, slowdowns=slowdowns, **options
    )


def default_round_dates(now: dt.datetime) -> tuple[dt.date, dt.date]:
    """A demo round that ``now`` falls inside: started 24 days ago, deadline 33 days after
    the start (the 2025 round's 26 Feb to 31 Mar), so "today" and "last 7 days" mean
    something on screen and the round is visibly behind its plan, as the 2025 round was."""
    start = now.date() - dt.timedelta(days=24)
    return start, start + dt.timedelta(days=33)
