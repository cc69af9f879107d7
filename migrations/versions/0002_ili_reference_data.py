"""Reference data: the Ili valley counties and the safflower townships.

Loaded from marketplace/data/ili_reference.json as it stands at this
revision; a later change to that file comes with its own migration.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""
import json
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DATA = Path(__file__).resolve().parents[2] / "marketplace" / "data" / "ili_reference.json"

county = sa.table(
    "county", sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("lat", sa.Float),
    sa.column("lon", sa.Float), sa.column("names", sa.JSON),
)
township = sa.table(
    "township", sa.column("county_id", sa.Integer), sa.column("code", sa.String), sa.column("lat", sa.Float),
    sa.column("lon", sa.Float), sa.column("names", sa.JSON), sa.column("villages", sa.JSON),
)


def upgrade():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    conn = op.get_bind()
    for c in data["counties"]:
        county_id = conn.execute(
            county.insert().values(code=c["code"], lat=c["lat"], lon=c["lon"], names=c["names"]).returning(county.c.id)
        ).scalar_one()
        for t in c.get("townships", []):
            conn.execute(township.insert().values(
                county_id=county_id, code=t["code"], lat=t["lat"], lon=t["lon"], names=t["names"],
                villages=t.get("villages", {}).get("zh_Hans", []),
            ))


def downgrade():
    op.execute(township.delete())
    op.execute(county.delete())
