"""Routes of the deliveries area: the farmer, the recording co-op's managers and the processor; the public trace.

{delivery} is a disputed delivery under the world's active contract; {lot} is its lot code. The POSTs carry
no reason or numbers, so an allowed role gets 400 (or 404 when it is not their part to answer) and nothing
changes.
"""
from marketplace.web.access import PUBLIC

SIDES = {"farmer", "coop_manager", "processor"}

#: A co-op manager answers for a member only when the member has no phone; the world's farmer has one.
FARMER_ANSWERS = {"coop_manager": 404}

# endpoint -> (method, url template, who may use it[, role -> status on this object])
ROUTES = {
    "deliveries.list_deliveries": ("GET", "/deliveries/", SIDES),
    "deliveries.show_shortfalls": ("GET", "/deliveries/shortfalls", {"coop_manager", "processor"}),
    "deliveries.find_contract": ("GET", "/deliveries/new?q=x", {"coop_manager"}),
    "deliveries.record": ("GET", "/deliveries/new/{contract}", {"coop_manager"}),
    "deliveries.show_delivery": ("GET", "/deliveries/{delivery}", SIDES),
    "deliveries.confirm": ("POST", "/deliveries/{delivery}/confirm", {"farmer", "coop_manager"}, FARMER_ANSWERS),
    "deliveries.dispute": ("POST", "/deliveries/{delivery}/dispute", {"farmer", "coop_manager"}, FARMER_ANSWERS),
    "deliveries.reject": ("POST", "/deliveries/{delivery}/reject-dispute", {"coop_manager", "processor"}),
    "deliveries.correct": ("GET", "/deliveries/{delivery}/correct", {"coop_manager", "processor"}),
    "deliveries.label": ("GET", "/deliveries/{delivery}/label", {"coop_manager", "processor"}),
    "deliveries.trace_form": ("GET", "/trace", PUBLIC),
    "deliveries.trace_code": ("GET", "/trace/{lot}", PUBLIC),
}
