"""Routes of the matching area: admins and co-op managers start runs and read past ones.

The start POST carries no product, so an allowed role gets 400 and no run is made.
"""
RUNNERS = {"admin", "coop_manager"}

# endpoint -> (method, url template, who may use it)
ROUTES = {
    "matching.list_runs": ("GET", "/matching/", RUNNERS),
    "matching.start_run": ("POST", "/matching/new", RUNNERS),
    "matching.show_run": ("GET", "/matching/{run}", RUNNERS),
}
