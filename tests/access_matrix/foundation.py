"""Routes of the foundation areas: main, auth, admin, coop."""
from marketplace.web.access import ANONYMOUS, LOGGED_IN, PUBLIC

# endpoint -> (method, url template, who may use it)
ROUTES = {
    "main.show_home": ("GET", "/", PUBLIC),
    "main.show_languages": ("GET", "/languages", PUBLIC),
    "main.show_favicon": ("GET", "/favicon.ico", PUBLIC),
    "main.show_dashboard": ("GET", "/dashboard", LOGGED_IN),
    "auth.choose_signup": ("GET", "/account/signup", ANONYMOUS),
    "auth.signup_farmer": ("GET", "/account/signup/farmer", ANONYMOUS),
    "auth.signup_processor": ("GET", "/account/signup/processor", ANONYMOUS),
    "auth.signup_coop": ("GET", "/account/signup/cooperative", ANONYMOUS),
    "auth.show_application_received": ("GET", "/account/signup/received", PUBLIC),
    "auth.login": ("GET", "/account/login", ANONYMOUS),
    "auth.logout": ("POST", "/account/logout", LOGGED_IN),
    "auth.forgot_password": ("GET", "/account/password/forgot", ANONYMOUS),
    "auth.reset_password": ("GET", "/account/password/reset/x", ANONYMOUS),
    "admin.list_approvals": ("GET", "/admin/approvals", {"admin"}),
    "admin.decide_approval": ("POST", "/admin/approvals/{pending}", {"admin"}),
    "admin.list_accounts": ("GET", "/admin/accounts?q=a", {"admin"}),
    "admin.unlock_account": ("POST", "/admin/accounts/{pending}/unlock", {"admin"}),
    "admin.set_account_status": ("POST", "/admin/accounts/{pending}/status", {"admin"}),
    "admin.show_audit": ("GET", "/admin/audit?action=sign_contract", {"admin"}),
    "admin.export_audit": ("GET", "/admin/audit.csv", {"admin"}),
    "coop.list_members": ("GET", "/cooperative/members", {"coop_manager"}),
    "coop.register_member": ("GET", "/cooperative/members/new", {"coop_manager"}),
    "coop.show_member": ("GET", "/cooperative/members/{membership}", {"coop_manager"}),
    "coop.set_payout_account": ("POST", "/cooperative/members/{membership}/payout-account", {"coop_manager"}),
}


