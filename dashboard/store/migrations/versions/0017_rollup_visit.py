"""each visit as the rollups counted it, so that a refresh folds a batch in by difference

``rollup_visit`` holds, per target, the WIB day of each event of its visit and what it was
counted under (or why it was left out): a refresh subtracts the rows of a batch's visits
as they were counted and adds them as they are now (``dashboard.store.rollups``), instead
of recounting every visit with an event in the last days (4.5M visits per refresh at 20M
targets). ``rollup_state.counted_until`` is NULL after this revision, so the next refresh
of each round rebuilds its rollups once; a closed round is rebuilt by ``python -m
dashboard.manage rollups`` when wanted (its rollups stay as they are until then). An index
of the quality flags by round and day serves the recount of the flags' days.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

#: As ``dashboard.store.models.CLOCK_REASONS`` (a migration does not import the models).
CLOCK_REASONS = "reason IN ('outside_round', 'unreadable_time')"

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('rollup_state') as batch:
        batch.add_column(sa.Column('counted_until', sa.DateTime(), nullable=True))
    op.create_table(
        'rollup_visit',
        sa.Column('target_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('facilitator_id', sa.String(length=16), nullable=False),
        sa.Column('regency_code', sa.String(length=5), nullable=False),
        sa.Column('province_code', sa.String(length=2), nullable=False),
        sa.Column('category', sa.String(length=20), nullable=True),
        sa.Column('outcome', sa.String(length=20), nullable=True),
        sa.Column('desil_before', sa.SmallInteger(), nullable=True),
        sa.Column('desil_after', sa.SmallInteger(), nullable=True),
        *(sa.Column(event, sa.Date(), nullable=True) for event in ('started', 'submitted', 'reviewed', 'returned', 'approved', 'reranked')),
        sa.Column('reason', sa.String(length=24), nullable=True),
        sa.Column('excluded_day', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_rollup_visit_round_id_round')),
        sa.ForeignKeyConstraint(['target_id'], ['target.id'], name=op.f('fk_rollup_visit_target_id_target')),
        sa.PrimaryKeyConstraint('target_id', name=op.f('pk_rollup_visit')),
    )
    # The days of flags a refresh recounts (a scan of every flag at 20M targets without it).
    op.create_index('ix_quality_flag_round_day', 'quality_flag', ['round_id', 'day'])
    op.create_index('ix_rollup_visit_clock', 'rollup_visit', ['round_id'],
                    postgresql_where=sa.text(CLOCK_REASONS), sqlite_where=sa.text(CLOCK_REASONS))


def downgrade() -> None:
    op.drop_index('ix_quality_flag_round_day', table_name='quality_flag')
    op.drop_table('rollup_visit')
    with op.batch_alter_table('rollup_state') as batch:
        batch.drop_column('counted_until')
