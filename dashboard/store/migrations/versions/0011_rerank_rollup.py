"""re-ranking rollup

Families re-ranked per kabupaten/kota, category, desil before and after, and day
(``rollup_rerank_day``): what the findings read. ``visit.reranked_at`` gets an index, so
that a refresh finds the visits BPS re-ranked since the previous one.
``rollup_state.reranks_counted`` is false for the rounds whose rollups predate it: their
next refresh rebuilds them whole (a refresh recomputes only recent days), so that their
findings are complete from then on.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rollup_rerank_day',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('desil_before', sa.SmallInteger(), nullable=False),
    sa.Column('desil_after', sa.SmallInteger(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('reranked', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_rollup_rerank_day_round_id_round')),
    sa.PrimaryKeyConstraint('round_id', 'regency_code', 'category', 'desil_before', 'desil_after', 'day', name=op.f('pk_rollup_rerank_day'))
    )
    op.create_index('ix_rollup_rerank_day_round_day', 'rollup_rerank_day', ['round_id', 'day'], unique=False)
    op.create_index('ix_visit_reranked_at', 'visit', ['reranked_at'], unique=False)
    op.add_column('rollup_state', sa.Column('reranks_counted', sa.Boolean(), server_default=sa.text('false'), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('rollup_state') as batch:
        batch.drop_column('reranks_counted')
    op.drop_index('ix_visit_reranked_at', table_name='visit')
    op.drop_index('ix_rollup_rerank_day_round_day', table_name='rollup_rerank_day')
    op.drop_table('rollup_rerank_day')
