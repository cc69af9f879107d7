"""Second-round rebates: a processor's pool for a season, shared by settled kg per contract and co-op, and
billed to each co-op for its members' shares (an invoice now bills a settlement run or a rebate).

Reviewed by hand: one rebate per processor and season; one share per contract
and co-op in a rebate; an invoice's run becomes optional.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rebate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('processor_id', sa.Integer(), nullable=False),
    sa.Column('season', sa.Integer(), nullable=False),
    sa.Column('pool_fen', sa.BigInteger(), nullable=False),
    sa.Column('declared_by_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('pool_fen > 0', name=op.f('ck_rebate_pool_positive')),
    sa.ForeignKeyConstraint(['declared_by_id'], ['user_account.id'], name=op.f('fk_rebate_declared_by_id_user_account')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], name=op.f('fk_rebate_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['processor_id'], ['processor.id'], name=op.f('fk_rebate_processor_id_processor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rebate')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_rebate_entry_id')),
    sa.UniqueConstraint('processor_id', 'season', name='uq_rebate_season')
    )
    with op.batch_alter_table('rebate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rebate_processor_id'), ['processor_id'], unique=False)

    op.create_table('rebate_share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rebate_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('farmer_id', sa.Integer(), nullable=False),
    sa.Column('grams', sa.BigInteger(), nullable=False),
    sa.Column('share_fen', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_rebate_share_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['farmer_id'], ['user_account.id'], name=op.f('fk_rebate_share_farmer_id_user_account')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_rebate_share_proposal_id_proposal')),
    sa.ForeignKeyConstraint(['rebate_id'], ['rebate.id'], name=op.f('fk_rebate_share_rebate_id_rebate')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rebate_share')),
    sa.UniqueConstraint('rebate_id', 'proposal_id', 'cooperative_id', name='uq_rebate_share_contract')
    )
    with op.batch_alter_table('rebate_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rebate_share_farmer_id'), ['farmer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rebate_share_rebate_id'), ['rebate_id'], unique=False)

    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rebate_id', sa.Integer(), nullable=True))
        batch_op.alter_column('run_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_invoice_rebate_id'), ['rebate_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_invoice_rebate_id_rebate'), 'rebate', ['rebate_id'], ['id'])



def downgrade():
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invoice_rebate_id_rebate'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_invoice_rebate_id'))
        batch_op.alter_column('run_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('rebate_id')

    with op.batch_alter_table('rebate_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rebate_share_rebate_id'))
        batch_op.drop_index(batch_op.f('ix_rebate_share_farmer_id'))

    op.drop_table('rebate_share')
    with op.batch_alter_table('rebate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rebate_processor_id'))

    op.drop_table('rebate')
