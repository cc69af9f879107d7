"""Routes of the expected-harvests area: farmers for themselves, co-op managers for their members.

{harvest} is a harvest of the world's farmer, a member of the world's co-op manager's co-op.
The withdraw POST carries no reason, so an allowed role gets 400 and the harvest stays open.
"""
HARVESTERS = {"farmer", "coop_manager"}

# endpoint -> (method, url template, who may use it)
ROUTES = {
    "harvests.list_harvests": ("GET", "/harvests/", HARVESTERS),
    "harvests.new_harvest": ("GET", "/harvests/new", HARVESTERS),
    "harvests.show_harvest": ("GET", "/harvests/{harvest}", HARVESTERS),
    "harvests.edit_harvest": ("GET", "/harvests/{harvest}/edit", HARVESTERS),
    "harvests.withdraw_harvest": ("POST", "/harvests/{harvest}/withdraw", HARVESTERS),
    "harvests.export_harvests": ("GET", "/harvests/export.csv", {"coop_manager"}),
}
