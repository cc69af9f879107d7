"""Routes of the proposals area: each side of a proposal, and co-op managers for their members.

{proposal} is a pending proposal between the world's farmer's harvest and the world's processor's
order. The decide POST names no button, so an allowed role gets 400 and the proposal stays pending.
"""
SIDES = {"farmer", "coop_manager", "processor"}

# endpoint -> (method, url template, who may use it)
ROUTES = {
    "proposals.list_proposals": ("GET", "/proposals/", SIDES),
    "proposals.show_proposal": ("GET", "/proposals/{proposal}", SIDES),
    "proposals.decide_proposal": ("POST", "/proposals/{proposal}/decide", SIDES),
}
