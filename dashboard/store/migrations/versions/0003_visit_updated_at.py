"""visit.updated_at: when a row was last written

The incremental rollup refresh recomputes every day touched by rows written since the
previous refresh, so data synced days late is counted. Existing rows get the time of their
newest event.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_visit_updated_at', ['updated_at'], unique=False)
    op.execute(
        "UPDATE visit SET updated_at = (SELECT max(e.occurred_at) FROM visit_event e WHERE e.target_id = visit.target_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_updated_at')
        batch_op.drop_column('updated_at')
