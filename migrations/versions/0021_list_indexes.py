"""Indexes for the longest lists, read newest first a page at a time: a co-op's and a processor's deliveries, a
processor's contracts (found by the load benchmark, bench/load.py, at 10,000 farmers).

Reviewed by hand: indexes only, no data changes.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_cooperative_delivered', ['cooperative_id', 'delivered_on', 'id'],
                              unique=False)
        batch_op.create_index('ix_delivery_processor_delivered', ['processor_id', 'delivered_on', 'id'], unique=False)

    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.create_index('ix_contract_processor_created', ['processor_id', 'created_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_index('ix_contract_processor_created')

    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_processor_delivered')
        batch_op.drop_index('ix_delivery_cooperative_delivered')
