"""fabrication-risk signals that are costly to fake

Ten more signals of ``dashboard.quality.risk`` (issue 18), each stored as the value, the
peers' median and the points it adds to the score: ``hard_outcome_share``,
``daily_throughput``, ``throughput_change``, ``impossible_travel_share``, ``gap_regularity``,
``length_size_corr``, ``record_agreement``, ``desil_change``, ``repeated_answers``,
``returned_share``.

The score itself changes meaning (a sum of peer-relative tail evidence instead of a
weighted mean), so the stored scores of every round are removed together with the rounds'
quality state: the next refresh of each round that is still written to rebuilds its
flags and scores whole, once; a closed round has none until ``python -m dashboard.manage
rollups``.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

SIGNALS = (
    'hard_outcome_share', 'daily_throughput', 'throughput_change', 'impossible_travel_share',
    'gap_regularity', 'length_size_corr', 'record_agreement', 'desil_change', 'repeated_answers', 'returned_share',
)


def upgrade() -> None:
    with op.batch_alter_table('facilitator_risk') as batch:
        for signal in SIGNALS:
            for suffix in ('', '_peer', '_strength'):
                batch.add_column(sa.Column(f'{signal}{suffix}', sa.Float(), nullable=True))
    op.execute('DELETE FROM facilitator_risk')
    op.execute('DELETE FROM quality_state')


def downgrade() -> None:
    with op.batch_alter_table('facilitator_risk') as batch:
        for signal in reversed(SIGNALS):
            for suffix in ('_strength', '_peer', ''):
                batch.drop_column(f'{signal}{suffix}')
