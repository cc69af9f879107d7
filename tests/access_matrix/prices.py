"""Routes of the market price index: read by everyone logged in, recorded by admins and co-op managers."""
from marketplace.web.access import LOGGED_IN

# endpoint -> (method, url template, who may use it)
ROUTES = {
    "prices.list_prices": ("GET", "/prices/", LOGGED_IN),
    "prices.record_price": ("GET", "/prices/new", {"admin", "coop_manager"}),
}
