"""Matching: runs, the proposals they make with each side's decision, and in-app notifications.

Reviewed by hand: proposal kg positive, statuses and decisions checked in the
database, one proposal per (run, harvest, order).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('match_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('season', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('lots', sa.Integer(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('matched_kg', sa.BigInteger(), nullable=False),
    sa.Column('value_fen', sa.BigInteger(), nullable=False),
    sa.Column('bound_kg', sa.BigInteger(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.CheckConstraint("status IN ('running', 'done', 'failed')", name=op.f('ck_match_run_status')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_match_run_product_id_product')),
    sa.ForeignKeyConstraint(['started_by_id'], ['user_account.id'], name=op.f('fk_match_run_started_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_run'))
    )
    with op.batch_alter_table('match_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_run_product_id'), ['product_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('link', sa.String(length=200), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_user_id'), ['user_id'], unique=False)

    op.create_table('proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('harvest_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('kg', sa.Integer(), nullable=False),
    sa.Column('price_fen_per_kg', sa.BigInteger(), nullable=False),
    sa.Column('distance_km', sa.Integer(), nullable=False),
    sa.Column('transport_fen_per_kg', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('farmer_decision', sa.String(length=10), nullable=True),
    sa.Column('farmer_decided_by_id', sa.Integer(), nullable=True),
    sa.Column('farmer_decided_at', sa.DateTime(), nullable=True),
    sa.Column('processor_decision', sa.String(length=10), nullable=True),
    sa.Column('processor_decided_by_id', sa.Integer(), nullable=True),
    sa.Column('processor_decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("farmer_decision IS NULL OR farmer_decision IN ('accepted', 'declined')", name=op.f('ck_proposal_farmer_decision')),
    sa.CheckConstraint("processor_decision IS NULL OR processor_decision IN ('accepted', 'declined')", name=op.f('ck_proposal_processor_decision')),
    sa.CheckConstraint("status IN ('pending', 'accepted', 'declined', 'expired')", name=op.f('ck_proposal_status')),
    sa.CheckConstraint('kg > 0', name=op.f('ck_proposal_kg_positive')),
    sa.ForeignKeyConstraint(['farmer_decided_by_id'], ['user_account.id'], name=op.f('fk_proposal_farmer_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['harvest_id'], ['harvest.id'], name=op.f('fk_proposal_harvest_id_harvest')),
    sa.ForeignKeyConstraint(['order_id'], ['contract_order.id'], name=op.f('fk_proposal_order_id_contract_order')),
    sa.ForeignKeyConstraint(['processor_decided_by_id'], ['user_account.id'], name=op.f('fk_proposal_processor_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['run_id'], ['match_run.id'], name=op.f('fk_proposal_run_id_match_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal')),
    sa.UniqueConstraint('run_id', 'harvest_id', 'order_id', name='uq_proposal_run_harvest_order')
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_harvest_id'), ['harvest_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_status'), ['status'], unique=False)



def downgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_status'))
        batch_op.drop_index(batch_op.f('ix_proposal_run_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_order_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_harvest_id'))

    op.drop_table('proposal')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_user_id'))
        batch_op.drop_index(batch_op.f('ix_notification_created_at'))

    op.drop_table('notification')
    with op.batch_alter_table('match_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_run_product_id'))

    op.drop_table('match_run')
