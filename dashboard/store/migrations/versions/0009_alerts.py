"""alerts

One row per alert of ``dashboard.alerts``: a rule that holds for a region or a facilitator
from its opening until its closing, kept as one row while it persists (a partial unique
index allows one open alert per round, rule and subject), with its acknowledgement.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('scope_code', sa.String(length=5), nullable=False),
    sa.Column('subject', sa.String(length=32), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('acknowledged_by', sa.String(length=64), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_alert_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert'))
    )
    op.create_index('uq_alert_open', 'alert', ['round_id', 'rule', 'subject'], unique=True,
                    sqlite_where=sa.text('closed_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL'))
    op.create_index('ix_alert_round_scope_opened', 'alert', ['round_id', 'scope_code', 'opened_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_alert_round_scope_opened', table_name='alert')
    op.drop_index('uq_alert_open', table_name='alert')
    op.drop_table('alert')
