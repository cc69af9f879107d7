"""One-time form tokens: a replayed or double-clicked form is saved once.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "used_form_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_used_form_token_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_used_form_token")),
        sa.UniqueConstraint("token", name=op.f("uq_used_form_token_token")),
    )
    with op.batch_alter_table("used_form_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_used_form_token_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("used_form_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_used_form_token_user_id"))
    op.drop_table("used_form_token")
