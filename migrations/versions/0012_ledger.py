"""The double-entry ledger: accounts with cached balances, journal entries under unique idempotency keys,
postings.

Reviewed by hand: one account per (kind, owner) with owner 0 for the
marketplace's own; a posting is never zero and appears once per account in an
entry; a reversal reverses one entry only. On PostgreSQL a deferred constraint
trigger refuses any entry whose postings do not sum to zero, and entries and
postings cannot be updated or deleted.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

BALANCES = """
CREATE FUNCTION ledger_entry_balances() RETURNS trigger AS $$
DECLARE entry integer := COALESCE(NEW.entry_id, OLD.entry_id);
BEGIN
    IF (SELECT COALESCE(SUM(amount_fen), 0) FROM posting WHERE entry_id = entry) <> 0 THEN
        RAISE EXCEPTION 'journal entry % does not balance', entry USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql
"""
APPEND_ONLY = """
CREATE FUNCTION ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: post a reversing entry instead' USING ERRCODE = 'check_violation';
END $$ LANGUAGE plpgsql
"""


def upgrade():
    op.create_table('ledger_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('balance_fen', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_account')),
    sa.UniqueConstraint('kind', 'owner_id', name='uq_ledger_account_kind_owner')
    )
    op.create_table('journal_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('memo', sa.String(length=200), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_journal_entry_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['reverses_id'], ['journal_entry.id'], name=op.f('fk_journal_entry_reverses_id_journal_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_entry')),
    sa.UniqueConstraint('key', name=op.f('uq_journal_entry_key')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_journal_entry_reverses_id'))
    )
    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_entry_kind'), ['kind'], unique=False)

    op.create_table('posting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('amount_fen <> 0', name=op.f('ck_posting_amount_nonzero')),
    sa.ForeignKeyConstraint(['account_id'], ['ledger_account.id'], name=op.f('fk_posting_account_id_ledger_account')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], name=op.f('fk_posting_entry_id_journal_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posting')),
    sa.UniqueConstraint('entry_id', 'account_id', name='uq_posting_entry_account')
    )
    with op.batch_alter_table('posting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posting_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posting_entry_id'), ['entry_id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute(BALANCES)
        op.execute("CREATE CONSTRAINT TRIGGER posting_balances AFTER INSERT OR UPDATE OR DELETE ON posting "
                   "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_balances()")
        op.execute(APPEND_ONLY)
        for table in ("posting", "journal_entry"):
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION ledger_append_only()")



def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in ("posting", "journal_entry"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP TRIGGER IF EXISTS posting_balances ON posting")
        op.execute("DROP FUNCTION IF EXISTS ledger_entry_balances()")
        op.execute("DROP FUNCTION IF EXISTS ledger_append_only()")
    with op.batch_alter_table('posting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_posting_entry_id'))
        batch_op.drop_index(batch_op.f('ix_posting_account_id'))

    op.drop_table('posting')
    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_entry_kind'))

    op.drop_table('journal_entry')
    op.drop_table('ledger_account')
