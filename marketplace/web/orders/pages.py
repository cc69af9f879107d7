"""What the order pages show: the terms in words and the payout preview, for processors and farmers alike."""
from marketplace.domain.terms import MARKET_LINKED, PER_KG
from marketplace.i18n import local_name
from marketplace.services.orders import terms_of
from marketplace.web.orders.labels import PRICE_LABELS, SHARE_LABELS
from marketplace.web.terms_text import TERM_EXPLANATIONS, TERM_NAMES, line_text, per_kg, percent


def order_page_context(order, tables) -> dict:
    terms = terms_of(order)
    grades = [g for g in order.product.grades if g.rank <= order.min_grade.rank]
    return {
        "order": order, "terms": terms, "grades": grades, "tables": tables,
        "grade_names": {g.rank: local_name(g.names) for g in order.product.grades},
        "term_name": TERM_NAMES[order.term_type], "term_explanation": TERM_EXPLANATIONS[order.term_type],
        "price_label": PRICE_LABELS.get(order.term_type), "share_label": SHARE_LABELS.get(order.term_type),
        "per_kg_terms": order.term_type in PER_KG, "market_linked": order.term_type in MARKET_LINKED,
        "line_text": line_text, "per_kg": per_kg, "percent": percent,
    }
