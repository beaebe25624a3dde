"""Running a simulation against a database: the first load, and ``--live`` after it."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine
from tqdm import tqdm

from dashboard.alerts import evaluate_with_settings
from dashboard.quality.refresh import refresh_quality, regency_polygons
from dashboard.quality.risk import RiskParameters
from dashboard.quality.rules import QualityParameters
from dashboard.settings import get_settings
from dashboard.simulation import snapshot
from dashboard.simulation import timeline as tl
from dashboard.simulation.config import SimulationConfig
from dashboard.simulation.geography import village_anchors
from dashboard.simulation.plan import ProvincePlan, plan_province
from dashboard.simulation.training import TrainingPlan, held_between, plan_training
from dashboard.simulation.workforce import Workforce, build_workforce
from dashboard.store import models
from dashboard.store.bulk import delete_visits, write_columns
from dashboard.store.database import init_database, read_reference_tables
from dashboard.store.rollups import day_of, rebuild_rollups, refresh_rollups
from geodata.boundaries import BoundariesUnavailable  # raised without the boundary files; the CLIs report it

log = logging.getLogger(__name__)


#: A province of more targets than this is planned in parts of whole kabupaten/kota, so that
#: the plan in memory stays near 1 GB (about 1.4 kB per target while planning, 0.9 kB held)
#: whatever the round's size: at 20M targets Jawa Timur has 3.1M. A province within the
#: limit is one part, with the random stream it always had.
PLAN_PART_TARGETS = 750_000
#: ``--live`` keeps the plans of a round of at most this many targets in memory between
#: ticks (about 0.9 kB each); a larger round is planned again, part by part, at every tick.
LIVE_HELD_TARGETS = 2_000_000


class RoundExists(RuntimeError):
    """The database already holds the round to be simulated."""


@dataclass
class SimulationSummary:
    targets: int
    visits: int
    events: int
    defects: int
    facilitators: int
    seconds: float

    def __str__(self) -> str:
        rate = self.targets / self.seconds if self.seconds else 0
        return (
            f"{self.targets:,} targets, {self.visits:,} visits, {self.events:,} status events, "
            f"{self.defects:,} injected defects, {self.facilitators:,} facilitators "
            f"in {self.seconds:.1f} s ({rate:,.0f} targets/s)"
        )


class Simulation:
    """The workforce, geography and per-province plans of one simulated round."""

    def __init__(self, config: SimulationConfig, geodata_dir: Path):
        self.config = config
        self.reference = read_reference_tables()
        self.workforce: Workforce = build_workforce(self.reference, config)
        self.anchor_lon, self.anchor_lat = village_anchors(self.workforce.villages, geodata_dir, config.seed)
        self.calendars: dict[str, tl.WorkCalendar] = {}
        self.caseloads = self._caseloads()
        provinces = self.reference["province"]
        self.utc_offset = dict(zip(provinces["code"], provinces["utc_offset_hours"]))

    def _caseloads(self) -> np.ndarray:
        """Targets per facilitator: at least one each when there are enough targets."""
        rng = np.random.default_rng([self.config.seed, 3])
        weights = self.workforce.facilitators["caseload_weight"].to_numpy()
        weights = weights / weights.sum()
        n_fac = len(weights)
        if self.config.families >= n_fac:
            return 1 + rng.multinomial(self.config.families - n_fac, weights)
        return rng.multinomial(self.config.families, weights)

    def calendar(self, province_code: str) -> tl.WorkCalendar:
        """The work calendar of a province (its slowdowns), made once."""
        if province_code not in self.calendars:
            self.calendars[province_code] = tl.WorkCalendar(self.config, province_code)
        return self.calendars[province_code]

    def province_codes(self) -> list[str]:
        return sorted(self.workforce.facilitators["province_code"].unique())

    def parts(self, province_code: str) -> list[slice]:
        """The rows of the workforce table planned together: the whole province, or groups
        of whole kabupaten/kota of at most ``PLAN_PART_TARGETS`` targets (a facilitator's
        targets are in one kabupaten/kota, so each facilitator is in one part)."""
        facilitators = self.workforce.facilitators
        rows = np.flatnonzero((facilitators["province_code"] == province_code).to_numpy())
        first, last = int(rows[0]), int(rows[-1]) + 1  # the table is in (province, regency) order
        if int(self.caseloads[first:last].sum()) <= PLAN_PART_TARGETS:
            return [slice(first, last)]
        regencies = facilitators["regency_code"].to_numpy()[first:last]
        starts = np.flatnonzero(np.r_[True, regencies[1:] != regencies[:-1]]) + first
        parts, begin, size = [], first, 0
        for start, end in zip(starts, np.r_[starts[1:], last]):
            targets = int(self.caseloads[start:end].sum())
            if size and size + targets > PLAN_PART_TARGETS:
                parts.append(slice(begin, int(start)))
                begin, size = int(start), 0
            size += targets
        parts.append(slice(begin, last))
        return parts

    def plan(self, province_code: str, part: int | None = None) -> ProvincePlan:
        """The plan of part ``part`` of the province (see ``parts``); without ``part``, of
        the whole province, which must then be planned in one part (a silent first part of
        a large province would look like a whole one)."""
        parts = self.parts(province_code)
        if part is None and len(parts) > 1:
            raise ValueError(f"province {province_code} is planned in {len(parts)} parts: say which (Simulation.plans)")
        rows = parts[part or 0]
        return plan_province(
            self.config,
            self.calendar(province_code),
            province_code,
            int(self.utc_offset[province_code]),
            self.workforce.facilitators.iloc[rows].reset_index(drop=True),
            self.caseloads[rows],
            int(self.caseloads[: rows.start].sum()) + 1,
            self.workforce.villages,
            self.anchor_lon,
            self.anchor_lat,
            part=part if len(parts) > 1 else None,
        )

    def plans(self) -> Iterator[tuple[str, int]]:
        """Every (province, part) of the round, in the order their target ids run."""
        for code in self.province_codes():
            for part in range(len(self.parts(code))):
                yield code, part


def _write_workforce(conn, workforce: Workforce) -> None:
    existing = conn.execute(select(func.count()).select_from(models.Facilitator)).scalar_one()
    if existing:
        if existing != len(workforce.facilitators):
            raise RoundExists(
                f"the database holds {existing:,} facilitators, not the simulator's "
                f"{len(workforce.facilitators):,}: use an empty database"
            )
        return  # the same deterministic workforce is already there
    f = workforce.facilitators
    write_columns(conn, "coordinator", {c: workforce.coordinators[c].to_numpy(dtype=object) for c in ("id", "name", "regency_code")})
    write_columns(
        conn,
        "facilitator",
        {
            "id": f["id"].to_numpy(dtype=object),
            "name": f["name"].to_numpy(dtype=object),
            "province_code": f["province_code"].to_numpy(dtype=object),
            "regency_code": f["regency_code"].to_numpy(dtype=object),
            "coordinator_id": f["coordinator_id"].to_numpy(dtype=object),
            "active": f["active"].to_numpy(),
        },
    )
    write_columns(conn, "facilitator_district", {c: workforce.coverage[c].to_numpy(dtype=object) for c in workforce.coverage})


def _write_training(conn, plan: TrainingPlan, round_id: int) -> None:
    """The instructors (once: staff, like the facilitators) and the classes of ``plan``."""
    if not conn.execute(select(func.count()).select_from(models.Instructor)).scalar_one():
        write_columns(conn, "instructor", {c: plan.instructors[c].to_numpy(dtype=object) for c in ("id", "name", "province_code")})
    if len(plan.classes):
        classes = plan.classes
        write_columns(conn, "training_class", {
            "id": classes["id"].to_numpy(dtype=object), "round_id": np.full(len(classes), round_id),
            "kind": classes["kind"].to_numpy(dtype=object), "province_code": classes["province_code"].to_numpy(dtype=object),
            "held_on": np.array([d.isoformat() for d in classes["held_on"]], dtype=object),
            "make_up": classes["make_up"].to_numpy(dtype=bool),
        })
    if len(plan.teachers):
        write_columns(conn, "training_class_instructor", {c: plan.teachers[c].to_numpy(dtype=object) for c in ("class_id", "instructor_id")})
    if len(plan.attendance):
        a = plan.attendance
        write_columns(conn, "training_attendance", {
            "class_id": a["class_id"].to_numpy(dtype=object), "facilitator_id": a["facilitator_id"].to_numpy(dtype=object),
            "instructor_id": a["instructor_id"].to_numpy(dtype=object), "attended": a["attended"].to_numpy(dtype=bool),
            "pre_score": a["pre_score"].to_numpy(dtype=object), "post_score": a["post_score"].to_numpy(dtype=object),
        })


def _write_window(conn, plan: ProvincePlan, round_id: int, since: float, until: float, first_load: bool) -> tuple[int, int, int]:
    if first_load:
        rows = np.arange(len(plan))
        write_columns(conn, "target", {"round_id": np.full(len(plan), round_id), **plan.targets})
    else:
        rows = snapshot.changed_rows(plan, since, until)
        delete_visits(conn, plan.targets["id"][rows])
    visits = write_columns(conn, "visit", snapshot.visit_rows(plan, rows, until, round_id))
    events = write_columns(conn, "visit_event", snapshot.event_rows(plan, rows, since, until))
    defects = write_columns(conn, "simulated_defect", snapshot.defect_rows(plan, since, until, round_id, first_load))
    return visits, events, defects


def delete_round(engine: Engine, round_id: int) -> None:
    """Remove a round and everything of it (``--replace``)."""
    with engine.begin() as conn:
        target_ids = select(models.Target.id).where(models.Target.round_id == round_id)
        conn.execute(delete(models.Alert).where(models.Alert.round_id == round_id))
        conn.execute(delete(models.QualityFlag).where(models.QualityFlag.round_id == round_id))
        conn.execute(delete(models.VisitEvent).where(models.VisitEvent.target_id.in_(target_ids)))
        conn.execute(delete(models.SimulatedDefect).where(models.SimulatedDefect.round_id == round_id))
        classes = select(models.TrainingClass.id).where(models.TrainingClass.round_id == round_id)
        conn.execute(delete(models.TrainingAttendance).where(models.TrainingAttendance.class_id.in_(classes)))
        conn.execute(delete(models.TrainingClassInstructor).where(models.TrainingClassInstructor.class_id.in_(classes)))
        conn.execute(delete(models.TrainingClass).where(models.TrainingClass.round_id == round_id))
        conn.execute(delete(models.Visit).where(models.Visit.round_id == round_id))
        conn.execute(delete(models.WaitingCase).where(models.WaitingCase.round_id == round_id))
        conn.execute(delete(models.RollupVisit).where(models.RollupVisit.round_id == round_id))
        conn.execute(delete(models.Target).where(models.Target.round_id == round_id))
        for rollup in (
            models.RollupRegencyDay,
            models.RollupFacilitatorDay,
            models.RollupRegencyActivity,
            models.RollupRegencyTargets,
            models.RollupState,
            models.RollupQualityDay,
            models.RollupRerankDay,
            models.RollupExcludedVisits,
            models.RollupWaiting,
            models.FacilitatorRisk,
            models.QualityState,
        ):
            conn.execute(delete(rollup).where(rollup.round_id == round_id))
        conn.execute(delete(models.Round).where(models.Round.id == round_id))


def simulate(
    database_url: str,
    config: SimulationConfig,
    geodata_dir: Path,
    progress: bool = True,
    replace: bool = False,
) -> SimulationSummary:
    """Create the round of ``config`` in the database, with its data up to ``config.as_of``."""
    began = time.perf_counter()
    engine = init_database(database_url)
    with engine.connect() as conn:
        exists = conn.execute(select(models.Round.id).where(models.Round.id == config.round_id)).first()
    if exists:
        if not replace:
            raise RoundExists(
                f"round {config.round_id} already exists in {engine.url.render_as_string(hide_password=True)}: "
                "pass --replace to simulate it anew, --round-id for another round, or --live to continue it"
            )
    sim = Simulation(config, geodata_dir)  # before anything is deleted: it needs the boundary files
    if exists:
        delete_round(engine, config.round_id)
    as_of = tl.epoch(config.as_of)
    totals = [0, 0, 0]
    training = plan_training(config, sim.reference["province"], sim.workforce.facilitators)
    with engine.begin() as conn:
        _write_workforce(conn, sim.workforce)
        conn.execute(
            models.Round.__table__.insert().values(
                id=config.round_id,
                name=config.name,
                start_date=config.start,
                deadline=config.deadline,
                created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
                simulation=config.to_json(),
                simulated_until=config.as_of,
            )
        )
        _write_training(conn, held_between(training, None, day_of(config.as_of)), config.round_id)
    bar = tqdm(total=config.families, unit="target", disable=not progress, desc="simulating", unit_scale=True)
    for code, part in sim.plans():
        plan = sim.plan(code, part)
        with engine.begin() as conn:
            written = _write_window(conn, plan, config.round_id, -np.inf, as_of, first_load=True)
        totals = [a + b for a, b in zip(totals, written)]
        bar.update(len(plan))
    bar.close()
    rebuild_rollups(engine, config.round_id, config.as_of)
    _refresh_quality(engine, config.round_id, config.as_of, geodata_dir, rebuild=True)
    _evaluate_alerts(engine, config.round_id, config.as_of)
    _analyze(engine)
    return SimulationSummary(config.families, *totals, len(sim.workforce.facilitators), time.perf_counter() - began)


def _evaluate_alerts(engine: Engine, round_id: int, now: dt.datetime) -> None:
    """The alerts as of the simulated clock (a simulated round's "now" is its clock)."""
    evaluate_with_settings(engine, round_id, get_settings(), now=now)


def _refresh_quality(engine: Engine, round_id: int, data_until: dt.datetime, geodata_dir: Path, **options) -> None:
    """The stored quality flags and risk scores, with the thresholds of the settings."""
    settings = get_settings()
    refresh_quality(
        engine,
        round_id,
        data_until,
        QualityParameters.from_settings(settings),
        RiskParameters.from_settings(settings),
        regency_polygons(Path(geodata_dir)),
        **options,
    )


def _analyze(engine: Engine) -> None:
    """Refresh the planner's statistics after a bulk load."""
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


def load_config(engine: Engine, round_id: int) -> tuple[SimulationConfig, dt.datetime]:
    with engine.connect() as conn:
        row = conn.execute(
            select(models.Round.simulation, models.Round.simulated_until).where(models.Round.id == round_id)
        ).first()
    if row is None or row.simulation is None:
        raise LookupError(f"round {round_id} is not a simulated round of this database")
    return SimulationConfig.from_json(row.simulation), row.simulated_until


def run_live(
    database_url: str,
    round_id: int,
    geodata_dir: Path,
    tick_seconds: float = 10.0,
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None),
    max_ticks: int | None = None,
    progress: bool = True,
) -> int:
    """Append what the plan says happened since the last write, every ``tick_seconds``,
    until interrupted (or ``max_ticks``); returns the number of visit rows written."""
    engine = init_database(database_url)
    config, simulated_until = load_config(engine, round_id)
    log.info("rebuilding the plan of round %s (seed %s)", round_id, config.seed)
    sim = Simulation(config, geodata_dir)
    since = tl.epoch(simulated_until)
    training, trained_until = plan_training(config, sim.reference["province"], sim.workforce.facilitators), day_of(simulated_until)
    # The parts with something still to happen; their plans are held between ticks unless
    # the round is too large to hold (then each tick plans them again, one at a time).
    hold = config.families <= LIVE_HELD_TARGETS
    pending: dict[tuple[str, int], ProvincePlan | None] = {}
    for key in sim.plans():
        plan = sim.plan(*key)
        future = np.zeros(len(plan), dtype=bool)
        for times in plan.times.values():
            future |= np.isfinite(times) & (times > since)
        if future.any():
            pending[key] = plan if hold else None
        del plan
    written = 0
    ticks = 0
    while max_ticks is None or ticks < max_ticks:
        now = clock().replace(microsecond=0)
        until = tl.epoch(now)
        if until > since:
            counts = [0, 0, 0]
            began = time.perf_counter()
            with engine.begin() as conn:
                for key, held in pending.items():
                    plan = held if held is not None else sim.plan(*key)
                    counts = [a + b for a, b in zip(counts, _write_window(conn, plan, round_id, since, until, False))]
                    del plan
                if day_of(now) > trained_until:  # the classes of the days the clock reached
                    _write_training(conn, held_between(training, trained_until, day_of(now)), round_id)
                    trained_until = day_of(now)
                conn.execute(update(models.Round).where(models.Round.id == round_id).values(simulated_until=now))
            # What each step of folding the batch in costs, for the operator and the benches.
            seconds = {"written": time.perf_counter() - began}
            for step, call in (
                ("flags and scores", lambda: _refresh_quality(engine, round_id, now, geodata_dir)),
                ("rollups", lambda: refresh_rollups(engine, round_id, now, targets_changed=False)),  # a round's targets are written once
                ("alerts", lambda: _evaluate_alerts(engine, round_id, now)),
            ):
                began = time.perf_counter()
                call()
                seconds[step] = time.perf_counter() - began
            written += counts[0]
            timing = ", ".join(f"{step} {value:.1f} s" for step, value in seconds.items())
            log.info("tick to %s: %s visits changed, %s events; %s", now, counts[0], counts[1], timing)
            if progress:
                print(f"{now:%Y-%m-%d %H:%M:%S} UTC: {counts[0]:,} visits changed, {counts[1]:,} events ({timing})", flush=True)
            since = until
        ticks += 1
        if max_ticks is None or ticks < max_ticks:
            time.sleep(tick_seconds)
    return written
