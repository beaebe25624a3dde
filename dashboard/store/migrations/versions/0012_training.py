"""training

The training of the ground check (issue 17): national instructors (``instructor``), the
classes of instructors and of facilitators (``training_class``; who taught a facilitator
class: ``training_class_instructor``), and who attended with their pre- and post-test
scores (``training_attendance``).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('instructor',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['province_code'], ['province.code'], name=op.f('fk_instructor_province_code_province')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instructor'))
    )
    op.create_index(op.f('ix_instructor_province_code'), 'instructor', ['province_code'], unique=False)
    op.create_table('training_class',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('make_up', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.CheckConstraint("kind IN ('instructor', 'facilitator')", name=op.f('ck_training_class_kind')),
    sa.ForeignKeyConstraint(['province_code'], ['province.code'], name=op.f('fk_training_class_province_code_province')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_training_class_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_class'))
    )
    op.create_index(op.f('ix_training_class_round_id'), 'training_class', ['round_id'], unique=False)
    op.create_table('training_class_instructor',
    sa.Column('class_id', sa.String(length=24), nullable=False),
    sa.Column('instructor_id', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['training_class.id'], name=op.f('fk_training_class_instructor_class_id_training_class')),
    sa.ForeignKeyConstraint(['instructor_id'], ['instructor.id'], name=op.f('fk_training_class_instructor_instructor_id_instructor')),
    sa.PrimaryKeyConstraint('class_id', 'instructor_id', name=op.f('pk_training_class_instructor'))
    )
    op.create_index(op.f('ix_training_class_instructor_instructor_id'), 'training_class_instructor', ['instructor_id'], unique=False)
    op.create_table('training_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.String(length=24), nullable=False),
    sa.Column('facilitator_id', sa.String(length=16), nullable=True),
    sa.Column('instructor_id', sa.String(length=16), nullable=True),
    sa.Column('attended', sa.Boolean(), nullable=False),
    sa.Column('pre_score', sa.SmallInteger(), nullable=True),
    sa.Column('post_score', sa.SmallInteger(), nullable=True),
    sa.CheckConstraint('(facilitator_id IS NULL) <> (instructor_id IS NULL)', name=op.f('ck_training_attendance_one_participant')),
    sa.CheckConstraint('pre_score IS NULL OR (pre_score >= 0 AND pre_score <= 100)', name=op.f('ck_training_attendance_pre_score')),
    sa.CheckConstraint('post_score IS NULL OR (post_score >= 0 AND post_score <= 100)', name=op.f('ck_training_attendance_post_score')),
    sa.ForeignKeyConstraint(['class_id'], ['training_class.id'], name=op.f('fk_training_attendance_class_id_training_class')),
    sa.ForeignKeyConstraint(['facilitator_id'], ['facilitator.id'], name=op.f('fk_training_attendance_facilitator_id_facilitator')),
    sa.ForeignKeyConstraint(['instructor_id'], ['instructor.id'], name=op.f('fk_training_attendance_instructor_id_instructor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_attendance')),
    sa.UniqueConstraint('class_id', 'facilitator_id', name='uq_training_attendance_class_facilitator'),
    sa.UniqueConstraint('class_id', 'instructor_id', name='uq_training_attendance_class_instructor')
    )
    op.create_index(op.f('ix_training_attendance_class_id'), 'training_attendance', ['class_id'], unique=False)
    op.create_index(op.f('ix_training_attendance_facilitator_id'), 'training_attendance', ['facilitator_id'], unique=False)
    op.create_index(op.f('ix_training_attendance_instructor_id'), 'training_attendance', ['instructor_id'], unique=False)


def downgrade() -> None:
    op.drop_table('training_attendance')
    op.drop_table('training_class_instructor')
    op.drop_table('training_class')
    op.drop_table('instructor')
