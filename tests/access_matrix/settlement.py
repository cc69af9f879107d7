"""Routes of the settlement area: co-op managers settle and record advances; processors see invoices; the
parties of a contract read its statement.

{contract} is the world's active contract; {settlement_run} is a posted settlement run of the world's co-op,
and {invoice} its open invoice to the world's processor.
The POSTs carry no one-time token, so an allowed role gets 409 and nothing is posted.
"""
from marketplace.web.access import PUBLIC

#: The world's batch waits for approval, so its bank file is not there yet.
PAYOUT_FILE = ({"coop_manager", "admin"})
NOT_YET = {"coop_manager": 404, "admin": 404}

# endpoint -> (method, url template, who may use it[, role -> status on this object])
ROUTES = {
    "settlement.overview": ("GET", "/settlement/", {"coop_manager", "processor"}),
    "settlement.new_advance": ("GET", "/settlement/advances/new/{contract}", {"coop_manager"}),
    "settlement.preview": ("GET", "/settlement/preview?contract={contract}", {"coop_manager"}),
    "settlement.post": ("POST", "/settlement/post", {"coop_manager"}),
    "settlement.show_run": ("GET", "/settlement/runs/{settlement_run}", {"coop_manager"}),
    "settlement.show_invoice": ("GET", "/settlement/invoices/{invoice}", {"coop_manager", "processor"}),
    "settlement.bank_transfer": ("POST", "/settlement/invoices/{invoice}/bank-transfer", {"coop_manager"}),
    "settlement.surplus_page": ("GET", "/settlement/surplus", {"coop_manager"}),
    "settlement.post_surplus": ("POST", "/settlement/surplus", {"coop_manager"}),
    "settlement.rebates_page": ("GET", "/settlement/rebates", {"processor"}),
    "settlement.declare_rebate": ("POST", "/settlement/rebates", {"processor"}),
    "settlement.list_payouts": ("GET", "/settlement/payouts", {"coop_manager"}),
    "settlement.prepare_payouts": ("POST", "/settlement/payouts/prepare", {"coop_manager"}),
    "settlement.show_payouts": ("GET", "/settlement/payouts/{payout_batch}", {"coop_manager", "admin"}),
    "settlement.decide_payouts": ("POST", "/settlement/payouts/{payout_batch}/decide", {"coop_manager", "admin"}),
    "settlement.retry_transfers": ("POST", "/settlement/payouts/{payout_batch}/transfers", {"coop_manager", "admin"}),
    "settlement.bank_file": ("GET", "/settlement/payouts/{payout_batch}/bank-file.csv", PAYOUT_FILE, NOT_YET),
    "settlement.pay_by_card": ("POST", "/settlement/invoices/{invoice}/card", {"processor"}),
    "settlement.stripe_webhook": ("POST", "/settlement/stripe/webhook", PUBLIC),
    "settlement.statement_pdf": ("GET", "/settlement/statement/{contract}/statement.pdf",
                                 {"farmer", "coop_manager", "processor"}),
    "settlement.statement": ("GET", "/settlement/statement/{contract}", {"farmer", "coop_manager", "processor"}),
}
