"""excluded visits

Counts of the visits the rollups leave out, by day, kabupaten/kota and reason
(``dashboard.store.rollups.countable``). A database upgraded from 0005 gets them with the
next rebuild (``python -m dashboard.manage rollups``) or refresh.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rollup_excluded_visits',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.Column('reason', sa.String(length=24), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_rollup_excluded_visits_round_id_round')),
    sa.PrimaryKeyConstraint('round_id', 'day', 'regency_code', 'reason', name=op.f('pk_rollup_excluded_visits'))
    )


def downgrade() -> None:
    op.drop_table('rollup_excluded_visits')
