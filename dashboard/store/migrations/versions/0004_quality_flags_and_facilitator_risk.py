"""quality flags and facilitator risk

The stored quality flags (one row per visit and rule broken), their counts per
kabupaten/kota and day, the facilitators' fabrication risk scores and how far all are; indexes on the visit values the cross-visit rules look
up. A database upgraded from 0003 gets its flags computed by `python -m dashboard.manage
rollups` (and `make run` does it for the demo database).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('quality_state',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('data_until', sa.DateTime(), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(), nullable=False),
    sa.Column('risk_until', sa.DateTime(), nullable=True),
    sa.Column('risk_scored_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_quality_state_round_id_round')),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_quality_state'))
    )
    op.create_table('facilitator_risk',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.String(length=16), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.Column('interviews', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('high_risk', sa.Boolean(), nullable=False),
    sa.Column('short_share', sa.Float(), nullable=True),
    sa.Column('short_share_peer', sa.Float(), nullable=True),
    sa.Column('short_share_strength', sa.Float(), nullable=True),
    sa.Column('packed_share', sa.Float(), nullable=True),
    sa.Column('packed_share_peer', sa.Float(), nullable=True),
    sa.Column('packed_share_strength', sa.Float(), nullable=True),
    sa.Column('gps_spread_m', sa.Float(), nullable=True),
    sa.Column('gps_spread_m_peer', sa.Float(), nullable=True),
    sa.Column('gps_spread_m_strength', sa.Float(), nullable=True),
    sa.Column('uniformity', sa.Float(), nullable=True),
    sa.Column('uniformity_peer', sa.Float(), nullable=True),
    sa.Column('uniformity_strength', sa.Float(), nullable=True),
    sa.Column('round_share', sa.Float(), nullable=True),
    sa.Column('round_share_peer', sa.Float(), nullable=True),
    sa.Column('round_share_strength', sa.Float(), nullable=True),
    sa.Column('peer_distance', sa.Float(), nullable=True),
    sa.Column('peer_distance_peer', sa.Float(), nullable=True),
    sa.Column('peer_distance_strength', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['facilitator_id'], ['facilitator.id'], name=op.f('fk_facilitator_risk_facilitator_id_facilitator')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_facilitator_risk_round_id_round')),
    sa.PrimaryKeyConstraint('round_id', 'facilitator_id', name=op.f('pk_facilitator_risk'))
    )
    with op.batch_alter_table('facilitator_risk', schema=None) as batch_op:
        batch_op.create_index('ix_facilitator_risk_round_province', ['round_id', 'province_code'], unique=False)
        batch_op.create_index('ix_facilitator_risk_round_regency', ['round_id', 'regency_code'], unique=False)

    op.create_table('quality_flag',
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=24), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.String(length=16), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('group_key', sa.String(length=64), nullable=True),
    sa.Column('value', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_quality_flag_round_id_round')),
    sa.ForeignKeyConstraint(['target_id'], ['target.id'], name=op.f('fk_quality_flag_target_id_target')),
    sa.PrimaryKeyConstraint('target_id', 'rule', name=op.f('pk_quality_flag'))
    )
    with op.batch_alter_table('quality_flag', schema=None) as batch_op:
        batch_op.create_index('ix_quality_flag_facilitator_day', ['facilitator_id', 'day'], unique=False)
        batch_op.create_index('ix_quality_flag_province_day', ['province_code', 'day'], unique=False)
        batch_op.create_index('ix_quality_flag_regency_day', ['regency_code', 'day'], unique=False)
        batch_op.create_index('ix_quality_flag_rule_key', ['rule', 'group_key'], unique=False)

    op.create_table('rollup_quality_day',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('flagged', sa.Integer(), nullable=False),
    sa.Column('flags_short_interview', sa.Integer(), nullable=False),
    sa.Column('flags_gps_missing', sa.Integer(), nullable=False),
    sa.Column('flags_gps_outside_regency', sa.Integer(), nullable=False),
    sa.Column('flags_gps_duplicate', sa.Integer(), nullable=False),
    sa.Column('flags_pln_reused', sa.Integer(), nullable=False),
    sa.Column('flags_pln_malformed', sa.Integer(), nullable=False),
    sa.Column('flags_photo_missing', sa.Integer(), nullable=False),
    sa.Column('flags_missing_variables', sa.Integer(), nullable=False),
    sa.Column('flags_inconsistent_answers', sa.Integer(), nullable=False),
    sa.Column('flags_implausible_hour', sa.Integer(), nullable=False),
    sa.Column('flags_too_many_per_day', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_rollup_quality_day_round_id_round')),
    sa.PrimaryKeyConstraint('round_id', 'regency_code', 'category', 'day', name=op.f('pk_rollup_quality_day'))
    )
    with op.batch_alter_table('rollup_quality_day', schema=None) as batch_op:
        batch_op.create_index('ix_rollup_quality_day_province_day', ['round_id', 'province_code', 'day'], unique=False)

    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_gps_lat', ['gps_lat'], unique=False)
        batch_op.create_index('ix_visit_pln_meter_id', ['pln_meter_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_pln_meter_id')
        batch_op.drop_index('ix_visit_gps_lat')

    with op.batch_alter_table('quality_flag', schema=None) as batch_op:
        batch_op.drop_index('ix_quality_flag_rule_key')
        batch_op.drop_index('ix_quality_flag_regency_day')
        batch_op.drop_index('ix_quality_flag_province_day')
        batch_op.drop_index('ix_quality_flag_facilitator_day')

    op.drop_table('quality_flag')
    with op.batch_alter_table('rollup_quality_day', schema=None) as batch_op:
        batch_op.drop_index('ix_rollup_quality_day_province_day')

    op.drop_table('rollup_quality_day')
    with op.batch_alter_table('facilitator_risk', schema=None) as batch_op:
        batch_op.drop_index('ix_facilitator_risk_round_regency')
        batch_op.drop_index('ix_facilitator_risk_round_province')

    op.drop_table('facilitator_risk')
    op.drop_table('quality_state')
