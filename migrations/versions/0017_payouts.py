"""Payouts to members: batches prepared by one manager and approved by another, items with a deterministic
idempotency key and reference; a member's payout account on the membership.

Reviewed by hand: the approver is never the preparer (checked in the
database); one item per member per batch; references and keys are unique.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('payout_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('prepared_by_id', sa.Integer(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('total_fen', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('prepared', 'approved', 'cancelled')", name=op.f('ck_payout_batch_status')),
    sa.CheckConstraint('approved_by_id IS NULL OR approved_by_id <> prepared_by_id', name=op.f('ck_payout_batch_four_eyes')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user_account.id'], name=op.f('fk_payout_batch_approved_by_id_user_account')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_payout_batch_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['prepared_by_id'], ['user_account.id'], name=op.f('fk_payout_batch_prepared_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_batch'))
    )
    with op.batch_alter_table('payout_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payout_batch_cooperative_id'), ['cooperative_id'], unique=False)

    op.create_table('payout_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('farmer_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('account', sa.String(length=40), nullable=True),
    sa.Column('reference', sa.String(length=30), nullable=False),
    sa.Column('idempotency_key', sa.String(length=60), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("method IN ('bank', 'cash')", name=op.f('ck_payout_item_method')),
    sa.CheckConstraint("status IN ('pending', 'paid')", name=op.f('ck_payout_item_status')),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_payout_item_amount_positive')),
    sa.ForeignKeyConstraint(['batch_id'], ['payout_batch.id'], name=op.f('fk_payout_item_batch_id_payout_batch')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], name=op.f('fk_payout_item_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['farmer_id'], ['user_account.id'], name=op.f('fk_payout_item_farmer_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_item')),
    sa.UniqueConstraint('batch_id', 'farmer_id', name='uq_payout_item_member'),
    sa.UniqueConstraint('entry_id', name=op.f('uq_payout_item_entry_id')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_payout_item_idempotency_key')),
    sa.UniqueConstraint('reference', name=op.f('uq_payout_item_reference'))
    )
    with op.batch_alter_table('payout_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payout_item_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payout_item_farmer_id'), ['farmer_id'], unique=False)

    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payout_account', sa.String(length=40), nullable=True))



def downgrade():
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_column('payout_account')

    with op.batch_alter_table('payout_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payout_item_farmer_id'))
        batch_op.drop_index(batch_op.f('ix_payout_item_batch_id'))

    op.drop_table('payout_item')
    with op.batch_alter_table('payout_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payout_batch_cooperative_id'))

    op.drop_table('payout_batch')
