"""People and organisations: users, farmer profiles, co-operatives, members, processors.

Also the reference tables (counties, townships) and the record of acts.
Reviewed by hand: constraint names follow the naming convention of
marketplace/models/base.py, money is BIGINT fen, role and status are
checked in the database.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('county',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_county')),
    sa.UniqueConstraint('code', name=op.f('uq_county_code'))
    )
    op.create_table('cooperative',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('registration_no', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['county.id'], name=op.f('fk_cooperative_county_id_county')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cooperative')),
    sa.UniqueConstraint('registration_no', name=op.f('uq_cooperative_registration_no'))
    )
    op.create_table('processor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_name', sa.String(length=120), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('contact_name', sa.String(length=80), nullable=False),
    sa.Column('contact_phone', sa.String(length=16), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['county.id'], name=op.f('fk_processor_county_id_county')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_processor')),
    sa.UniqueConstraint('uscc', name=op.f('uq_processor_uscc'))
    )
    op.create_table('township',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('villages', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['county.id'], name=op.f('fk_township_county_id_county')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_township')),
    sa.UniqueConstraint('code', name=op.f('uq_township_code'))
    )
    with op.batch_alter_table('township', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_township_county_id'), ['county_id'], unique=False)

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('phone', sa.String(length=16), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('processor_id', sa.Integer(), nullable=True),
    sa.Column('cooperative_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("role IN ('farmer', 'coop_manager', 'processor', 'admin')", name=op.f('ck_user_account_role')),
    sa.CheckConstraint("status IN ('active', 'pending', 'rejected', 'disabled')", name=op.f('ck_user_account_status')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_user_account_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_user_account_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['processor_id'], ['processor.id'], name=op.f('fk_user_account_processor_id_processor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('email', name=op.f('uq_user_account_email')),
    sa.UniqueConstraint('phone', name=op.f('uq_user_account_phone'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_cooperative_id'), ['cooperative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_account_processor_id'), ['processor_id'], unique=False)

    op.create_table('action_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('on_behalf_of_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('detail', sa.String(length=200), nullable=False),
    sa.Column('ip_address', sa.String(length=45), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_action_record_actor_id_user_account')),
    sa.ForeignKeyConstraint(['on_behalf_of_id'], ['user_account.id'], name=op.f('fk_action_record_on_behalf_of_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_record'))
    )
    with op.batch_alter_table('action_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_record_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_record_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_record_on_behalf_of_id'), ['on_behalf_of_id'], unique=False)

    op.create_table('farmer_profile',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('village', sa.String(length=60), nullable=False),
    sa.Column('farm_area_mu', sa.Numeric(precision=9, scale=1), nullable=False),
    sa.Column('managed_by_coop_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('farm_area_mu > 0', name=op.f('ck_farmer_profile_farm_area_positive')),
    sa.ForeignKeyConstraint(['county_id'], ['county.id'], name=op.f('fk_farmer_profile_county_id_county')),
    sa.ForeignKeyConstraint(['managed_by_coop_id'], ['cooperative.id'], name=op.f('fk_farmer_profile_managed_by_coop_id_cooperative')),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_farmer_profile_township_id_township')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_farmer_profile_user_id_user_account')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_farmer_profile'))
    )
    with op.batch_alter_table('farmer_profile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_farmer_profile_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_farmer_profile_township_id'), ['township_id'], unique=False)

    op.create_table('membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('farmer_id', sa.Integer(), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('capital_fen', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('capital_fen >= 0', name=op.f('ck_membership_capital_not_negative')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_membership_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['farmer_id'], ['user_account.id'], name=op.f('fk_membership_farmer_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership')),
    sa.UniqueConstraint('cooperative_id', 'farmer_id', name='uq_membership_coop_farmer')
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_cooperative_id'), ['cooperative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_farmer_id'), ['farmer_id'], unique=False)



def downgrade():
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_farmer_id'))
        batch_op.drop_index(batch_op.f('ix_membership_cooperative_id'))

    op.drop_table('membership')
    with op.batch_alter_table('farmer_profile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_farmer_profile_township_id'))
        batch_op.drop_index(batch_op.f('ix_farmer_profile_county_id'))

    op.drop_table('farmer_profile')
    with op.batch_alter_table('action_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_record_on_behalf_of_id'))
        batch_op.drop_index(batch_op.f('ix_action_record_created_at'))
        batch_op.drop_index(batch_op.f('ix_action_record_actor_id'))

    op.drop_table('action_record')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_processor_id'))
        batch_op.drop_index(batch_op.f('ix_user_account_cooperative_id'))

    op.drop_table('user_account')
    with op.batch_alter_table('township', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_township_county_id'))

    op.drop_table('township')
    op.drop_table('processor')
    op.drop_table('cooperative')
    op.drop_table('county')
