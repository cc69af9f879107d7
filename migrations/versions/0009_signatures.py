"""Contract signatures (one per party, with the fingerprint signed, where from, and a member's consent),
and the reason a contract was cancelled.

Reviewed by hand: one signature per (contract, party); party and consent method
checked in the database.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('signature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('party', sa.String(length=10), nullable=False),
    sa.Column('signed_by_id', sa.Integer(), nullable=False),
    sa.Column('on_behalf_of_id', sa.Integer(), nullable=True),
    sa.Column('consent_method', sa.String(length=24), nullable=False),
    sa.Column('witness', sa.String(length=80), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('ip_address', sa.String(length=45), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("consent_method IN ('self', 'in_person_thumbprint', 'phone_witness')", name=op.f('ck_signature_consent_method')),
    sa.CheckConstraint("party IN ('farmer', 'processor')", name=op.f('ck_signature_party')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_signature_contract_id_contract')),
    sa.ForeignKeyConstraint(['on_behalf_of_id'], ['user_account.id'], name=op.f('fk_signature_on_behalf_of_id_user_account')),
    sa.ForeignKeyConstraint(['signed_by_id'], ['user_account.id'], name=op.f('fk_signature_signed_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signature')),
    sa.UniqueConstraint('contract_id', 'party', name='uq_signature_contract_party')
    )
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signature_contract_id'), ['contract_id'], unique=False)

    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancel_reason', sa.String(length=300), nullable=True))



def downgrade():
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_column('cancel_reason')

    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signature_contract_id'))

    op.drop_table('signature')
