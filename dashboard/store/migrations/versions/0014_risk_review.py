"""risk review

The review queue of the fabrication-risk score (issue 18, item 4): each result a supervisor
(Dinas Sosial) or a BPS reviewer records for a facilitator the score named
(``risk_review``): ``confirmed`` or ``cleared``, an optional note of at most 500
characters, the score when reviewed, who and when. A facilitator reviewed again gets a new
row; the newest is their current result, the older ones stay as the history.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('risk_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.String(length=16), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.Column('result', sa.String(length=9), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('score_at_review', sa.Float(), nullable=False),
    sa.Column('reviewed_by', sa.String(length=64), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("result IN ('confirmed', 'cleared')", name=op.f('ck_risk_review_result')),
    sa.CheckConstraint('note IS NULL OR length(note) <= 500', name=op.f('ck_risk_review_note_length')),
    sa.ForeignKeyConstraint(['facilitator_id'], ['facilitator.id'], name=op.f('fk_risk_review_facilitator_id_facilitator')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_risk_review_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_review'))
    )
    op.create_index('ix_risk_review_round_regency', 'risk_review', ['round_id', 'regency_code'], unique=False)
    op.create_index('ix_risk_review_round_facilitator', 'risk_review', ['round_id', 'facilitator_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_risk_review_round_facilitator', table_name='risk_review')
    op.drop_index('ix_risk_review_round_regency', table_name='risk_review')
    op.drop_table('risk_review')
