"""The co-op's year-end surplus distributions (one per co-op and year) and each member's share.

Reviewed by hand: the share returned by volume is at least 60 % (the law,
checked in the database too); the surplus equals losses, reserve and the
distributable part; one share per member per distribution.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('surplus_distribution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('surplus_fen', sa.BigInteger(), nullable=False),
    sa.Column('losses_fen', sa.BigInteger(), nullable=False),
    sa.Column('reserve_bp', sa.Integer(), nullable=False),
    sa.Column('volume_bp', sa.Integer(), nullable=False),
    sa.Column('subsidy_assets_fen', sa.BigInteger(), nullable=False),
    sa.Column('reserve_fen', sa.BigInteger(), nullable=False),
    sa.Column('distributable_fen', sa.BigInteger(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('posted_by_id', sa.Integer(), nullable=False),
    sa.Column('posted_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('surplus_fen = losses_fen + reserve_fen + distributable_fen', name=op.f('ck_surplus_distribution_parts_add_up')),
    sa.CheckConstraint('volume_bp >= 6000 AND volume_bp <= 10000', name=op.f('ck_surplus_distribution_volume_share_by_law')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_surplus_distribution_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], name=op.f('fk_surplus_distribution_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user_account.id'], name=op.f('fk_surplus_distribution_posted_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surplus_distribution')),
    sa.UniqueConstraint('cooperative_id', 'year', name='uq_surplus_distribution_year'),
    sa.UniqueConstraint('entry_id', name=op.f('uq_surplus_distribution_entry_id'))
    )
    with op.batch_alter_table('surplus_distribution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surplus_distribution_cooperative_id'), ['cooperative_id'], unique=False)

    op.create_table('surplus_share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('distribution_id', sa.Integer(), nullable=False),
    sa.Column('farmer_id', sa.Integer(), nullable=False),
    sa.Column('volume_fen', sa.BigInteger(), nullable=False),
    sa.Column('contribution_fen', sa.BigInteger(), nullable=False),
    sa.Column('reserve_share_fen', sa.BigInteger(), nullable=False),
    sa.Column('reserve_fen', sa.BigInteger(), nullable=False),
    sa.Column('by_volume_fen', sa.BigInteger(), nullable=False),
    sa.Column('by_capital_fen', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['distribution_id'], ['surplus_distribution.id'], name=op.f('fk_surplus_share_distribution_id_surplus_distribution')),
    sa.ForeignKeyConstraint(['farmer_id'], ['user_account.id'], name=op.f('fk_surplus_share_farmer_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surplus_share')),
    sa.UniqueConstraint('distribution_id', 'farmer_id', name='uq_surplus_share_member')
    )
    with op.batch_alter_table('surplus_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surplus_share_distribution_id'), ['distribution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_surplus_share_farmer_id'), ['farmer_id'], unique=False)



def downgrade():
    with op.batch_alter_table('surplus_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surplus_share_farmer_id'))
        batch_op.drop_index(batch_op.f('ix_surplus_share_distribution_id'))

    op.drop_table('surplus_share')
    with op.batch_alter_table('surplus_distribution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surplus_distribution_cooperative_id'))

    op.drop_table('surplus_distribution')
