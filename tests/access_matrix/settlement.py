"""Routes of the settlement area: co-op managers settle and record advances; processors see invoices; the
parties of a contract read its statement.

{contract} is the world's active contract; {settlement_run} is a posted settlement run of the world's co-op,
and {invoice} its open invoice to the world's processor.
The POSTs carry no one-time token, so an allowed role gets 409 and nothing is posted.
"""
# endpoint -> (method, url template, who may use it)
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
    "settlement.statement": ("GET", "/settlement/statement/{contract}", {"farmer", "coop_manager", "processor"}),
}
