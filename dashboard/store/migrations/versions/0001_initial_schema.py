"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('province',
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('facilitator_count', sa.Integer(), nullable=False),
    sa.Column('instructor_count', sa.Integer(), nullable=False),
    sa.Column('utc_offset_hours', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_province'))
    )
    op.create_table('round',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('simulation', sa.JSON(), nullable=True),
    sa.Column('simulated_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round'))
    )
    op.create_table('regency',
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('village_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['province_code'], ['province.code'], name=op.f('fk_regency_province_code_province')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_regency'))
    )
    with op.batch_alter_table('regency', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regency_province_code'), ['province_code'], unique=False)

    op.create_table('coordinator',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.ForeignKeyConstraint(['regency_code'], ['regency.code'], name=op.f('fk_coordinator_regency_code_regency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coordinator'))
    )
    with op.batch_alter_table('coordinator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coordinator_regency_code'), ['regency_code'], unique=False)

    op.create_table('district',
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('village_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['regency_code'], ['regency.code'], name=op.f('fk_district_regency_code_regency')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_district'))
    )
    with op.batch_alter_table('district', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_district_regency_code'), ['regency_code'], unique=False)

    op.create_table('facilitator',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.Column('coordinator_id', sa.String(length=16), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['coordinator_id'], ['coordinator.id'], name=op.f('fk_facilitator_coordinator_id_coordinator')),
    sa.ForeignKeyConstraint(['province_code'], ['province.code'], name=op.f('fk_facilitator_province_code_province')),
    sa.ForeignKeyConstraint(['regency_code'], ['regency.code'], name=op.f('fk_facilitator_regency_code_regency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facilitator'))
    )
    with op.batch_alter_table('facilitator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facilitator_coordinator_id'), ['coordinator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_facilitator_province_code'), ['province_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_facilitator_regency_code'), ['regency_code'], unique=False)

    op.create_table('village',
    sa.Column('code', sa.String(length=13), nullable=False),
    sa.Column('district_code', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_village_district_code_district')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_village'))
    )
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_village_district_code'), ['district_code'], unique=False)

    op.create_table('facilitator_district',
    sa.Column('facilitator_id', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_facilitator_district_district_code_district')),
    sa.ForeignKeyConstraint(['facilitator_id'], ['facilitator.id'], name=op.f('fk_facilitator_district_facilitator_id_facilitator')),
    sa.PrimaryKeyConstraint('facilitator_id', 'district_code', name=op.f('pk_facilitator_district'))
    )
    with op.batch_alter_table('facilitator_district', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facilitator_district_district_code'), ['district_code'], unique=False)

    op.create_table('target',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.Column('district_code', sa.String(length=8), nullable=False),
    sa.Column('village_code', sa.String(length=13), nullable=False),
    sa.Column('facilitator_id', sa.String(length=16), nullable=False),
    sa.Column('desil_before', sa.SmallInteger(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['facilitator_id'], ['facilitator.id'], name=op.f('fk_target_facilitator_id_facilitator')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_target_round_id_round')),
    sa.ForeignKeyConstraint(['village_code'], ['village.code'], name=op.f('fk_target_village_code_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target')),
    sa.UniqueConstraint('code', name=op.f('uq_target_code'))
    )
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.create_index('ix_target_facilitator', ['facilitator_id'], unique=False)
        batch_op.create_index('ix_target_round_province_category', ['round_id', 'province_code', 'category'], unique=False)
        batch_op.create_index('ix_target_round_regency', ['round_id', 'regency_code'], unique=False)

    op.create_table('simulated_defect',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('facilitator_id', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['facilitator_id'], ['facilitator.id'], name=op.f('fk_simulated_defect_facilitator_id_facilitator')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_simulated_defect_round_id_round')),
    sa.ForeignKeyConstraint(['target_id'], ['target.id'], name=op.f('fk_simulated_defect_target_id_target')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_simulated_defect'))
    )
    with op.batch_alter_table('simulated_defect', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_simulated_defect_facilitator_id'), ['facilitator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_simulated_defect_target_id'), ['target_id'], unique=False)

    op.create_table('visit',
    sa.Column('target_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.String(length=16), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('return_count', sa.SmallInteger(), nullable=False),
    sa.Column('duration_seconds', sa.Integer(), nullable=True),
    sa.Column('gps_lat', sa.Float(), nullable=True),
    sa.Column('gps_lon', sa.Float(), nullable=True),
    sa.Column('gps_accuracy_m', sa.Float(), nullable=True),
    sa.Column('photo_house_front', sa.Boolean(), nullable=False),
    sa.Column('photo_house_inside', sa.Boolean(), nullable=False),
    sa.Column('photo_family_card', sa.Boolean(), nullable=False),
    sa.Column('head_nik_status', sa.SmallInteger(), nullable=True),
    sa.Column('head_sex', sa.SmallInteger(), nullable=True),
    sa.Column('head_age', sa.SmallInteger(), nullable=True),
    sa.Column('head_marital_status', sa.SmallInteger(), nullable=True),
    sa.Column('head_education', sa.SmallInteger(), nullable=True),
    sa.Column('head_employment', sa.SmallInteger(), nullable=True),
    sa.Column('head_owns_business', sa.Boolean(), nullable=True),
    sa.Column('head_disability', sa.Boolean(), nullable=True),
    sa.Column('head_chronic_illness', sa.Boolean(), nullable=True),
    sa.Column('head_health_insurance', sa.Boolean(), nullable=True),
    sa.Column('members_working', sa.SmallInteger(), nullable=True),
    sa.Column('members_school_age_not_in_school', sa.SmallInteger(), nullable=True),
    sa.Column('members_disability', sa.SmallInteger(), nullable=True),
    sa.Column('members_chronic_illness', sa.SmallInteger(), nullable=True),
    sa.Column('household_size', sa.SmallInteger(), nullable=True),
    sa.Column('house_ownership', sa.SmallInteger(), nullable=True),
    sa.Column('floor_area_m2', sa.SmallInteger(), nullable=True),
    sa.Column('floor_material', sa.SmallInteger(), nullable=True),
    sa.Column('wall_material', sa.SmallInteger(), nullable=True),
    sa.Column('roof_material', sa.SmallInteger(), nullable=True),
    sa.Column('drinking_water', sa.SmallInteger(), nullable=True),
    sa.Column('lighting_source', sa.SmallInteger(), nullable=True),
    sa.Column('pln_meter_id', sa.String(length=20), nullable=True),
    sa.Column('electricity_va', sa.Integer(), nullable=True),
    sa.Column('cooking_fuel', sa.SmallInteger(), nullable=True),
    sa.Column('sanitation', sa.SmallInteger(), nullable=True),
    sa.Column('owns_gas_cylinder', sa.Boolean(), nullable=True),
    sa.Column('owns_refrigerator', sa.Boolean(), nullable=True),
    sa.Column('owns_air_conditioner', sa.Boolean(), nullable=True),
    sa.Column('owns_water_heater', sa.Boolean(), nullable=True),
    sa.Column('owns_television', sa.Boolean(), nullable=True),
    sa.Column('owns_computer', sa.Boolean(), nullable=True),
    sa.Column('owns_gold', sa.Boolean(), nullable=True),
    sa.Column('owns_motorcycle', sa.Boolean(), nullable=True),
    sa.Column('owns_car', sa.Boolean(), nullable=True),
    sa.Column('owns_land', sa.Boolean(), nullable=True),
    sa.Column('livestock_cattle', sa.SmallInteger(), nullable=True),
    sa.Column('livestock_goats', sa.SmallInteger(), nullable=True),
    sa.Column('livestock_pigs', sa.SmallInteger(), nullable=True),
    sa.Column('livestock_poultry', sa.SmallInteger(), nullable=True),
    sa.Column('desil_after', sa.SmallInteger(), nullable=True),
    sa.Column('reranked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['facilitator_id'], ['facilitator.id'], name=op.f('fk_visit_facilitator_id_facilitator')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_visit_round_id_round')),
    sa.ForeignKeyConstraint(['target_id'], ['target.id'], name=op.f('fk_visit_target_id_target')),
    sa.PrimaryKeyConstraint('target_id', name=op.f('pk_visit'))
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_facilitator_started', ['facilitator_id', 'started_at'], unique=False)
        batch_op.create_index('ix_visit_round_province_status', ['round_id', 'province_code', 'status'], unique=False)
        batch_op.create_index('ix_visit_round_regency_status', ['round_id', 'regency_code', 'status'], unique=False)
        batch_op.create_index('ix_visit_started_at', ['started_at'], unique=False)
        batch_op.create_index('ix_visit_submitted_at', ['submitted_at'], unique=False)

    op.create_table('visit_event',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['target_id'], ['target.id'], name=op.f('fk_visit_event_target_id_target')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_event'))
    )
    with op.batch_alter_table('visit_event', schema=None) as batch_op:
        batch_op.create_index('ix_visit_event_occurred_at', ['occurred_at'], unique=False)
        batch_op.create_index('ix_visit_event_target', ['target_id', 'occurred_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('visit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_event_target')
        batch_op.drop_index('ix_visit_event_occurred_at')

    op.drop_table('visit_event')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_submitted_at')
        batch_op.drop_index('ix_visit_started_at')
        batch_op.drop_index('ix_visit_round_regency_status')
        batch_op.drop_index('ix_visit_round_province_status')
        batch_op.drop_index('ix_visit_facilitator_started')

    op.drop_table('visit')
    with op.batch_alter_table('simulated_defect', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_simulated_defect_target_id'))
        batch_op.drop_index(batch_op.f('ix_simulated_defect_facilitator_id'))

    op.drop_table('simulated_defect')
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.drop_index('ix_target_round_regency')
        batch_op.drop_index('ix_target_round_province_category')
        batch_op.drop_index('ix_target_facilitator')

    op.drop_table('target')
    with op.batch_alter_table('facilitator_district', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_facilitator_district_district_code'))

    op.drop_table('facilitator_district')
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_village_district_code'))

    op.drop_table('village')
    with op.batch_alter_table('facilitator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_facilitator_regency_code'))
        batch_op.drop_index(batch_op.f('ix_facilitator_province_code'))
        batch_op.drop_index(batch_op.f('ix_facilitator_coordinator_id'))

    op.drop_table('facilitator')
    with op.batch_alter_table('district', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_district_regency_code'))

    op.drop_table('district')
    with op.batch_alter_table('coordinator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coordinator_regency_code'))

    op.drop_table('coordinator')
    with op.batch_alter_table('regency', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regency_province_code'))

    op.drop_table('regency')
    op.drop_table('round')
    op.drop_table('province')
