"""The contract as a bilingual PDF: Chinese beside the farmer's language, its fingerprint and a QR code to check it.

The terms come only from the contract's frozen terms (never from the order,
which may change later); names of products, grades and places come from the
reference rows by code. Each clause is written once per language, under that
language's locale, and the two versions are set side by side, one row a clause.
"""
from datetime import date
from decimal import Decimal

import segno
import sqlalchemy as sa
from flask import get_template_attribute, render_template
from flask_babel import force_locale
from weasyprint import HTML

from marketplace.domain.terms import MARKET_LINKED, PER_KG
from marketplace.extensions import db
from marketplace.i18n import DEFAULT_LOCALE, HTML_LANG, LOCALES, text_direction
from marketplace.models import Contract, County, Product, Signature, Township
from marketplace.web.orders.labels import PRICE_LABELS, SHARE_LABELS
from marketplace.web.terms_text import TERM_EXPLANATIONS, TERM_NAMES, per_kg, percent

#: The clauses in the order they are printed; each is a macro in contracts/_pdf_clauses.html.
CLAUSES = ("title", "farmer", "processor", "product", "delivery", "price", "advances", "deductions",
           "short_delivery", "refusal", "signatures")


def contract_languages(contract: Contract) -> list[str]:
    """Chinese, then the farmer's language when it is another."""
    farmer_locale = contract.harvest.farmer.locale
    if farmer_locale not in LOCALES or farmer_locale == DEFAULT_LOCALE:
        return [DEFAULT_LOCALE]
    return [DEFAULT_LOCALE, farmer_locale]


def contract_facts(contract: Contract) -> dict:
    """What the clauses print, in no language yet: the frozen terms and the reference rows they name."""
    terms = contract.terms
    product = db.session.scalar(sa.select(Product).where(Product.code == terms["product"]))
    grades = {g.rank: g for g in product.grades}
    price_terms = terms["price_terms"]
    kind = price_terms["type"]
    caps = {int(rank): fen for rank, fen in (price_terms.get("caps") or {}).items()}
    prices = [{"grade": grades[int(rank)], "price": fen, "cap": caps.get(int(rank))}
              for rank, fen in sorted((price_terms.get("prices") or {}).items(), key=lambda kv: int(kv[0]))]
    signed = db.session.scalars(sa.select(Signature).where(Signature.contract_id == contract.id))
    return {
        "terms": terms, "number": contract.number, "version": contract.version, "amends": contract.amends,
        "product": product, "grade": grades[terms["grade"]],
        "county": db.session.scalar(sa.select(County).where(County.code == terms["harvest"]["county"])),
        "township": db.session.scalar(sa.select(Township).where(Township.code == terms["harvest"]["township"])),
        "area_mu": Decimal(terms["harvest"]["area_tenth_mu"]) / 10,
        "delivery_start": date.fromisoformat(terms["delivery"]["start"]),
        "delivery_end": date.fromisoformat(terms["delivery"]["end"]),
        "delivery_county": db.session.scalar(sa.select(County).where(County.code == terms["delivery"]["county"])),
        "kind": kind, "price_terms": price_terms, "prices": prices,
        "per_kg_terms": kind in PER_KG, "market_linked": kind in MARKET_LINKED, "has_caps": bool(caps),
        "term_name": TERM_NAMES[kind], "term_explanation": TERM_EXPLANATIONS[kind],
        "price_label": PRICE_LABELS.get(kind), "share_label": SHARE_LABELS.get(kind),
        "advances": terms["advances_fen_per_mu"], "signatures": {s.party: s for s in signed},
        "per_kg": per_kg, "percent": percent,
    }


def fingerprint_groups(fingerprint: str) -> str:
    """The SHA-256 in groups of eight, easier to read aloud and compare."""
    return " ".join(fingerprint[i:i + 8] for i in range(0, len(fingerprint), 8))


def contract_html(contract: Contract, verify_url: str) -> str:
    """The HTML the PDF is made from. Needs an app context with a request (for the locale machinery)."""
    facts = contract_facts(contract)
    clause = get_template_attribute("contracts/_pdf_clauses.html", "clause")
    columns = []
    for loc in contract_languages(contract):
        with force_locale(loc):
            columns.append({"lang": HTML_LANG[loc], "dir": text_direction(loc),
                            "clauses": [clause(name, facts) for name in CLAUSES],
                            "fingerprint_label": clause("fingerprint_label", facts),
                            "verify_label": clause("verify_label", facts)})
    return render_template(
        "contracts/pdf.html", contract=contract, columns=columns, rows=range(len(CLAUSES)),
        fingerprint=fingerprint_groups(contract.fingerprint), verify_url=verify_url,
        qr_uri=segno.make(verify_url, error="m").svg_data_uri(scale=3),
    )


def contract_pdf(contract: Contract, verify_url: str) -> bytes:
    """The contract as an A4 PDF, Chinese beside the farmer's language; `verify_url` goes into the QR code."""
    return HTML(string=contract_html(contract, verify_url)).write_pdf()
