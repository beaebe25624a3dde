"""Loading field data of the contract (``dashboard.ingest.contract``) into the database.

Every row is validated at the edge: its own form (the contract's models), then what needs
the database (codes that exist, a target's round, times inside the round and not after the
load's clock). Accepted rows are **upserted by their natural id**: a round, facilitator or
target row replaces the stored one; a visit replaces the stored one only if its
``modified_at`` is later (the same version is left alone, an older one skipped); a status
event is added once. Refused rows go to ``ingest_quarantine`` with their source, line and
reason, never their contents. Rollups, quality flags and risk scores are refreshed once,
after the last file, for each round that changed.

Each chunk of rows is written in its own transaction, and every write is an upsert; the
rounds a chunk changed are noted (``ingest_pending``) in the same transaction and cleared
only once refreshed, so a load killed at any moment, its refresh included, and run again
ends exactly as one uninterrupted load.

Two clocks: the **data's** (``as_of``, default now, never later than now: times after it
are refused; the rollups' "data as of" never goes back) and the **wall clock** that stamps
each written visit (``updated_at``), which the refresh of rollups and flags looks at.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from pydantic import ValidationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DataError, IntegrityError
from tqdm import tqdm

from dashboard.ingest.contract import KINDS, MODELS, TrainingAttendanceRecord
from dashboard.store import models
from dashboard.store.rollups import day_of, rebuild_rollups, refresh_rollups
from dashboard.vocabulary import VISIT_STATUS_TERMS, is_allowed_transition

log = logging.getLogger(__name__)

#: Rows validated and written per transaction.
CHUNK = 5_000
#: A visit may begin this long before its round's first day (another time zone, a test visit).
EARLY = dt.timedelta(days=1)
#: Lock number of a load on PostgreSQL: one loader writes at a time (target ids are taken
#: in order).
_ADVISORY_LOCK = 0x6763_0012


class IngestError(ValueError):
    """A file the loader cannot read at all (not a row of it: those are quarantined)."""


@dataclass
class KindReport:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0
    quarantined: int = 0
    reasons: collections.Counter = field(default_factory=collections.Counter)

    def to_json(self) -> dict:
        return {**{k: getattr(self, k) for k in ("read", "inserted", "updated", "unchanged", "older", "quarantined")},
                "reasons": dict(self.reasons.most_common())}


@dataclass
class LoadReport:
    dry_run: bool
    kinds: dict[str, KindReport] = field(default_factory=lambda: {k: KindReport() for k in KINDS})
    rounds_refreshed: list[int] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"dry_run": self.dry_run, "kinds": {k: r.to_json() for k, r in self.kinds.items() if r.read},
                "rounds_refreshed": self.rounds_refreshed}

    def __str__(self) -> str:
        lines = []
        for kind, r in self.kinds.items():
            if not r.read:
                continue
            if self.dry_run:
                lines.append(f"{kind}: {r.read:,} read, {r.inserted:,} accepted, {r.quarantined:,} would be quarantined")
            else:
                lines.append(
                    f"{kind}: {r.read:,} read, {r.inserted:,} new, {r.updated:,} updated, {r.unchanged:,} unchanged, "
                    f"{r.older:,} older versions skipped, {r.quarantined:,} quarantined"
                )
            lines += [f"    {n:,} × {reason}" for reason, n in r.reasons.most_common(10)]
        return "\n".join(lines) or "nothing read"


def kind_of(path: Path, kind: str | None = None) -> str:
    """The kind of a file: ``kind`` if given, else the kind its name begins with."""
    if kind:
        if kind not in KINDS:
            raise IngestError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
        return kind
    name = path.name.lower().replace("-", "_")
    for candidate in sorted(KINDS, key=len, reverse=True):
        if name.startswith(candidate) or name.startswith(candidate.rstrip("s")):
            return candidate
    raise IngestError(f"{path.name}: cannot tell its kind from the name; name it after one of {', '.join(KINDS)} or pass --kind")


def read_rows(path: Path) -> Iterator[list[object]]:
    """The records of a CSV, JSON Lines or Parquet file, in chunks (a JSON line that is not
    an object is passed on as is, to be quarantined)."""
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix == ".gz" else path.suffix.lower()
    try:
        if suffix in (".csv", ".csv.gz"):
            for frame in pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=CHUNK):
                yield frame.to_dict("records")
        elif suffix in (".jsonl", ".ndjson", ".jsonl.gz"):
            opener = __import__("gzip").open if suffix.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8") as lines:
                chunk: list[object] = []
                for line in lines:
                    if not line.strip():
                        continue
                    try:
                        chunk.append(json.loads(line))
                    except (ValueError, RecursionError):
                        chunk.append("not JSON")
                    if len(chunk) == CHUNK:
                        yield chunk
                        chunk = []
                if chunk:
                    yield chunk
        elif suffix == ".parquet":
            import pyarrow.parquet as pq

            for batch in pq.ParquetFile(path).iter_batches(batch_size=CHUNK):
                yield batch.to_pylist()
        else:
            raise IngestError(f"{path.name}: not a .csv, .jsonl or .parquet file")
    except IngestError:
        raise
    except (OSError, EOFError, UnicodeDecodeError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        # (pyarrow's ArrowInvalid is a ValueError; a truncated gzip an EOFError or OSError)
        raise IngestError(f"{path.name}: cannot be read ({type(exc).__name__})") from None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _counts(report: KindReport) -> tuple[int, int, int]:
    return report.read, report.inserted + report.updated, report.quarantined


def _reason(exc: ValidationError) -> str:
    """What is wrong, by field, without the offending value (it may be anything)."""
    parts = []
    for error in exc.errors(include_input=False, include_url=False)[:5]:
        where = ".".join(str(p) for p in error["loc"]) or "row"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)[:500]


class _References:
    """What rows refer to, read once per load (and extended by the rows it accepts)."""

    def __init__(self, conn: Connection) -> None:
        self.regencies = {code: province for code, province in conn.execute(select(models.Regency.code, models.Regency.province_code))}
        self.districts = {code for (code,) in conn.execute(select(models.District.code))}
        v, d, r = models.Village, models.District, models.Regency
        self.villages = {
            code: (district, regency, province)
            for code, district, regency, province in conn.execute(
                select(v.code, v.district_code, d.regency_code, r.province_code).join(d, d.code == v.district_code).join(r, r.code == d.regency_code)
            )
        }
        self.rounds = {row.id: (row.start_date, row.deadline) for row in conn.execute(select(models.Round.id, models.Round.start_date, models.Round.deadline))}
        self.facilitators = {fid: regency for fid, regency in conn.execute(select(models.Facilitator.id, models.Facilitator.regency_code))}
        self.provinces = {code for (code,) in conn.execute(select(models.Province.code))}
        self.instructors = {iid for (iid,) in conn.execute(select(models.Instructor.id))}

    @staticmethod
    def targets(conn: Connection, codes: Iterable[str]) -> dict[str, tuple]:
        t = models.Target
        codes = list(set(codes))
        found = {}
        for start in range(0, len(codes), 1000):
            for row in conn.execute(
                select(t.code, t.id, t.round_id, t.facilitator_id, t.province_code, t.regency_code, t.category).where(t.code.in_(codes[start : start + 1000]))
            ):
                found[row.code] = tuple(row)[1:]
        return found


class Loader:
    """One load: files (or API rows) validated, written and refreshed with one clock."""

    def __init__(self, engine: Engine, *, as_of: dt.datetime | None = None, dry_run: bool = False, progress: bool = False) -> None:
        self.engine = engine
        now = _now()
        if as_of is not None and as_of > now + dt.timedelta(minutes=1):
            raise IngestError(f"--as-of {as_of:%Y-%m-%d %H:%M} lies in the future: the data's clock is at most now")
        self.clock = (as_of or now).replace(microsecond=0)
        self.dry_targets: dict[str, tuple] = {}  # a dry run's accepted targets (nothing is written)
        self.dry_events: dict[str, set] = collections.defaultdict(set)  # and its accepted status events
        self.dry_classes: dict[str, tuple] = {}  # and its accepted training classes (kind, round)
        self.pending: dict[int, dt.date | None] = {}
        self.dry_run = dry_run
        self.progress = progress
        self.report = LoadReport(dry_run)
        with engine.connect() as conn:
            self.refs = _References(conn)

    # --- rows -----------------------------------------------------------------------
    def load_rows(self, kind: str, rows: list[object], source: str, first_line: int = 1) -> None:
        """Validate and write one chunk of records of ``kind`` from ``source``."""
        report = self.report.kinds[kind]
        report.read += len(rows)
        model = MODELS[kind]
        valid, refused = [], []
        for offset, row in enumerate(rows):
            line = first_line + offset
            if not isinstance(row, dict):
                refused.append((line, None, "not a record (a JSON object or a CSV row)"))
                continue
            try:
                valid.append((line, model.model_validate(row)))
            except ValidationError as exc:
                refused.append((line, model.natural_id(row), _reason(exc)))
        if kind in ("rounds", "facilitators", "targets", "instructors", "training_classes"):  # one row per id in a chunk: the last one
            last = {getattr(record, model.id_field): line for line, record in valid}
            for line, record in valid:
                if last[getattr(record, model.id_field)] != line:
                    refused.append((line, str(getattr(record, model.id_field)), f"{model.id_field}: repeated later in the file (line {last[getattr(record, model.id_field)]})"))
            valid = [(line, record) for line, record in valid if last[getattr(record, model.id_field)] == line]
        self.pending = {}  # the rounds this chunk changes, noted with its rows
        try:
            with self.engine.begin() as conn:
                if conn.dialect.name == "postgresql" and not self.dry_run:
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK})")
                accepted = getattr(self, f"_check_{kind}")(conn, valid, refused)
                if not self.dry_run:
                    getattr(self, f"_write_{kind}")(conn, accepted, report)
                    self._note_pending(conn)
                    self._quarantine(conn, kind, source, refused)
                else:
                    report.inserted += len(accepted)  # accepted: what a real load would write or leave alone
        except (IntegrityError, DataError) as exc:
            # Something the checks let through and the database refuses: the chunk's rows
            # are quarantined (the counts of this chunk are not kept), the load goes on.
            log.warning("%s: the database refused a chunk of %s from line %s (%s)", source, kind, first_line, type(exc).__name__)
            refused = [(first_line + i, None, f"the database refused the chunk of this row ({type(exc).__name__})") for i in range(len(rows))]
            with self.engine.begin() as conn:
                self._quarantine(conn, kind, source, refused)
        report.quarantined += len(refused)
        report.reasons.update(reason.split(":")[0] if ":" in reason else reason for _, _, reason in refused)

    def _quarantine(self, conn: Connection, kind: str, source: str, refused: list) -> None:
        if refused:
            conn.execute(
                models.IngestQuarantine.__table__.insert(),
                [{"received_at": _now(), "source": source[:200], "line": line, "kind": kind,
                  "natural_id": natural[:40] if natural else None, "reason": reason[:500]} for line, natural, reason in refused],
            )

    def _touch(self, round_id: int, since_day: dt.date | None = None) -> None:
        """Note that ``round_id`` changed; ``since_day``: the earliest day the change touched
        (a day before the round's start means its dates moved: ``finish`` rebuilds it; other
        changes are folded in by difference)."""
        if round_id not in self.pending:
            self.pending[round_id] = since_day
        elif since_day is not None:
            before = self.pending[round_id]
            self.pending[round_id] = since_day if before is None else min(before, since_day)

    def _note_pending(self, conn: Connection) -> None:
        p = models.IngestPending
        for round_id, since_day in self.pending.items():
            stored = conn.execute(select(p.round_id, p.since_day).where(p.round_id == round_id)).first()
            if stored is None:
                conn.execute(p.__table__.insert().values(round_id=round_id, since_day=since_day))
            elif since_day is not None and (stored.since_day is None or since_day < stored.since_day):
                conn.execute(update(p).where(p.round_id == round_id).values(since_day=since_day))

    def load_file(self, path: Path, kind: str | None = None) -> None:
        kind = kind_of(path, kind)
        bar = tqdm(desc=f"{path.name} ({kind})", unit="row", unit_scale=True, disable=not self.progress)
        line = 1
        before = _counts(self.report.kinds[kind])
        if not self.dry_run:  # the rows of an earlier load of this file are quarantined anew
            with self.engine.begin() as conn:
                q = models.IngestQuarantine
                conn.execute(delete(q).where(q.source == path.name[:200], q.kind == kind))
        for chunk in read_rows(path):
            self.load_rows(kind, chunk, path.name, line)
            line += len(chunk)
            bar.update(len(chunk))
        bar.close()
        self.note_batch(path.name, kind, before)

    def note_batch(self, source: str, kind: str, before: tuple[int, int, int]) -> None:
        """One row of ``ingest_batch``: this source's rows since ``before`` (the freshness
        of each source on the data-health section)."""
        if self.dry_run:
            return
        read, written, quarantined = (now - then for now, then in zip(_counts(self.report.kinds[kind]), before))
        with self.engine.begin() as conn:
            conn.execute(models.IngestBatch.__table__.insert().values(
                received_at=_now(), source=source[:200], kind=kind, rows_read=read, rows_written=written, rows_quarantined=quarantined))

    def finish(self, settings) -> LoadReport:
        """Refresh rollups, flags and scores of every round that changed (once)."""
        if self.dry_run:
            return self.report
        from dashboard.alerts import evaluate_with_settings
        from dashboard.quality.refresh import refresh_with_settings

        p, s, r = models.IngestPending, models.RollupState, models.Round
        with self.engine.connect() as conn:
            pending = conn.execute(
                select(p.round_id, p.since_day, s.data_until, r.start_date).join(r, r.id == p.round_id).outerjoin(s, s.round_id == p.round_id).order_by(p.round_id)
            ).all()
        for round_id, since_day, previous, start in pending:
            data_until = max(previous, self.clock) if previous else self.clock  # "data as of" never goes back
            if since_day is not None and since_day < start - dt.timedelta(days=1):
                rebuild_rollups(self.engine, round_id, data_until)  # the round's own dates moved
                refresh_with_settings(self.engine, round_id, data_until, settings, rebuild=True)
            else:
                refresh_rollups(self.engine, round_id, data_until)  # by difference: the moved days included
                refresh_with_settings(self.engine, round_id, data_until, settings)
            evaluate_with_settings(self.engine, round_id, settings, now=self.clock)  # the load's clock, as the data's
            with self.engine.begin() as conn:
                conn.execute(delete(p).where(p.round_id == round_id))
            self.report.rounds_refreshed.append(round_id)
        return self.report

    # --- checks that need the database ------------------------------------------------
    def _not_after_clock(self, moments, what: str) -> str | None:
        late = [m for m in moments if m is not None and m > self.clock]
        return f"{what}: after the load's clock ({self.clock:%Y-%m-%d %H:%M} UTC)" if late else None

    def _check_rounds(self, conn, valid, refused):
        if self.dry_run:
            for _, record in valid:
                self.refs.rounds[record.id] = (record.start_date, record.deadline)
        return [record for _, record in valid]

    def _check_facilitators(self, conn, valid, refused):
        accepted = []
        for line, record in valid:
            if record.regency_code not in self.refs.regencies:
                refused.append((line, record.id, f"regency_code: no kabupaten/kota {record.regency_code}"))
            elif any(d not in self.refs.districts for d in record.district_codes):
                refused.append((line, record.id, "district_codes: a kecamatan that does not exist"))
            elif self.refs.facilitators.get(record.id, record.regency_code) != record.regency_code and conn.execute(
                select(models.Target.id).where(models.Target.facilitator_id == record.id).limit(1)
            ).first():
                refused.append((line, record.id, "regency_code: the facilitator has targets in another kabupaten/kota (reassign them first)"))
            else:
                accepted.append(record)
                self.refs.facilitators[record.id] = record.regency_code
        return accepted

    def _check_targets(self, conn, valid, refused):
        accepted = []
        known = {**self.refs.targets(conn, [r.code for _, r in valid]), **self.dry_targets}
        for line, record in valid:
            place = self.refs.villages.get(record.village_code)
            if place is None:
                refused.append((line, record.code, f"village_code: no desa {record.village_code}"))
            elif record.round_id not in self.refs.rounds:
                refused.append((line, record.code, f"round_id: no round {record.round_id}"))
            elif record.facilitator_id not in self.refs.facilitators:
                refused.append((line, record.code, f"facilitator_id: no facilitator {record.facilitator_id}"))
            elif self.refs.facilitators[record.facilitator_id] != place[1]:
                refused.append((line, record.code, "facilitator_id: a facilitator of another kabupaten/kota"))
            elif record.code in known and known[record.code][1] != record.round_id:
                refused.append((line, record.code, "round_id: the target belongs to another round"))
            elif (why := self._not_after_clock([record.assigned_at], "assigned_at")):
                refused.append((line, record.code, why))
            else:
                accepted.append((record, place))
                if self.dry_run:
                    self.dry_targets[record.code] = (0, record.round_id, record.facilitator_id, place[2], place[1], record.category)
        return accepted

    def _check_visits(self, conn, valid, refused):
        accepted = []
        known = {**self.refs.targets(conn, [r.target_code for _, r in valid]), **self.dry_targets}
        v = models.Visit
        ids = [known[r.target_code][0] for _, r in valid if r.target_code in known]
        approved: dict[int, dt.datetime | None] = {}  # approved visits and their version
        for start in range(0, len(ids), 1000):
            approved.update(conn.execute(select(v.target_id, v.modified_at).where(v.target_id.in_(ids[start : start + 1000]), v.status == "approved")).all())
        for line, record in valid:
            target = known.get(record.target_code)
            if target is None:
                refused.append((line, record.target_code, "target_code: no such target (load the targets first)"))
                continue
            # A newer version of an approved visit may not undo the approval (an older one is skipped later).
            if target[0] in approved and record.status != "approved" and (approved[target[0]] is None or record.modified_at > approved[target[0]]):
                refused.append((line, record.target_code, f"status: an approved visit cannot go back to {record.status}"))
                continue
            start, _deadline = self.refs.rounds[target[1]]
            moments = [record.started_at, record.submitted_at, record.reviewed_at, record.first_reviewed_at,
                       record.first_returned_at, record.approved_at, record.reranked_at, record.modified_at]
            if record.started_at < dt.datetime.combine(start, dt.time()) - EARLY:
                refused.append((line, record.target_code, "started_at: before the round began"))
            elif (why := self._not_after_clock(moments, "a time")):
                refused.append((line, record.target_code, why))
            else:
                accepted.append((record, target))
        return accepted

    def _check_status_events(self, conn, valid, refused):
        accepted = []
        known = self.refs.targets(conn, [r.target_code for _, r in valid])
        for line, record in valid:
            target = known.get(record.target_code)
            if target is None:
                refused.append((line, record.target_code, "target_code: no such target (load the targets first)"))
            elif (why := self._not_after_clock([record.occurred_at], "occurred_at")):
                refused.append((line, record.target_code, why))
            else:
                accepted.append((line, record, target))
        return self._in_lifecycle(conn, accepted, refused)

    def _in_lifecycle(self, conn, accepted, refused):
        """The events that, in time order among the target's stored events and this chunk's,
        are each a step the lifecycle allows (assigned → started → submitted → approved, or
        → returned → resubmitted → ...; a target's first event is its assignment or its
        start). A stored event is history and never refused; one that is no status or no
        time (an old row) is passed over."""
        e = models.VisitEvent
        codes = {target[0]: record.target_code for _, record, target in accepted if target[0]}
        history = collections.defaultdict(set)
        ids = sorted(codes)
        for start in range(0, len(ids), 1000):
            for tid, status, moment in conn.execute(
                    select(e.target_id, e.status, e.occurred_at).where(e.target_id.in_(ids[start : start + 1000]))):
                if status in VISIT_STATUS_TERMS and isinstance(moment, dt.datetime):
                    history[codes[tid]].add((moment, status))
        for code, events in self.dry_events.items():  # a dry run's accepted events (nothing is written)
            history[code] |= events
        order = {status: rank for rank, status in enumerate(VISIT_STATUS_TERMS)}
        new = collections.defaultdict(list)
        for line, record, target in accepted:
            new[record.target_code].append((record.occurred_at, record.status, line, record, target))
        kept = []
        for code, events in new.items():
            stored = [(moment, status, None, None, None) for moment, status in history[code]]
            fresh, seen = [], set(history[code])
            for event in events:
                if (event[0], event[1]) in seen:  # stored already, or twice in the chunk: unchanged
                    kept.append((event[3], event[4]))
                else:
                    seen.add((event[0], event[1]))
                    fresh.append(event)
            previous = None
            for moment, status, line, record, target in sorted(stored + fresh, key=lambda x: (x[0], order[x[1]])):
                first = previous is None and status in ("assigned", "started")
                if record is None or first or (previous is not None and is_allowed_transition(previous, status)):
                    previous = status
                    if record is not None:
                        kept.append((record, target))
                        if self.dry_run:
                            self.dry_events[code].add((moment, status))
                else:
                    refused.append((line, record.target_code,
                                    f"status: {status} after {previous or 'nothing'} is not a step of the lifecycle"))
        return kept

    # --- writes (upserts by natural id) -------------------------------------------------
    def _write_rounds(self, conn, records, report) -> None:
        r = models.Round
        existing = {row.id: row for row in conn.execute(select(r.id, r.name, r.start_date, r.deadline).where(r.id.in_([x.id for x in records])))}
        for record in records:
            values = {"name": record.name, "start_date": record.start_date, "deadline": record.deadline}
            old = existing.get(record.id)
            if old is None:
                conn.execute(r.__table__.insert().values(id=record.id, created_at=_now(), **values))
                report.inserted += 1
            elif (old.name, old.start_date, old.deadline) != tuple(values.values()):
                conn.execute(update(r).where(r.id == record.id).values(**values))
                report.updated += 1
                if old.start_date != record.start_date:  # the rollups' first day moves: rebuilt
                    self._touch(record.id, min(old.start_date, record.start_date) - dt.timedelta(days=2))
            else:
                report.unchanged += 1
            self.refs.rounds[record.id] = (record.start_date, record.deadline)

    def _write_facilitators(self, conn, records, report) -> None:
        f, c, fd = models.Facilitator, models.Coordinator, models.FacilitatorDistrict
        ids = [x.id for x in records]
        existing = {row.id: tuple(row)[1:] for row in conn.execute(
            select(f.id, f.name, f.province_code, f.regency_code, f.coordinator_id, f.active).where(f.id.in_(ids)))}
        districts = collections.defaultdict(set)
        for fid, district in conn.execute(select(fd.facilitator_id, fd.district_code).where(fd.facilitator_id.in_(ids))):
            districts[fid].add(district)
        coordinators = {x.coordinator_id: (x.coordinator_name, x.regency_code) for x in records if x.coordinator_id}
        stored = {row.id: (row.name, row.regency_code) for row in conn.execute(select(c.id, c.name, c.regency_code).where(c.id.in_(list(coordinators))))}
        for cid, (name, regency) in coordinators.items():
            if cid not in stored:
                conn.execute(c.__table__.insert().values(id=cid, name=name, regency_code=regency))
            elif stored[cid] != (name, regency):
                conn.execute(update(c).where(c.id == cid).values(name=name, regency_code=regency))
        names = ("name", "province_code", "regency_code", "coordinator_id", "active")
        new_rows, new_districts, changed = [], [], []
        for record in records:
            values = (record.name, self.refs.regencies[record.regency_code], record.regency_code, record.coordinator_id, record.active)
            if record.id not in existing:
                new_rows.append({"id": record.id, **dict(zip(names, values))})
                report.inserted += 1
            elif existing[record.id] != values or districts[record.id] != set(record.district_codes):
                conn.execute(update(f).where(f.id == record.id).values(**dict(zip(names, values))))
                changed.append(record.id)
                report.updated += 1
            else:
                report.unchanged += 1
                continue
            if districts[record.id] != set(record.district_codes):
                new_districts += [{"facilitator_id": record.id, "district_code": d} for d in sorted(set(record.district_codes))]
        if new_rows:
            conn.execute(f.__table__.insert(), new_rows)
        if changed:
            conn.execute(delete(fd).where(fd.facilitator_id.in_(changed)))
            # Pages show facilitators' names and kecamatan from figures kept per data version:
            # the rounds they work in are refreshed, which moves the version (no stale name).
            t = models.Target
            for (round_id,) in conn.execute(select(t.round_id).where(t.facilitator_id.in_(changed)).distinct()):
                self._touch(round_id)
        if new_districts:
            conn.execute(fd.__table__.insert(), new_districts)

    def _write_targets(self, conn, accepted, report) -> None:
        t, v = models.Target, models.Visit
        known = self.refs.targets(conn, [record.code for record, _ in accepted])
        columns = ("round_id", "category", "province_code", "regency_code", "district_code", "village_code", "facilitator_id", "desil_before", "assigned_at")
        ids = [old[0] for old in known.values()]
        stored_rows = {}
        for start in range(0, len(ids), 1000):
            for row in conn.execute(select(t.id, *(getattr(t, k) for k in columns)).where(t.id.in_(ids[start : start + 1000]))):
                stored_rows[row[0]] = tuple(row)[1:]
        next_id = (conn.execute(select(func.max(t.id))).scalar() or 0) + 1
        new_rows = []
        for record, (district, regency, province) in accepted:
            values = {"round_id": record.round_id, "category": record.category, "province_code": province, "regency_code": regency,
                      "district_code": district, "village_code": record.village_code, "facilitator_id": record.facilitator_id,
                      "desil_before": record.desil_before, "assigned_at": record.assigned_at}
            old = known.get(record.code)
            if old is None:
                new_rows.append({"id": next_id, "code": record.code, **values})
                next_id += 1
                report.inserted += 1
                self._touch(record.round_id)
                continue
            if stored_rows.get(old[0]) == tuple(values[k] for k in columns):
                report.unchanged += 1
                continue
            conn.execute(update(t).where(t.id == old[0]).values(**values))
            report.updated += 1
            stored = stored_rows.get(old[0])
            if stored is not None and stored[columns.index("desil_before")] != record.desil_before:
                # The fabrication-risk score compares the answers with the desil before: a
                # corrected one re-scores the facilitator at the next refresh, as a rebuild would.
                conn.execute(update(v).where(v.target_id == old[0]).values(updated_at=_now()))
            if old[2:] == (record.facilitator_id, province, regency, record.category):
                self._touch(record.round_id)  # the target's own counts only
                continue
            # Its visit moves with it: every day of the round is recomputed.
            self._touch(record.round_id, self.refs.rounds[record.round_id][0] - dt.timedelta(days=1))
            # The visit repeats the target's facilitator, region and category.
            conn.execute(update(v).where(v.target_id == old[0]).values(
                facilitator_id=record.facilitator_id, province_code=province, regency_code=regency, category=record.category, updated_at=_now()))
        if new_rows:
            conn.execute(t.__table__.insert(), new_rows)

    def _write_visits(self, conn, accepted, report) -> None:
        v = models.Visit
        ids = [target[0] for _, target in accepted]
        stored, started = {}, {}
        for start in range(0, len(ids), 1000):
            for target_id, modified_at, started_at in conn.execute(
                select(v.target_id, v.modified_at, v.started_at).where(v.target_id.in_(ids[start : start + 1000]))
            ):
                stored[target_id], started[target_id] = modified_at, started_at
        replace, rows = [], []
        for record, (target_id, round_id, facilitator_id, province, regency, category) in accepted:
            if target_id in stored:
                previous = stored[target_id]
                if previous is not None and record.modified_at < previous:
                    report.older += 1
                    continue
                if previous is not None and record.modified_at == previous:
                    report.unchanged += 1
                    continue
                replace.append(target_id)
                report.updated += 1
                # The replaced row's days are recomputed too (its times may move later).
                self._touch(round_id, day_of(started[target_id]) if started.get(target_id) else None)
            else:
                report.inserted += 1
            values = record.model_dump(exclude={"target_code"})
            rows.append({**values, "target_id": target_id, "round_id": round_id, "facilitator_id": facilitator_id,
                         "province_code": province, "regency_code": regency, "category": category, "updated_at": _now()})
            stored[target_id] = record.modified_at  # a second version in the same chunk
            self._touch(round_id)
        for start in range(0, len(replace), 1000):
            conn.execute(delete(v).where(v.target_id.in_(replace[start : start + 1000])))
        if rows:
            latest: dict[int, dict] = {}  # the newest version of each, once
            for row in rows:
                if row["target_id"] not in latest or row["modified_at"] >= latest[row["target_id"]]["modified_at"]:
                    latest[row["target_id"]] = row
            conn.execute(v.__table__.insert(), list(latest.values()))

    def _write_status_events(self, conn, accepted, report) -> None:
        e = models.VisitEvent
        keys = [(target[0], record.status, record.occurred_at) for record, target in accepted]
        existing = set()
        ids = sorted({k[0] for k in keys})
        for start in range(0, len(ids), 1000):
            existing.update(
                (tid, status, moment) for tid, status, moment in conn.execute(
                    select(e.target_id, e.status, e.occurred_at).where(e.target_id.in_(ids[start : start + 1000])))
            )
        new = []
        for key, (record, target) in zip(keys, accepted):
            if key in existing:
                report.unchanged += 1
                continue
            existing.add(key)
            new.append({"target_id": key[0], "status": key[1], "occurred_at": key[2]})
            report.inserted += 1
        if new:
            conn.execute(e.__table__.insert(), new)


    # --- training (issue 17) ---------------------------------------------------------------
    def _check_instructors(self, conn, valid, refused):
        accepted = []
        for line, record in valid:
            if record.province_code not in self.refs.provinces:
                refused.append((line, record.id, f"province_code: no province {record.province_code}"))
            else:
                accepted.append(record)
                self.refs.instructors.add(record.id)
        return accepted

    def _write_instructors(self, conn, records, report) -> None:
        i = models.Instructor
        existing = {row.id: (row.name, row.province_code) for row in conn.execute(select(i.id, i.name, i.province_code).where(i.id.in_([r.id for r in records])))}
        for record in records:
            values = {"name": record.name, "province_code": record.province_code}
            if record.id not in existing:
                conn.execute(i.__table__.insert().values(id=record.id, **values))
                report.inserted += 1
            elif existing[record.id] != tuple(values.values()):
                conn.execute(update(i).where(i.id == record.id).values(**values))
                report.updated += 1
            else:
                report.unchanged += 1
                continue
            # Instructors are counted in the training figures of every round with classes.
            for (round_id,) in conn.execute(select(models.TrainingClass.round_id).distinct()):
                self._touch(round_id)

    def _check_training_classes(self, conn, valid, refused):
        accepted = []
        for line, record in valid:
            if record.round_id not in self.refs.rounds:
                refused.append((line, record.id, f"round_id: no round {record.round_id}"))
            elif record.province_code is not None and record.province_code not in self.refs.provinces:
                refused.append((line, record.id, f"province_code: no province {record.province_code}"))
            elif any(iid not in self.refs.instructors for iid in record.instructor_ids):
                refused.append((line, record.id, "instructor_ids: an instructor that does not exist (load the instructors first)"))
            elif record.held_on > (self.clock + dt.timedelta(hours=7)).date():
                refused.append((line, record.id, f"held_on: after the load's clock ({self.clock:%Y-%m-%d} UTC)"))
            else:
                accepted.append(record)
                if self.dry_run:
                    self.dry_classes[record.id] = (record.kind, record.round_id)
        return accepted

    def _write_training_classes(self, conn, records, report) -> None:
        c, t = models.TrainingClass, models.TrainingClassInstructor
        ids = [r.id for r in records]
        existing = {row.id: tuple(row)[1:] for row in conn.execute(select(c.id, c.round_id, c.kind, c.province_code, c.held_on, c.make_up).where(c.id.in_(ids)))}
        teachers = collections.defaultdict(set)
        for class_id, instructor_id in conn.execute(select(t.class_id, t.instructor_id).where(t.class_id.in_(ids))):
            teachers[class_id].add(instructor_id)
        for record in records:
            values = (record.round_id, record.kind, record.province_code, record.held_on, record.make_up)
            names = dict(zip(("round_id", "kind", "province_code", "held_on", "make_up"), values))
            stored = existing.get(record.id)
            if stored is not None:
                stored = (*stored[:4], bool(stored[4]))
            if record.id not in existing:
                conn.execute(c.__table__.insert().values(id=record.id, **names))
                report.inserted += 1
            elif stored != values or teachers[record.id] != set(record.instructor_ids):
                conn.execute(update(c).where(c.id == record.id).values(**names))
                report.updated += 1
                if stored[0] != record.round_id:
                    self._touch(stored[0])  # the round it left shows it no more
            else:
                report.unchanged += 1
                continue
            if teachers[record.id] != set(record.instructor_ids):
                conn.execute(delete(t).where(t.class_id == record.id))
                if record.instructor_ids:
                    conn.execute(t.__table__.insert(), [{"class_id": record.id, "instructor_id": iid} for iid in sorted(set(record.instructor_ids))])
            self._touch(record.round_id)  # a new data version: the training figures are kept per version

    def _check_training_attendance(self, conn, valid, refused):
        c = models.TrainingClass
        classes = {row.id: (row.kind, row.round_id) for row in conn.execute(
            select(c.id, c.kind, c.round_id).where(c.id.in_(list({r.class_id for _, r in valid}))))}
        classes.update({k: v for k, v in self.dry_classes.items() if k not in classes})
        # One row per participant of a class in a chunk: the last one (as the other kinds).
        key = lambda r: (r.class_id, r.facilitator_id, r.instructor_id)  # noqa: E731
        last = {key(record): line for line, record in valid}
        for line, record in valid:
            if last[key(record)] != line:
                refused.append((line, TrainingAttendanceRecord.natural_id(record.model_dump()), f"the participant: repeated later in the file (line {last[key(record)]})"))
        valid = [(line, record) for line, record in valid if last[key(record)] == line]
        accepted = []
        for line, record in valid:
            natural = TrainingAttendanceRecord.natural_id(record.model_dump())
            kind = classes.get(record.class_id, (None,))[0]
            if kind is None:
                refused.append((line, natural, "class_id: no such class (load the training classes first)"))
            elif (kind == "facilitator") != (record.facilitator_id is not None):
                refused.append((line, natural, f"a {kind}s' class: its participants are {kind}s"))
            elif record.facilitator_id is not None and record.facilitator_id not in self.refs.facilitators:
                refused.append((line, natural, "facilitator_id: no such facilitator"))
            elif record.instructor_id is not None and record.instructor_id not in self.refs.instructors:
                refused.append((line, natural, "instructor_id: no such instructor"))
            else:
                accepted.append((record, classes[record.class_id][1]))
        return accepted

    def _write_training_attendance(self, conn, accepted, report) -> None:
        a = models.TrainingAttendance
        ids = list({record.class_id for record, _ in accepted})
        existing = {
            (row.class_id, row.facilitator_id, row.instructor_id): (row.id, row.attended, row.pre_score, row.post_score)
            for row in conn.execute(select(a.id, a.class_id, a.facilitator_id, a.instructor_id, a.attended, a.pre_score, a.post_score).where(a.class_id.in_(ids)))
        }
        for record, round_id in accepted:
            key = (record.class_id, record.facilitator_id, record.instructor_id)
            values = (record.attended, record.pre_score, record.post_score)
            names = dict(zip(("attended", "pre_score", "post_score"), values))
            if key not in existing:
                conn.execute(a.__table__.insert().values(class_id=record.class_id, facilitator_id=record.facilitator_id, instructor_id=record.instructor_id, **names))
                existing[key] = (None, *values)
                report.inserted += 1
            elif (bool(existing[key][1]), existing[key][2], existing[key][3]) != values:
                conn.execute(update(a).where(a.id == existing[key][0]).values(**names))
                report.updated += 1
            else:
                report.unchanged += 1
                continue
            self._touch(round_id)


def load_files(engine: Engine, paths: list[Path], settings, *, kind: str | None = None, as_of: dt.datetime | None = None,
               dry_run: bool = False, progress: bool = False) -> LoadReport:
    """Load ``paths`` (in the order of the kinds: rounds first, status events last)."""
    loader = Loader(engine, as_of=as_of, dry_run=dry_run, progress=progress)
    ordered = sorted(paths, key=lambda p: (KINDS.index(kind_of(p, kind)), str(p)))
    for path in ordered:
        loader.load_file(path, kind)
    return loader.finish(settings)


__all__ = ["CHUNK", "IngestError", "KindReport", "LoadReport", "Loader", "kind_of", "load_files", "read_rows"]
