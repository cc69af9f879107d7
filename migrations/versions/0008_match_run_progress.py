"""Matching runs show their progress: a phase, and the error of a failed run.

Existing runs were synchronous and finished, so their phase is "done".

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("match_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phase", sa.String(length=20), nullable=False, server_default="done"))
        batch_op.add_column(sa.Column("error", sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table("match_run", schema=None) as batch_op:
        batch_op.drop_column("error")
        batch_op.drop_column("phase")
