"""Stripe: the PaymentIntents made for invoices, and webhook events recorded once by their id.

Reviewed by hand: an intent id and an event id are each unique, so a webhook
received twice (or twice at once) has its effect once.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stripe_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=80), nullable=False),
    sa.Column('type', sa.String(length=80), nullable=False),
    sa.Column('object_id', sa.String(length=80), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stripe_event')),
    sa.UniqueConstraint('event_id', name=op.f('uq_stripe_event_event_id'))
    )
    with op.batch_alter_table('stripe_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stripe_event_object_id'), ['object_id'], unique=False)

    op.create_table('stripe_intent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('intent_id', sa.String(length=80), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_stripe_intent_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_stripe_intent_invoice_id_invoice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stripe_intent')),
    sa.UniqueConstraint('intent_id', name=op.f('uq_stripe_intent_intent_id'))
    )
    with op.batch_alter_table('stripe_intent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stripe_intent_invoice_id'), ['invoice_id'], unique=False)



def downgrade():
    with op.batch_alter_table('stripe_intent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stripe_intent_invoice_id'))

    op.drop_table('stripe_intent')
    with op.batch_alter_table('stripe_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stripe_event_object_id'))

    op.drop_table('stripe_event')
