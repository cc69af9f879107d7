"""Listings: products and grades, expected harvests, contract orders, the market price index.

Reviewed by hand: prices and advances are BIGINT fen, rates are integer
basis points with CHECKs, statuses and term types are checked in the
database, windows cannot run backwards.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('product',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('typical_yield_kg_per_mu', sa.Numeric(precision=8, scale=1), nullable=False),
    sa.Column('std_moisture_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('std_impurity_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('reject_moisture_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('reject_impurity_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('harvest_start_month', sa.SmallInteger(), nullable=False),
    sa.Column('harvest_end_month', sa.SmallInteger(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('harvest_start_month BETWEEN 1 AND 12 AND harvest_end_month BETWEEN 1 AND 12', name=op.f('ck_product_months')),
    sa.CheckConstraint('reject_impurity_pct > std_impurity_pct AND reject_impurity_pct <= 100', name=op.f('ck_product_reject_impurity_range')),
    sa.CheckConstraint('reject_moisture_pct > std_moisture_pct AND reject_moisture_pct <= 100', name=op.f('ck_product_reject_moisture_range')),
    sa.CheckConstraint('std_impurity_pct >= 0 AND std_impurity_pct < 100', name=op.f('ck_product_std_impurity_range')),
    sa.CheckConstraint('std_moisture_pct >= 0 AND std_moisture_pct < 100', name=op.f('ck_product_std_moisture_range')),
    sa.CheckConstraint('typical_yield_kg_per_mu > 0', name=op.f('ck_product_yield_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product')),
    sa.UniqueConstraint('code', name=op.f('uq_product_code'))
    )
    op.create_table('grade',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.SmallInteger(), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.CheckConstraint('rank >= 1 AND rank <= 20', name=op.f('ck_grade_rank_range')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_grade_product_id_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grade')),
    sa.UniqueConstraint('product_id', 'rank', name='uq_grade_product_rank')
    )
    with op.batch_alter_table('grade', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grade_product_id'), ['product_id'], unique=False)

    op.create_table('contract_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('processor_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('kg_wanted', sa.Integer(), nullable=False),
    sa.Column('min_grade_id', sa.Integer(), nullable=False),
    sa.Column('delivery_start', sa.Date(), nullable=False),
    sa.Column('delivery_end', sa.Date(), nullable=False),
    sa.Column('collection_county_id', sa.Integer(), nullable=False),
    sa.Column('collection_point', sa.String(length=120), nullable=False),
    sa.Column('collection_lat', sa.Float(), nullable=False),
    sa.Column('collection_lon', sa.Float(), nullable=False),
    sa.Column('max_suppliers', sa.Integer(), nullable=True),
    sa.Column('min_alloc_kg', sa.Integer(), nullable=False),
    sa.Column('term_type', sa.String(length=20), nullable=False),
    sa.Column('terms', sa.JSON(), nullable=False),
    sa.Column('advance_seed_fen_per_mu', sa.BigInteger(), nullable=False),
    sa.Column('advance_fertiliser_fen_per_mu', sa.BigInteger(), nullable=False),
    sa.Column('advance_cash_fen_per_mu', sa.BigInteger(), nullable=False),
    sa.Column('coop_fee_bp', sa.Integer(), nullable=False),
    sa.Column('risk_levy_bp', sa.Integer(), nullable=False),
    sa.Column('short_delivery_penalty_bp', sa.Integer(), nullable=False),
    sa.Column('refusal_penalty_bp', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('close_reason', sa.String(length=300), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'open', 'partly_matched', 'filled', 'closed')", name=op.f('ck_contract_order_status')),
    sa.CheckConstraint("term_type IN ('fixed', 'floor_market', 'floor_share', 'rebate', 'share_coop')", name=op.f('ck_contract_order_term_type')),
    sa.CheckConstraint('advance_seed_fen_per_mu >= 0 AND advance_fertiliser_fen_per_mu >= 0 AND advance_cash_fen_per_mu >= 0', name=op.f('ck_contract_order_advances_not_negative')),
    sa.CheckConstraint('coop_fee_bp + risk_levy_bp <= 10000', name=op.f('ck_contract_order_deductions_at_most_all')),
    sa.CheckConstraint('coop_fee_bp BETWEEN 0 AND 10000 AND risk_levy_bp BETWEEN 0 AND 10000', name=op.f('ck_contract_order_rates')),
    sa.CheckConstraint('delivery_end >= delivery_start', name=op.f('ck_contract_order_window_forward')),
    sa.CheckConstraint('kg_wanted > 0', name=op.f('ck_contract_order_kg_positive')),
    sa.CheckConstraint('max_suppliers IS NULL OR max_suppliers > 0', name=op.f('ck_contract_order_max_suppliers_positive')),
    sa.CheckConstraint('min_alloc_kg >= 0', name=op.f('ck_contract_order_min_alloc_not_negative')),
    sa.CheckConstraint('refusal_penalty_bp BETWEEN 0 AND 10000', name=op.f('ck_contract_order_refusal_penalty')),
    sa.CheckConstraint('short_delivery_penalty_bp BETWEEN 0 AND 10000', name=op.f('ck_contract_order_short_penalty')),
    sa.ForeignKeyConstraint(['collection_county_id'], ['county.id'], name=op.f('fk_contract_order_collection_county_id_county')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_contract_order_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['min_grade_id'], ['grade.id'], name=op.f('fk_contract_order_min_grade_id_grade')),
    sa.ForeignKeyConstraint(['processor_id'], ['processor.id'], name=op.f('fk_contract_order_processor_id_processor')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_contract_order_product_id_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_order'))
    )
    with op.batch_alter_table('contract_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_order_processor_id'), ['processor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_order_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_order_status'), ['status'], unique=False)

    op.create_table('harvest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('farmer_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('variety', sa.String(length=60), nullable=False),
    sa.Column('area_mu', sa.Numeric(precision=9, scale=1), nullable=False),
    sa.Column('expected_kg', sa.Integer(), nullable=False),
    sa.Column('grade_id', sa.Integer(), nullable=False),
    sa.Column('harvest_start', sa.Date(), nullable=False),
    sa.Column('harvest_end', sa.Date(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('village', sa.String(length=60), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('withdraw_reason', sa.String(length=300), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('open', 'partly_matched', 'contracted', 'delivered', 'withdrawn')", name=op.f('ck_harvest_status')),
    sa.CheckConstraint('area_mu > 0', name=op.f('ck_harvest_area_positive')),
    sa.CheckConstraint('expected_kg > 0', name=op.f('ck_harvest_kg_positive')),
    sa.CheckConstraint('harvest_end >= harvest_start', name=op.f('ck_harvest_window_forward')),
    sa.ForeignKeyConstraint(['county_id'], ['county.id'], name=op.f('fk_harvest_county_id_county')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_harvest_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['farmer_id'], ['user_account.id'], name=op.f('fk_harvest_farmer_id_user_account')),
    sa.ForeignKeyConstraint(['grade_id'], ['grade.id'], name=op.f('fk_harvest_grade_id_grade')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_harvest_product_id_product')),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_harvest_township_id_township')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_harvest'))
    )
    with op.batch_alter_table('harvest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_harvest_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_harvest_farmer_id'), ['farmer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_harvest_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_harvest_status'), ['status'], unique=False)

    op.create_table('price_index_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('grade_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('fen_per_kg', sa.BigInteger(), nullable=False),
    sa.Column('source_note', sa.String(length=200), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('fen_per_kg > 0', name=op.f('ck_price_index_entry_price_positive')),
    sa.ForeignKeyConstraint(['grade_id'], ['grade.id'], name=op.f('fk_price_index_entry_grade_id_grade')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_price_index_entry_product_id_product')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_price_index_entry_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_index_entry')),
    sa.UniqueConstraint('grade_id', 'on_date', name='uq_price_index_grade_date')
    )
    with op.batch_alter_table('price_index_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_index_entry_on_date'), ['on_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_price_index_entry_product_id'), ['product_id'], unique=False)



def downgrade():
    with op.batch_alter_table('price_index_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_index_entry_product_id'))
        batch_op.drop_index(batch_op.f('ix_price_index_entry_on_date'))

    op.drop_table('price_index_entry')
    with op.batch_alter_table('harvest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_harvest_status'))
        batch_op.drop_index(batch_op.f('ix_harvest_product_id'))
        batch_op.drop_index(batch_op.f('ix_harvest_farmer_id'))
        batch_op.drop_index(batch_op.f('ix_harvest_county_id'))

    op.drop_table('harvest')
    with op.batch_alter_table('contract_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_order_status'))
        batch_op.drop_index(batch_op.f('ix_contract_order_product_id'))
        batch_op.drop_index(batch_op.f('ix_contract_order_processor_id'))

    op.drop_table('contract_order')
    with op.batch_alter_table('grade', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grade_product_id'))

    op.drop_table('grade')
    op.drop_table('product')
