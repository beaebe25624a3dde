"""interviews at review

A facilitator's interviews when a review was recorded (``risk_review.interviews_at_review``):
a cleared facilitator the score still names with twice the interviews is due for another
review (``dashboard.figures.review_queue``). Its own revision, not an edit of 0014, so that
a database that ran 0014 gains the column. NULL for the reviews recorded before it (only
the score's rise can make those due again).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('risk_review') as batch:
        batch.add_column(sa.Column('interviews_at_review', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('risk_review') as batch:
        batch.drop_column('interviews_at_review')
