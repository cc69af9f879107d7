"""The two safflower products and their grades, as editable data.

Safflower filaments (红花丝, picked June–July; 一等 / 二等 / 统货; standard
moisture 13 %, impurity 2 %) and safflower seed (红花籽, August–September;
moisture 8 %, impurity 4 %). An admin edits these or adds products in the
product pages; this only gives a new database the crop it exists for.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

product = sa.table(
    "product", sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("names", sa.JSON),
    sa.column("typical_yield_kg_per_mu", sa.Numeric), sa.column("std_moisture_pct", sa.Numeric),
    sa.column("std_impurity_pct", sa.Numeric), sa.column("reject_moisture_pct", sa.Numeric),
    sa.column("reject_impurity_pct", sa.Numeric), sa.column("harvest_start_month", sa.Integer),
    sa.column("harvest_end_month", sa.Integer), sa.column("active", sa.Boolean),
)
grade = sa.table("grade", sa.column("product_id", sa.Integer), sa.column("rank", sa.Integer),
                 sa.column("names", sa.JSON))

PRODUCTS = [
    {
        "code": "safflower_filament",
        "names": {"zh_Hans": "红花丝", "ug": "ماخسار گۈلى", "kk_Arab": "ماقسارى گۇلى", "kk_Cyrl": "Мақсары гүлі",
                  "en": "Safflower filaments"},
        "typical_yield_kg_per_mu": 15, "std_moisture_pct": 13, "std_impurity_pct": 2,
        "reject_moisture_pct": 20, "reject_impurity_pct": 8, "harvest_start_month": 6, "harvest_end_month": 7,
        "grades": [
            {"zh_Hans": "一等", "ug": "1-دەرىجە", "kk_Arab": "1-سۇرىپ", "kk_Cyrl": "1-сұрып", "en": "Grade 1"},
            {"zh_Hans": "二等", "ug": "2-دەرىجە", "kk_Arab": "2-سۇرىپ", "kk_Cyrl": "2-сұрып", "en": "Grade 2"},
            {"zh_Hans": "统货", "ug": "ئارىلاش مال", "kk_Arab": "ارالاس ونىم", "kk_Cyrl": "Аралас өнім",
             "en": "Ungraded (run of crop)"},
        ],
    },
    {
        "code": "safflower_seed",
        "names": {"zh_Hans": "红花籽", "ug": "ماخسار ئۇرۇقى", "kk_Arab": "ماقسارى تۇقىمى", "kk_Cyrl": "Мақсары тұқымы",
                  "en": "Safflower seed"},
        "typical_yield_kg_per_mu": 113, "std_moisture_pct": 8, "std_impurity_pct": 4,
        "reject_moisture_pct": 15, "reject_impurity_pct": 10, "harvest_start_month": 8, "harvest_end_month": 9,
        "grades": [
            {"zh_Hans": "一等", "ug": "1-دەرىجە", "kk_Arab": "1-سۇرىپ", "kk_Cyrl": "1-сұрып", "en": "Grade 1"},
            {"zh_Hans": "二等", "ug": "2-دەرىجە", "kk_Arab": "2-سۇرىپ", "kk_Cyrl": "2-сұрып", "en": "Grade 2"},
        ],
    },
]


def upgrade():
    conn = op.get_bind()
    for p in PRODUCTS:
        values = {k: v for k, v in p.items() if k != "grades"}
        product_id = conn.execute(product.insert().values(active=True, **values).returning(product.c.id)).scalar_one()
        for rank, names in enumerate(p["grades"], start=1):
            conn.execute(grade.insert().values(product_id=product_id, rank=rank, names=names))


def downgrade():
    conn = op.get_bind()
    ids = [r[0] for r in conn.execute(sa.select(product.c.id).where(product.c.code.in_([p["code"] for p in PRODUCTS])))]
    if ids:
        conn.execute(grade.delete().where(grade.c.product_id.in_(ids)))
        conn.execute(product.delete().where(product.c.id.in_(ids)))
