"""Routes of the orders area: processors post and manage orders and browse supply; farmers and co-ops browse orders.

{order} is an open order of the world's processor, {draft_order} a draft of the same processor.
"""
PROCESSOR = {"processor"}
READERS = {"farmer", "coop_manager"}
#: An open order is offered to every farmer and co-op, not only to those already dealing with the processor.
OPEN_TO_ALL = {"other_farmer": 200, "other_coop_manager": 200}

# endpoint -> (method, url template, who may use it[, role -> status on this object])
ROUTES = {
    "orders.list_orders": ("GET", "/orders/", PROCESSOR),
    "orders.export_orders": ("GET", "/orders/export.csv", PROCESSOR),
    "orders.new_order": ("GET", "/orders/new?product={product}", PROCESSOR),
    "orders.show_order": ("GET", "/orders/{order}", PROCESSOR),
    "orders.edit_order": ("GET", "/orders/{order}/edit", PROCESSOR),
    "orders.publish_order": ("POST", "/orders/{draft_order}/publish", PROCESSOR),
    "orders.close_order": ("POST", "/orders/{order}/close", PROCESSOR),
    "orders.browse_orders": ("GET", "/orders/open", READERS),
    "orders.view_order": ("GET", "/orders/{order}/view", READERS, OPEN_TO_ALL),
    "orders.browse_supply": ("GET", "/orders/supply", PROCESSOR),
    "orders.export_supply": ("GET", "/orders/supply.csv", PROCESSOR),
}
