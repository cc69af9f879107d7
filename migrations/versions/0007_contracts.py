"""Contracts created from agreed proposals, with their frozen terms and SHA-256 fingerprint.

Reviewed by hand: one contract per (proposal, version); status checked in the
database; kg positive.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('harvest_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('farmer_id', sa.Integer(), nullable=False),
    sa.Column('processor_id', sa.Integer(), nullable=False),
    sa.Column('kg', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('terms', sa.JSON(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'awaiting_signatures', 'active', 'in_delivery', 'fulfilled', 'short_delivered', 'breached', 'cancelled')", name=op.f('ck_contract_status')),
    sa.CheckConstraint('kg > 0', name=op.f('ck_contract_kg_positive')),
    sa.ForeignKeyConstraint(['farmer_id'], ['user_account.id'], name=op.f('fk_contract_farmer_id_user_account')),
    sa.ForeignKeyConstraint(['harvest_id'], ['harvest.id'], name=op.f('fk_contract_harvest_id_harvest')),
    sa.ForeignKeyConstraint(['order_id'], ['contract_order.id'], name=op.f('fk_contract_order_id_contract_order')),
    sa.ForeignKeyConstraint(['processor_id'], ['processor.id'], name=op.f('fk_contract_processor_id_processor')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_contract_proposal_id_proposal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract')),
    sa.UniqueConstraint('proposal_id', 'version', name='uq_contract_proposal_version')
    )
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_farmer_id'), ['farmer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_fingerprint'), ['fingerprint'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_harvest_id'), ['harvest_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_processor_id'), ['processor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_proposal_id'), ['proposal_id'], unique=False)



def downgrade():
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_contract_processor_id'))
        batch_op.drop_index(batch_op.f('ix_contract_order_id'))
        batch_op.drop_index(batch_op.f('ix_contract_harvest_id'))
        batch_op.drop_index(batch_op.f('ix_contract_fingerprint'))
        batch_op.drop_index(batch_op.f('ix_contract_farmer_id'))

    op.drop_table('contract')
