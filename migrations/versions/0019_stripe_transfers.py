"""Payouts by Stripe Connect transfer: a member's connected account; per payout item the try number behind the
Stripe idempotency key, the transfer id, the entry recording it and the last error; 'stripe' as a method.

Reviewed by hand: a transfer id and its entry are each unique, so no transfer
is recorded twice; existing items keep attempt 0; the method check is replaced
(batch mode rebuilds the table on SQLite).

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stripe_account', sa.String(length=40), nullable=True))

    with op.batch_alter_table('payout_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempt', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('transfer_id', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('sent_entry_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_payout_item_transfer_id'), ['transfer_id'])
        batch_op.create_unique_constraint(batch_op.f('uq_payout_item_sent_entry_id'), ['sent_entry_id'])
        batch_op.create_foreign_key(batch_op.f('fk_payout_item_sent_entry_id_journal_entry'), 'journal_entry',
                                    ['sent_entry_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_payout_item_method'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_payout_item_method'), "method IN ('bank', 'cash', 'stripe')")
        batch_op.create_check_constraint(batch_op.f('ck_payout_item_attempt'), 'attempt >= 0')


def downgrade():
    with op.batch_alter_table('payout_item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_payout_item_attempt'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_payout_item_method'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_payout_item_method'), "method IN ('bank', 'cash')")
        batch_op.drop_constraint(batch_op.f('fk_payout_item_sent_entry_id_journal_entry'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_payout_item_sent_entry_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_payout_item_transfer_id'), type_='unique')
        batch_op.drop_column('last_error')
        batch_op.drop_column('sent_entry_id')
        batch_op.drop_column('transfer_id')
        batch_op.drop_column('attempt')

    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_column('stripe_account')
