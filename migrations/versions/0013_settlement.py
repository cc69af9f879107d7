"""Settlement: advances under a contract, settlement runs with one line per delivery (ever), processor invoices.

Reviewed by hand: a delivery is settled once (unique delivery id on its line);
a line's gross equals its fee, levy, advances recovered and net; every
advance and line points at the one journal entry that moved its money.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('settlement_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('posted_by_id', sa.Integer(), nullable=False),
    sa.Column('posted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_settlement_run_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user_account.id'], name=op.f('fk_settlement_run_posted_by_id_user_account')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_settlement_run_proposal_id_proposal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_run'))
    )
    with op.batch_alter_table('settlement_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_run_cooperative_id'), ['cooperative_id'], unique=False)

    op.create_table('advance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('farmer_id', sa.Integer(), nullable=False),
    sa.Column('processor_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('seed', 'fertiliser', 'cash')", name=op.f('ck_advance_kind')),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_advance_amount_positive')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_advance_contract_id_contract')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], name=op.f('fk_advance_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['farmer_id'], ['user_account.id'], name=op.f('fk_advance_farmer_id_user_account')),
    sa.ForeignKeyConstraint(['processor_id'], ['processor.id'], name=op.f('fk_advance_processor_id_processor')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_advance_proposal_id_proposal')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_advance_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advance')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_advance_entry_id'))
    )
    with op.batch_alter_table('advance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advance_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_advance_farmer_id'), ['farmer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_advance_processor_id'), ['processor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_advance_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('processor_id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('paid_fen', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('open', 'paid')", name=op.f('ck_invoice_status')),
    sa.CheckConstraint('amount_fen >= 0', name=op.f('ck_invoice_amount_not_negative')),
    sa.CheckConstraint('paid_fen >= 0', name=op.f('ck_invoice_paid_not_negative')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_invoice_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['processor_id'], ['processor.id'], name=op.f('fk_invoice_processor_id_processor')),
    sa.ForeignKeyConstraint(['run_id'], ['settlement_run.id'], name=op.f('fk_invoice_run_id_settlement_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice'))
    )
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_cooperative_id'), ['cooperative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_processor_id'), ['processor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_run_id'), ['run_id'], unique=False)

    op.create_table('settlement_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('farmer_id', sa.Integer(), nullable=False),
    sa.Column('processor_id', sa.Integer(), nullable=False),
    sa.Column('price_fen_per_kg', sa.BigInteger(), nullable=True),
    sa.Column('market_fen_per_kg', sa.BigInteger(), nullable=True),
    sa.Column('gross_fen', sa.BigInteger(), nullable=False),
    sa.Column('coop_fee_fen', sa.BigInteger(), nullable=False),
    sa.Column('risk_levy_fen', sa.BigInteger(), nullable=False),
    sa.Column('advances_recovered_fen', sa.BigInteger(), nullable=False),
    sa.Column('net_fen', sa.BigInteger(), nullable=False),
    sa.Column('lines', sa.JSON(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('gross_fen = coop_fee_fen + risk_levy_fen + advances_recovered_fen + net_fen', name=op.f('ck_settlement_line_parts_add_up')),
    sa.CheckConstraint('net_fen >= 0', name=op.f('ck_settlement_line_net_not_negative')),
    sa.ForeignKeyConstraint(['delivery_id'], ['delivery.id'], name=op.f('fk_settlement_line_delivery_id_delivery')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], name=op.f('fk_settlement_line_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['farmer_id'], ['user_account.id'], name=op.f('fk_settlement_line_farmer_id_user_account')),
    sa.ForeignKeyConstraint(['processor_id'], ['processor.id'], name=op.f('fk_settlement_line_processor_id_processor')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_settlement_line_proposal_id_proposal')),
    sa.ForeignKeyConstraint(['run_id'], ['settlement_run.id'], name=op.f('fk_settlement_line_run_id_settlement_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_line')),
    sa.UniqueConstraint('delivery_id', name=op.f('uq_settlement_line_delivery_id')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_settlement_line_entry_id'))
    )
    with op.batch_alter_table('settlement_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_line_farmer_id'), ['farmer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_settlement_line_processor_id'), ['processor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_settlement_line_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_settlement_line_run_id'), ['run_id'], unique=False)



def downgrade():
    with op.batch_alter_table('settlement_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settlement_line_run_id'))
        batch_op.drop_index(batch_op.f('ix_settlement_line_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_settlement_line_processor_id'))
        batch_op.drop_index(batch_op.f('ix_settlement_line_farmer_id'))

    op.drop_table('settlement_line')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_run_id'))
        batch_op.drop_index(batch_op.f('ix_invoice_processor_id'))
        batch_op.drop_index(batch_op.f('ix_invoice_cooperative_id'))

    op.drop_table('invoice')
    with op.batch_alter_table('advance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advance_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_advance_processor_id'))
        batch_op.drop_index(batch_op.f('ix_advance_farmer_id'))
        batch_op.drop_index(batch_op.f('ix_advance_contract_id'))

    op.drop_table('advance')
    with op.batch_alter_table('settlement_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settlement_run_cooperative_id'))

    op.drop_table('settlement_run')
