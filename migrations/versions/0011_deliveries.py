"""Deliveries weighed and graded at the collection point, with the farmer's review, corrections and lot codes.

Reviewed by hand: weights in grams and percentages in basis points, checked in
the database (tare below gross, 0-100 %, settlement within the net weight, a
rejected lot has its reason); a correction points at the one record it
corrects; a lot code is unique.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('farmer_id', sa.Integer(), nullable=False),
    sa.Column('processor_id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('graded_by', sa.String(length=80), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=False),
    sa.Column('gross_grams', sa.BigInteger(), nullable=False),
    sa.Column('tare_grams', sa.BigInteger(), nullable=False),
    sa.Column('moisture_bp', sa.Integer(), nullable=False),
    sa.Column('impurity_bp', sa.Integer(), nullable=False),
    sa.Column('grade_id', sa.Integer(), nullable=False),
    sa.Column('std_moisture_bp', sa.Integer(), nullable=False),
    sa.Column('std_impurity_bp', sa.Integer(), nullable=False),
    sa.Column('reject_moisture_bp', sa.Integer(), nullable=False),
    sa.Column('reject_impurity_bp', sa.Integer(), nullable=False),
    sa.Column('net_grams', sa.BigInteger(), nullable=False),
    sa.Column('settlement_grams', sa.BigInteger(), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('rejected_reason', sa.String(length=30), nullable=True),
    sa.Column('remarks', sa.String(length=300), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('dispute_reason', sa.String(length=300), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('resolution_reason', sa.String(length=300), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('lot_code', sa.String(length=12), nullable=True),
    sa.Column('scan_count', sa.Integer(), nullable=False),
    sa.Column('confirmed_warning', sa.String(length=30), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(outcome = 'rejected') = (rejected_reason IS NOT NULL)", name=op.f('ck_delivery_rejected_has_reason')),
    sa.CheckConstraint("outcome IN ('accepted', 'rejected')", name=op.f('ck_delivery_outcome')),
    sa.CheckConstraint("state IN ('awaiting_farmer', 'confirmed', 'disputed', 'dispute_rejected', 'superseded')", name=op.f('ck_delivery_state')),
    sa.CheckConstraint('gross_grams > 0', name=op.f('ck_delivery_gross_positive')),
    sa.CheckConstraint('impurity_bp BETWEEN 0 AND 10000', name=op.f('ck_delivery_impurity_range')),
    sa.CheckConstraint('moisture_bp BETWEEN 0 AND 10000', name=op.f('ck_delivery_moisture_range')),
    sa.CheckConstraint('settlement_grams >= 0 AND settlement_grams <= gross_grams - tare_grams', name=op.f('ck_delivery_settlement_within_net')),
    sa.CheckConstraint('tare_grams >= 0 AND tare_grams < gross_grams', name=op.f('ck_delivery_tare_below_gross')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user_account.id'], name=op.f('fk_delivery_answered_by_id_user_account')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_delivery_contract_id_contract')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_delivery_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['corrects_id'], ['delivery.id'], name=op.f('fk_delivery_corrects_id_delivery')),
    sa.ForeignKeyConstraint(['farmer_id'], ['user_account.id'], name=op.f('fk_delivery_farmer_id_user_account')),
    sa.ForeignKeyConstraint(['grade_id'], ['grade.id'], name=op.f('fk_delivery_grade_id_grade')),
    sa.ForeignKeyConstraint(['processor_id'], ['processor.id'], name=op.f('fk_delivery_processor_id_processor')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_delivery_proposal_id_proposal')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_delivery_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user_account.id'], name=op.f('fk_delivery_resolved_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery')),
    sa.UniqueConstraint('corrects_id', name=op.f('uq_delivery_corrects_id')),
    sa.UniqueConstraint('lot_code', name=op.f('uq_delivery_lot_code'))
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_cooperative_id'), ['cooperative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_farmer_id'), ['farmer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_processor_id'), ['processor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_state'), ['state'], unique=False)



def downgrade():
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_state'))
        batch_op.drop_index(batch_op.f('ix_delivery_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_delivery_processor_id'))
        batch_op.drop_index(batch_op.f('ix_delivery_farmer_id'))
        batch_op.drop_index(batch_op.f('ix_delivery_cooperative_id'))
        batch_op.drop_index(batch_op.f('ix_delivery_contract_id'))

    op.drop_table('delivery')
