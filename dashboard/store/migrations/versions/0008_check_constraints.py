"""check constraints: the database refuses what the ingest contract refuses

Vocabularies, ranges, region codes that lie in each other and the lifecycle order of a
visit, as ``CHECK`` constraints on ``round``, ``facilitator``, ``target``, ``visit`` and
``visit_event`` (their definition lives in ``dashboard.store.checks``; the conditions are
written out here as they were when this revision was made, so that a later change of the
vocabulary needs a revision of its own).

Rows already in the database that break a new constraint are kept, never deleted: on
PostgreSQL the constraint is added ``NOT VALID`` (new and changed rows are checked, old
ones not), on SQLite the table is copied with ``PRAGMA ignore_check_constraints``. Each such
constraint is logged with its number of rows; the rollups leave out those they cannot count.
Cost: one scan of each table counts the rows that break each condition; then SQLite
rewrites the table (a batch copy), PostgreSQL adds a table's constraints in one
``ALTER TABLE`` (one more scan, under an exclusive lock of the table).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""
import logging

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

CHECKS = {
    'round': {
        'deadline_not_before_start': 'deadline >= start_date',
        'start_in_years': "start_date >= '2020-01-01' AND start_date < '2101-01-01' AND deadline >= '2020-01-01' AND deadline < '2101-01-01'",
    },
    'facilitator': {
        'regency_in_province': "substr(regency_code, 1, length(province_code) + 1) = province_code || '.'",
    },
    'target': {
        'category': "category IN ('inclusion_error', 'exclusion_error', 'inactive_nik')",
        'desil_before': 'desil_before BETWEEN 1 AND 10',
        'regency_in_province': "substr(regency_code, 1, length(province_code) + 1) = province_code || '.'",
        'district_in_regency': "substr(district_code, 1, length(regency_code) + 1) = regency_code || '.'",
        'village_in_district': "substr(village_code, 1, length(district_code) + 1) = district_code || '.'",
    },
    'visit': {
        'status': "status IN ('started', 'submitted', 'returned', 'resubmitted', 'approved')",
        'outcome': "outcome IS NULL OR outcome IN ('found_verified', 'moved', 'deceased', 'not_found', 'refused', 'nik_confirmed')",
        'category': "category IN ('inclusion_error', 'exclusion_error', 'inactive_nik')",
        'regency_in_province': "substr(regency_code, 1, length(province_code) + 1) = province_code || '.'",
        'started_in_years': "started_at >= '2020-01-01' AND started_at < '2101-01-01'",
        'submitted_after_start': 'submitted_at IS NULL OR submitted_at >= started_at',
        'status_matches_submission': "(status = 'started' AND submitted_at IS NULL) OR (status <> 'started' AND submitted_at IS NOT NULL)",
        'outcome_with_submission': '(submitted_at IS NULL AND outcome IS NULL) OR (submitted_at IS NOT NULL AND outcome IS NOT NULL)',
        'reviewed_after_submission': 'reviewed_at IS NULL OR (submitted_at IS NOT NULL AND reviewed_at >= submitted_at)',
        'first_reviewed_after_submission': 'first_reviewed_at IS NULL OR (submitted_at IS NOT NULL AND first_reviewed_at >= submitted_at)',
        'reviewed_after_first_review': 'reviewed_at IS NULL OR first_reviewed_at IS NULL OR reviewed_at >= first_reviewed_at',
        'returned_with_first_return': "status NOT IN ('returned', 'resubmitted') OR first_returned_at IS NOT NULL",
        'first_returned_after_first_review': 'first_returned_at IS NULL OR (first_reviewed_at IS NOT NULL AND first_returned_at >= first_reviewed_at)',
        'approved_after_submission': 'approved_at IS NULL OR (submitted_at IS NOT NULL AND approved_at >= submitted_at)',
        'approved_only_when_approved': "(status = 'approved' AND approved_at IS NOT NULL AND first_reviewed_at IS NOT NULL) OR (status <> 'approved' AND approved_at IS NULL)",
        'returns_counted': '(return_count = 0 AND first_returned_at IS NULL) OR (return_count > 0 AND first_returned_at IS NOT NULL)',
        'return_count': 'return_count BETWEEN 0 AND 100',
        'duration_seconds': 'duration_seconds BETWEEN 0 AND 86400',
        'gps_pair': '(gps_lat IS NULL AND gps_lon IS NULL) OR (gps_lat IS NOT NULL AND gps_lon IS NOT NULL)',
        'gps_lat': 'gps_lat BETWEEN -11.5 AND 6.5',
        'gps_lon': 'gps_lon BETWEEN 94.0 AND 141.5',
        'gps_accuracy_m': 'gps_accuracy_m BETWEEN 0 AND 100000',
        'desil_after': 'desil_after BETWEEN 1 AND 10',
        'reranked_with_submission': '(desil_after IS NULL AND reranked_at IS NULL) OR submitted_at IS NOT NULL',
        'head_nik_status': 'head_nik_status BETWEEN 0 AND 99',
        'head_sex': 'head_sex BETWEEN 0 AND 99',
        'head_age': 'head_age BETWEEN 0 AND 120',
        'head_marital_status': 'head_marital_status BETWEEN 0 AND 99',
        'head_education': 'head_education BETWEEN 0 AND 99',
        'head_employment': 'head_employment BETWEEN 0 AND 99',
        'members_working': 'members_working BETWEEN 0 AND 40',
        'members_school_age_not_in_school': 'members_school_age_not_in_school BETWEEN 0 AND 40',
        'members_disability': 'members_disability BETWEEN 0 AND 40',
        'members_chronic_illness': 'members_chronic_illness BETWEEN 0 AND 40',
        'household_size': 'household_size BETWEEN 0 AND 40',
        'house_ownership': 'house_ownership BETWEEN 0 AND 99',
        'floor_area_m2': 'floor_area_m2 BETWEEN 0 AND 5000',
        'floor_material': 'floor_material BETWEEN 0 AND 99',
        'wall_material': 'wall_material BETWEEN 0 AND 99',
        'roof_material': 'roof_material BETWEEN 0 AND 99',
        'drinking_water': 'drinking_water BETWEEN 0 AND 99',
        'lighting_source': 'lighting_source BETWEEN 0 AND 99',
        'cooking_fuel': 'cooking_fuel BETWEEN 0 AND 99',
        'sanitation': 'sanitation BETWEEN 0 AND 99',
        'livestock_cattle': 'livestock_cattle BETWEEN 0 AND 1000',
        'livestock_goats': 'livestock_goats BETWEEN 0 AND 1000',
        'livestock_pigs': 'livestock_pigs BETWEEN 0 AND 1000',
        'livestock_poultry': 'livestock_poultry BETWEEN 0 AND 10000',
        'electricity_va': 'electricity_va >= 0',
    },
    'visit_event': {
        'status': "status IN ('assigned', 'started', 'submitted', 'returned', 'resubmitted', 'approved')",
    },
}


def _broken_rows(bind, table: str, checks: dict[str, str]) -> dict[str, int]:
    """Rows of ``table`` that break each condition (one scan of the table)."""
    sums = ", ".join(f"coalesce(sum(CASE WHEN NOT ({condition}) THEN 1 ELSE 0 END), 0)" for condition in checks.values())
    counts = bind.execute(sa.text(f"SELECT {sums} FROM {table}")).one()
    return {name: int(n) for name, n in zip(checks, counts, strict=True) if n}


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    for table, checks in CHECKS.items():
        broken = _broken_rows(bind, table, checks)
        for name, n in broken.items():
            log.warning("%s rows of %s break the new constraint ck_%s_%s: kept (new and changed rows are checked)", n, table, table, name)
        if sqlite:
            if broken:
                bind.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
            with op.batch_alter_table(table) as batch_op:
                for name, condition in checks.items():
                    batch_op.create_check_constraint(op.f(f"ck_{table}_{name}"), condition)
            bind.exec_driver_sql("PRAGMA ignore_check_constraints = OFF")
        else:  # one ALTER TABLE per table: one scan of it, not one per constraint
            clauses = ", ".join(
                f"ADD CONSTRAINT ck_{table}_{name} CHECK ({condition})" + (" NOT VALID" if name in broken else "")
                for name, condition in checks.items()
            )
            op.execute(f"ALTER TABLE {table} {clauses}")


def downgrade() -> None:
    for table, checks in CHECKS.items():
        if op.get_bind().dialect.name == "sqlite":
            with op.batch_alter_table(table) as batch_op:
                for name in checks:
                    batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
        else:
            for name in checks:
                op.drop_constraint(op.f(f"ck_{table}_{name}"), table, type_="check")
