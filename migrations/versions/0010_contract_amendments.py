"""Contract amendments (a later version points at the one it amends, which becomes superseded) and
cancellation by agreement (one party asks, the other agrees).

Reviewed by hand: the status check gains 'superseded'; who asked to cancel is
checked in the database; batch mode so SQLite rebuilds the table.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

OLD_STATUSES = ("status IN ('draft', 'awaiting_signatures', 'active', 'in_delivery', 'fulfilled', "
                "'short_delivered', 'breached', 'cancelled')")
NEW_STATUSES = ("status IN ('draft', 'awaiting_signatures', 'active', 'in_delivery', 'fulfilled', "
                "'short_delivered', 'breached', 'cancelled', 'superseded')")


def upgrade():
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancel_requested_by', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('cancel_requested_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('amends_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_contract_amends_id'), ['amends_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_contract_amends_id_contract'), 'contract', ['amends_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_contract_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_contract_status'), NEW_STATUSES)
        batch_op.create_check_constraint(
            batch_op.f('ck_contract_cancel_requested_by'), "cancel_requested_by IS NULL OR cancel_requested_by IN ('farmer', 'processor')")


def downgrade():
    op.execute("UPDATE contract SET status = 'cancelled' WHERE status = 'superseded'")
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_contract_cancel_requested_by'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_contract_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_contract_status'), OLD_STATUSES)
        batch_op.drop_constraint(batch_op.f('fk_contract_amends_id_contract'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_contract_amends_id'))
        batch_op.drop_column('amends_id')
        batch_op.drop_column('cancel_requested_at')
        batch_op.drop_column('cancel_requested_by')
