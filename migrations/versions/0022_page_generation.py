"""The page cache's invalidation counters: one row per scope whose pages a change may alter.

Reviewed by hand: one new table, no data changes; an empty table means every counter is 0.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'page_generation',
        sa.Column('scope', sa.String(length=40), nullable=False),
        sa.Column('generation', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('scope', name=op.f('pk_page_generation')),
    )


def downgrade():
    op.drop_table('page_generation')
