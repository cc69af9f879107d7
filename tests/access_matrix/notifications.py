"""Routes of the notifications area: every logged-in user reads their own notices."""
ALL_USERS = {"farmer", "coop_manager", "processor", "admin"}

# endpoint -> (method, url template, who may use it)
ROUTES = {
    "notifications.list_notifications": ("GET", "/notifications/", ALL_USERS),
    "notifications.read_notifications": ("POST", "/notifications/read", ALL_USERS),
}
