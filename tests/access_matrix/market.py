"""Routes of the market board: open to everyone, logged in or not."""
from marketplace.web.access import PUBLIC

# endpoint -> (method, url template, who may use it)
ROUTES = {
    "market.index": ("GET", "/market/", PUBLIC),
    "market.show_board": ("GET", "/market/safflower_seed/2026", PUBLIC),
    "market.download": ("GET", "/market/safflower_seed/2026/counties.csv", PUBLIC),
    "market.figures": ("GET", "/market/safflower_seed/2026.json", PUBLIC),
}
