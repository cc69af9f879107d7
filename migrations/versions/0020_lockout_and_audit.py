"""Accounts lock after wrong passwords and their sessions can be ended on the server; the action record keeps
the state before and after each act and can only be added to.

Reviewed by hand: existing users start with no failures, unlocked, and an empty
session token (their current sessions end once, at the upgrade, because a
session now names the token); the triggers refuse UPDATE and DELETE on
action_record on both PostgreSQL and SQLite, and downgrade drops them first.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

PG_FUNCTION = """
CREATE FUNCTION action_record_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'action_record is append-only';
END;
$$ LANGUAGE plpgsql
"""


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('session_token', sa.String(length=32), server_default='', nullable=False))

    with op.batch_alter_table('action_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('before', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('after', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_action_record_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_record_detail'), ['detail'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PG_FUNCTION)
        op.execute("CREATE TRIGGER action_record_append_only BEFORE UPDATE OR DELETE ON action_record "
                   "FOR EACH ROW EXECUTE FUNCTION action_record_append_only()")
    else:
        for verb in ('UPDATE', 'DELETE'):
            op.execute(f"CREATE TRIGGER action_record_no_{verb.lower()} BEFORE {verb} ON action_record "
                       "BEGIN SELECT RAISE(ABORT, 'action_record is append-only'); END")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER action_record_append_only ON action_record")
        op.execute("DROP FUNCTION action_record_append_only()")
    else:
        for verb in ('update', 'delete'):
            op.execute(f"DROP TRIGGER action_record_no_{verb}")

    with op.batch_alter_table('action_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_record_detail'))
        batch_op.drop_index(batch_op.f('ix_action_record_action'))
        batch_op.drop_column('after')
        batch_op.drop_column('before')

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_token')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
