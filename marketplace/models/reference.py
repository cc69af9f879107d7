"""Reference data of the Ili valley: counties and safflower townships.

Names are data in all five catalog locales (`names` maps a locale folder
name to the name), so a county added later needs no code change.
"""
from sqlalchemy import JSON, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base


class County(Base):
    __tablename__ = "county"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    #: {"zh_Hans": "伊宁市", "ug": ..., "kk_Arab": ..., "kk_Cyrl": ..., "en": ...}
    names: Mapped[dict] = mapped_column(JSON)

    townships: Mapped[list["Township"]] = relationship(
        back_populates="county", order_by="Township.code"
    )


class Township(Base):
    __tablename__ = "township"

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    names: Mapped[dict] = mapped_column(JSON)
    #: Known village names, offered as suggestions (a farmer may type another).
    villages: Mapped[list] = mapped_column(JSON, default=list)

    county: Mapped[County] = relationship(back_populates="townships")
