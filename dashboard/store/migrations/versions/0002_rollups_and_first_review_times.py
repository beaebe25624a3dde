"""rollups and first review times

Rollup tables read by the pages (rebuilt with `python -m dashboard.manage rollups`), and
the first review/return time of each visit, filled from the event history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rollup_facilitator_day',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.String(length=16), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('started', sa.Integer(), nullable=False),
    sa.Column('submitted', sa.Integer(), nullable=False),
    sa.Column('approved', sa.Integer(), nullable=False),
    sa.Column('returned', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_rollup_facilitator_day_round_id_round')),
    sa.PrimaryKeyConstraint('round_id', 'facilitator_id', 'day', name=op.f('pk_rollup_facilitator_day'))
    )
    with op.batch_alter_table('rollup_facilitator_day', schema=None) as batch_op:
        batch_op.create_index('ix_rollup_facilitator_day_regency_day', ['round_id', 'regency_code', 'day'], unique=False)

    op.create_table('rollup_regency_activity',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('active_1d', sa.Integer(), nullable=False),
    sa.Column('active_7d', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_rollup_regency_activity_round_id_round')),
    sa.PrimaryKeyConstraint('round_id', 'regency_code', 'day', name=op.f('pk_rollup_regency_activity'))
    )
    op.create_table('rollup_regency_day',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('started', sa.Integer(), nullable=False),
    sa.Column('submitted', sa.Integer(), nullable=False),
    sa.Column('reviewed', sa.Integer(), nullable=False),
    sa.Column('returned', sa.Integer(), nullable=False),
    sa.Column('approved', sa.Integer(), nullable=False),
    sa.Column('outcome_found_verified', sa.Integer(), nullable=False),
    sa.Column('outcome_moved', sa.Integer(), nullable=False),
    sa.Column('outcome_deceased', sa.Integer(), nullable=False),
    sa.Column('outcome_not_found', sa.Integer(), nullable=False),
    sa.Column('outcome_refused', sa.Integer(), nullable=False),
    sa.Column('outcome_nik_confirmed', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_rollup_regency_day_round_id_round')),
    sa.PrimaryKeyConstraint('round_id', 'regency_code', 'category', 'day', name=op.f('pk_rollup_regency_day'))
    )
    with op.batch_alter_table('rollup_regency_day', schema=None) as batch_op:
        batch_op.create_index('ix_rollup_regency_day_province_day', ['round_id', 'province_code', 'day'], unique=False)

    op.create_table('rollup_regency_targets',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('targets', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_rollup_regency_targets_round_id_round')),
    sa.PrimaryKeyConstraint('round_id', 'regency_code', 'category', name=op.f('pk_rollup_regency_targets'))
    )
    op.create_table('rollup_state',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('data_until', sa.DateTime(), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_rollup_state_round_id_round')),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_rollup_state'))
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_reviewed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('first_returned_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_visit_approved_at', ['approved_at'], unique=False)
        batch_op.create_index('ix_visit_first_returned_at', ['first_returned_at'], unique=False)
        batch_op.create_index('ix_visit_first_reviewed_at', ['first_reviewed_at'], unique=False)

    # Existing visits: the first return and first review come from the event history.
    op.execute(
        "UPDATE visit SET first_returned_at = (SELECT min(e.occurred_at) FROM visit_event e "
        "WHERE e.target_id = visit.target_id AND e.status = 'returned')"
    )
    op.execute(
        "UPDATE visit SET first_reviewed_at = CASE "
        "WHEN first_returned_at IS NULL THEN approved_at "
        "WHEN approved_at IS NULL OR first_returned_at < approved_at THEN first_returned_at "
        "ELSE approved_at END"
    )



def downgrade() -> None:
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_first_reviewed_at')
        batch_op.drop_index('ix_visit_first_returned_at')
        batch_op.drop_index('ix_visit_approved_at')
        batch_op.drop_column('first_returned_at')
        batch_op.drop_column('first_reviewed_at')

    op.drop_table('rollup_state')
    op.drop_table('rollup_regency_targets')
    with op.batch_alter_table('rollup_regency_day', schema=None) as batch_op:
        batch_op.drop_index('ix_rollup_regency_day_province_day')

    op.drop_table('rollup_regency_day')
    op.drop_table('rollup_regency_activity')
    with op.batch_alter_table('rollup_facilitator_day', schema=None) as batch_op:
        batch_op.drop_index('ix_rollup_facilitator_day_regency_day')

    op.drop_table('rollup_facilitator_day')
