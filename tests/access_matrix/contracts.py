"""Routes of the contracts area: the two parties (a co-op manager for a member), and the public verification.

{contract} is an active contract between the world's farmer and processor; {fingerprint} is its fingerprint.
The POSTs carry no answer, password or reason, so an allowed role gets 400 and nothing changes. The amend GET
shows the form to the parties.
"""
from marketplace.web.access import PUBLIC

PARTIES = {"farmer", "coop_manager", "processor"}

# endpoint -> (method, url template, who may use it)
ROUTES = {
    "contracts.list_contracts": ("GET", "/contracts/", PARTIES),
    "contracts.export_contracts": ("GET", "/contracts/export.csv", {"coop_manager", "processor"}),
    "contracts.show_contract": ("GET", "/contracts/{contract}", PARTIES),
    "contracts.sign": ("POST", "/contracts/{contract}/sign", PARTIES),
    "contracts.withdraw": ("POST", "/contracts/{contract}/withdraw", PARTIES),
    "contracts.amend": ("GET", "/contracts/{contract}/amend", PARTIES),
    "contracts.ask_cancel": ("POST", "/contracts/{contract}/cancel", PARTIES),
    "contracts.answer_cancel": ("POST", "/contracts/{contract}/cancel/answer", PARTIES),
    "contracts.contract_pdf": ("GET", "/contracts/{contract}/contract.pdf", PARTIES),
    "contracts.verify": ("GET", "/verify", PUBLIC),
    "contracts.verify_fingerprint": ("GET", "/verify/{fingerprint}", PUBLIC),
}
