"""alert delivery

Where each user wants their alerts (``alert_subscription``: an e-mail address or a webhook,
immediate notices of severe alerts and/or a daily digest), every message composed for a
subscription with what became of it (``alert_delivery``: pending, sent or failed, its
attempts), and which alert each subscription was told about (``alert_notice``).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alert_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=True),
    sa.Column('immediate', sa.Boolean(), nullable=False),
    sa.Column('digest', sa.Boolean(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('since_alert_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_alert_subscription_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_subscription'))
    )
    op.create_index(op.f('ix_alert_subscription_user_id'), 'alert_subscription', ['user_id'], unique=False)
    op.create_table('alert_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('message', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_alert_delivery_round_id_round')),
    sa.ForeignKeyConstraint(['subscription_id'], ['alert_subscription.id'], name=op.f('fk_alert_delivery_subscription_id_alert_subscription')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_delivery')),
    sa.UniqueConstraint('subscription_id', 'key', name='uq_alert_delivery_key')
    )
    op.create_index('ix_alert_delivery_status_next', 'alert_delivery', ['status', 'next_attempt_at'], unique=False)
    op.create_table('alert_notice',
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], name=op.f('fk_alert_notice_alert_id_alert')),
    sa.ForeignKeyConstraint(['delivery_id'], ['alert_delivery.id'], name=op.f('fk_alert_notice_delivery_id_alert_delivery')),
    sa.ForeignKeyConstraint(['subscription_id'], ['alert_subscription.id'], name=op.f('fk_alert_notice_subscription_id_alert_subscription')),
    sa.PrimaryKeyConstraint('subscription_id', 'alert_id', name=op.f('pk_alert_notice'))
    )


def downgrade() -> None:
    op.drop_table('alert_notice')
    op.drop_index('ix_alert_delivery_status_next', table_name='alert_delivery')
    op.drop_table('alert_delivery')
    op.drop_index(op.f('ix_alert_subscription_user_id'), table_name='alert_subscription')
    op.drop_table('alert_subscription')
