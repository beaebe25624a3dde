"""the waiting cases, kept as the data arrive

Each target's status as of the newest data (``waiting_case``) and the open cases per
facilitator, status and day entered (``rollup_waiting``), maintained by the rollups'
refresh (``dashboard.store.waiting``): the waiting-cases figures read them instead of a
GROUP BY over every target and visit (a minute for the nation at 20M targets).
``rollup_state.waiting_until`` is NULL after this revision, so the next refresh of each
round builds them whole, once; a closed round is built by ``python -m dashboard.manage
rollups``, and until then its figures are computed from the raw rows as before.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

#: As ``dashboard.store.models.OPEN_CASES`` (a migration does not import the models).
OPEN_CASES = "status IN ('assigned', 'started', 'submitted', 'returned', 'approved')"

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('rollup_state') as batch:
        batch.add_column(sa.Column('waiting_until', sa.DateTime(), nullable=True))
    op.create_table(
        'waiting_case',
        sa.Column('target_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('target_code', sa.String(length=20), nullable=False),
        sa.Column('category', sa.String(length=20), nullable=False),
        sa.Column('province_code', sa.String(length=2), nullable=False),
        sa.Column('regency_code', sa.String(length=5), nullable=False),
        sa.Column('facilitator_id', sa.String(length=16), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('since', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_waiting_case_round_id_round')),
        sa.ForeignKeyConstraint(['target_id'], ['target.id'], name=op.f('fk_waiting_case_target_id_target')),
        sa.PrimaryKeyConstraint('target_id', name=op.f('pk_waiting_case')),
    )
    for name, region in (('ix_waiting_case_status', []), ('ix_waiting_case_regency', ['regency_code'])):
        op.create_index(name, 'waiting_case', ['round_id', *region, 'status', 'since', 'target_code'],
                        postgresql_where=sa.text(OPEN_CASES), sqlite_where=sa.text(OPEN_CASES))
    op.create_table(
        'rollup_waiting',
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('facilitator_id', sa.String(length=16), nullable=False),
        sa.Column('regency_code', sa.String(length=5), nullable=False),
        sa.Column('province_code', sa.String(length=2), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('entered_day', sa.Date(), nullable=False),
        sa.Column('cases', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_rollup_waiting_round_id_round')),
        sa.PrimaryKeyConstraint('round_id', 'facilitator_id', 'regency_code', 'province_code', 'status', 'entered_day', name=op.f('pk_rollup_waiting')),
    )
    op.create_index('ix_rollup_waiting_regency', 'rollup_waiting', ['round_id', 'regency_code'])
    op.create_index('ix_rollup_waiting_province', 'rollup_waiting', ['round_id', 'province_code'])


def downgrade() -> None:
    op.drop_table('rollup_waiting')
    op.drop_table('waiting_case')
    with op.batch_alter_table('rollup_state') as batch:
        batch.drop_column('waiting_until')
