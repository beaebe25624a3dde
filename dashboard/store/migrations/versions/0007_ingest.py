"""ingest: the quarantine, the loads and the version of a visit

``ingest_quarantine`` keeps the rows the loader refused (source, line, kind, natural id,
reason; never their contents); ``ingest_batch`` one row per file or request read (the
freshness of each source); ``ingest_pending`` the rounds changed and not yet refreshed;
``visit.modified_at`` is the field application's version of
a visit, so that a later one replaces an earlier one and never the reverse.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ingest_quarantine',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('natural_id', sa.String(length=40), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ingest_quarantine'))
    )
    op.create_index(op.f('ix_ingest_quarantine_received_at'), 'ingest_quarantine', ['received_at'], unique=False)
    op.create_table('ingest_batch',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('rows_written', sa.Integer(), nullable=False),
    sa.Column('rows_quarantined', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ingest_batch'))
    )
    op.create_index(op.f('ix_ingest_batch_received_at'), 'ingest_batch', ['received_at'], unique=False)
    op.create_table('ingest_pending',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('since_day', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_ingest_pending_round_id_round')),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_ingest_pending'))
    )
    with op.batch_alter_table('visit') as batch_op:
        batch_op.add_column(sa.Column('modified_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('visit') as batch_op:
        batch_op.drop_column('modified_at')
    op.drop_table('ingest_pending')
    op.drop_index(op.f('ix_ingest_batch_received_at'), table_name='ingest_batch')
    op.drop_table('ingest_batch')
    op.drop_index(op.f('ix_ingest_quarantine_received_at'), table_name='ingest_quarantine')
    op.drop_table('ingest_quarantine')
