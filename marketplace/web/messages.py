"""Translated messages for domain error codes and putting them on forms."""
from flask import flash
from flask_babel import lazy_gettext as _l

from marketplace.domain.errors import DomainError

MESSAGES = {
    "phone_invalid": _l("Enter a mainland China mobile number, for example 138 0013 8000."),
    "phone_required": _l("A mobile number is needed to sign up."),
    "phone_taken": _l("This mobile number cannot be used for a new account. If it is yours, log in or reset your password."),
    "email_taken": _l("This e-mail address cannot be used for a new account. If it is yours, log in or reset your password."),
    "uscc_format": _l("A unified social credit code has 18 letters and digits (no I, O, S, V or Z)."),
    "uscc_check": _l("This unified social credit code is not valid: its last character does not match. Check for a typing mistake."),
    "uscc_taken": _l("A processor with this unified social credit code is already registered."),
    "registration_taken": _l("A co-operative with this registration number is already registered."),
    "county_unknown": _l("Choose a county from the list."),
    "township_not_in_county": _l("This township is not in the chosen county."),
    "login_failed": _l("The phone number, e-mail or password is not right."),
    "account_pending": _l("Your account is waiting for approval by the market office. You will get a message when it is approved."),
    "account_closed": _l("This account cannot log in. Please contact the market office."),
    "own_account": _l("You cannot close your own account."),
    "account_locked": _l("This account is locked after too many wrong passwords. Try again in %(minutes)s min, reset your password, or ask the market office to unlock it."),
    "password_too_short": _l("The password must have at least 8 characters."),
    "password_too_common": _l("This password is one of the commonest and easy to guess. Choose another."),
    "password_like_identity": _l("The password may not be made of your phone number, e-mail or name. Choose another."),
    "reset_expired": _l("This link has expired. Ask for a new one."),
    "reset_invalid": _l("This link is not valid. Ask for a new one."),
    "no_cooperative": _l("Your account is not linked to a co-operative."),
    "capital_negative": _l("The contribution cannot be negative."),
    "joined_in_future": _l("The joining date cannot be in the future."),
    "already_member": _l("This farmer is already a member of your co-operative."),
    "invalid_transition": _l("This is no longer possible: the record has changed. Reload the page."),
    "not_yours": _l("You may not change this record."),
    "product_unknown": _l("Choose a product from the list."),
    "grade_not_of_product": _l("This grade does not belong to the chosen product."),
    "grade_unknown": _l("Choose a grade from the list."),
    "township_unknown": _l("Choose a township from the list."),
    "area_not_positive": _l("The area must be more than zero."),
    "kg_not_positive": _l("The quantity must be more than zero."),
    "kg_implausible": _l("This is more than ten times what this area usually yields (about %(suggested)s kg). If it is right, tick the box to confirm it."),
    "window_backwards": _l("The end date is before the start date."),
    "window_in_past": _l("This period is already over. Give dates in the future."),
    "window_too_long": _l("The period can be at most one year long."),
    "point_incomplete": _l("Give both latitude and longitude, or neither."),
    "point_outside_valley": _l("This map point is not in the Ili valley."),
    "harvest_not_editable": _l("This harvest can no longer be edited: part of it is already matched or it was withdrawn."),
    "reason_required": _l("Please give a reason."),
    "max_suppliers_not_positive": _l("The number of suppliers must be at least 1."),
    "min_alloc_out_of_range": _l("The minimum allocation must be between zero and the quantity wanted."),
    "price_missing_for_grade": _l("Give a price for every grade the order accepts."),
    "terms_unknown_type": _l("Choose one of the price terms."),
    "terms_no_prices": _l("Give a price for every grade the order accepts."),
    "terms_bad_grade": _l("Give a price for every grade the order accepts."),
    "terms_bad_price": _l("Each price must be more than zero and at most 1,000,000 yuan per kg."),
    "terms_floor_above_cap": _l("The floor price is above the cap for this grade."),
    "terms_bad_margin": _l("The margin over the market must be between -50 % and 100 %."),
    "terms_bad_share": _l("The share must be between 0 % and 100 %."),
    "terms_bad_base_per_mu": _l("Give the base payment per mu."),
    "percent_out_of_range": _l("Give a percentage between 0 and 100."),
    "deductions_over_100": _l("The co-op fee and the risk-fund levy together cannot be more than 100 %."),
    "advance_negative": _l("An advance cannot be negative."),
    "order_not_editable": _l("This order can no longer be edited: it is matched, filled or closed."),
    "grade_not_priced": _l("The contract has no price for this grade."),
    "market_price_missing": _l("There is no market price for this grade yet, so this cannot be worked out."),
    "negative_input": _l("Quantities cannot be negative."),
    "terms_not_per_kg": _l("These terms are not priced per kg."),
    "price_in_future": _l("A market price can only be recorded for today or an earlier day."),
    "price_out_of_range": _l("Give a price above zero."),
    "source_required": _l("Say where the price comes from."),
    "price_already_recorded": _l("A price for this grade is already recorded for this day."),
    "names_required": _l("Give the name in every language."),
    "reject_not_above_standard": _l("The reject limit must be above the standard."),
    "product_code_taken": _l("A product with this code already exists."),
    "too_many_grades": _l("A product can have at most 20 grades."),
    "proposal_closed": _l("This proposal is no longer open: it was already agreed, declined or expired."),
    "proposal_expired": _l("The deadline to answer this proposal has passed."),
    "proposal_already_answered": _l("You have already answered this proposal."),
    "over_allocated": _l("This would promise more than is left of the harvest or the order. The proposal cannot be accepted."),
    "wrong_password": _l("The password is not right."),
    "consent_required": _l("Tick the box to say that you agree to the contract."),
    "contract_not_signable": _l("This contract can no longer be signed or withdrawn."),
    "member_consent_required": _l("Say how the member agreed (in person with a thumbprint, or by phone) and who witnessed it."),
    "already_signed": _l("This side has already signed this contract."),
    "contract_not_amendable": _l("Only a contract signed by both sides and not yet finished can be changed."),
    "amendment_pending": _l("A change to this contract is already waiting for signatures. Sign it or withdraw it first."),
    # i18n: %(left)s is a number of kg
    "amendment_over_supply": _l("This is more than is left of the farmer's harvest for this contract: at most %(left)s kg."),
    "amendment_no_change": _l("Nothing was changed. Change the quantity, the dates or a price."),
    "contract_not_in_force": _l("Only a contract signed by both sides and not yet finished can be cancelled this way."),
    "cancellation_pending": _l("A request to cancel this contract is already waiting for an answer."),
    "no_cancellation_request": _l("There is no request to cancel this contract."),
    "own_cancellation_request": _l("Your side asked to cancel; the other side must answer."),
    "gross_out_of_range": _l("Give the gross weight in kg: more than zero and at most 100,000 kg."),
    "tare_negative": _l("The tare cannot be negative."),
    "tare_not_below_gross": _l("The tare must be less than the gross weight."),
    "spec_out_of_range": _l("The product's delivery standard is not valid. Ask the market office to check it."),
    "grader_required": _l("Say who graded the delivery."),
    "delivery_in_future": _l("The delivery date cannot be in the future."),
    "delivery_contract_not_in_force": _l("Deliveries can only be recorded against a contract signed by both sides and in force."),
    "outside_window_confirm": _l("This delivery date is outside the contract's delivery window. Tick the box to record it anyway."),
    "above_remaining_confirm": _l("This is more than is left of the contract (beyond the allowed 10 %). Tick the box to record it anyway."),
    "delivery_already_answered": _l("This delivery has already been confirmed or disputed."),
    "delivery_not_disputed": _l("Only a disputed delivery can be corrected or answered."),
    "advance_contract_not_in_force": _l("Advances can only be recorded under a contract signed by both sides and in force."),
    "advance_kind_unknown": _l("Choose seed, fertiliser or cash."),
    "advance_out_of_range": _l("Give an amount above zero and at most 1,000,000 yuan."),
    "advance_in_future": _l("The date an advance was given cannot be in the future."),
    # i18n: %(count)s is a number of deliveries
    "settlement_dispute_open": _l("This cannot be settled yet. Deliveries disputed and not yet answered: %(count)s. Correct them or answer the disputes first."),
    "ledger_would_go_negative": _l("This is more than is owed, so it cannot be paid or recovered."),
    "ledger_key_reused": _l("This was already recorded with other amounts. Reload the page and check."),
    "payment_reference_used": _l("This transfer reference is already recorded for another amount or invoice. Check it."),
    "payment_above_open": _l("This is more than is still open on the invoice."),
    "payment_reference_required": _l("Give the bank's reference for the transfer."),
    "payment_in_future": _l("The date the money arrived cannot be in the future."),
    "invoice_paid": _l("This invoice is already paid in full."),
    "surplus_not_positive": _l("Give the year's surplus: more than zero."),
    "losses_out_of_range": _l("The losses made good cannot be negative or more than the surplus."),
    "volume_share_below_law": _l("The law requires at least 60 % to be returned by transaction volume."),
    "surplus_no_members": _l("The co-op has no members to distribute to."),
    "surplus_no_volume": _l("No member has settled transactions with the co-op in this year, so nothing can be returned by volume."),
    "surplus_already_distributed": _l("This year's surplus has already been distributed."),
    "rebate_pool_out_of_range": _l("Give the rebate pool: more than zero and at most 100,000,000 yuan."),
    "rebate_no_deliveries": _l("No settled deliveries under your rebate contracts in this season, so there is nothing to share."),
    "rebate_already_declared": _l("A rebate for this season is already declared."),
    "payout_batch_open": _l("A payout batch is already waiting for approval. Approve or cancel it first."),
    "payout_nothing_owed": _l("No member is owed anything now."),
    "payout_own_batch": _l("You prepared this batch: another manager of the co-op, or the market office, must approve it."),
    "payout_batch_not_open": _l("This batch is no longer waiting for approval."),
    "payout_above_owed": _l("A member in this batch is now owed less than the batch would pay. Cancel it and prepare a new one."),
    "stripe_off": _l("Card payment is not available. Pay by bank transfer; the co-op records it against the invoice."),
    "stripe_unavailable": _l("The card payment service did not answer. Try again in a few minutes, or pay by bank transfer."),
    "stripe_bad_signature": _l("This message is not from Stripe."),
    "form_already_sent": _l("This form was already sent, and what it sent was saved once. Check the list."),
}


def message_for(error: DomainError) -> str:
    message = MESSAGES.get(error.code, MESSAGES["invalid_transition"])
    try:
        return str(message) % error.params if "%(" in str(message) else str(message)
    except (KeyError, TypeError, ValueError):
        return str(message)


def apply_domain_error(form, error: DomainError) -> None:
    """Put the error's message beside its field, or at the top of the form."""
    message = message_for(error)
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
    else:
        form.form_errors.append(message)
        flash(message, "error")


#: Labels of recorded acts (ActionRecord.action).
ACTION_LABELS = {
    "register_member": _l("registered as a member"),
    "approve_account": _l("approved an account"),
    "reject_account": _l("rejected an account"),
    "post_harvest": _l("posted an expected harvest"),
    "edit_harvest": _l("edited an expected harvest"),
    "withdraw_harvest": _l("withdrew an expected harvest"),
    "accept_proposal": _l("accepted a proposal"),
    "decline_proposal": _l("declined a proposal"),
    "sign_contract": _l("signed a contract"),
    "withdraw_contract": _l("withdrew a contract before both sides signed"),
    "amend_contract": _l("proposed a change to a contract"),
    "request_cancellation": _l("asked to cancel a contract"),
    "agree_cancellation": _l("agreed to cancel a contract"),
    "refuse_cancellation": _l("refused to cancel a contract"),
    "record_delivery": _l("recorded a delivery"),
    "confirm_delivery": _l("confirmed a delivery"),
    "dispute_delivery": _l("disputed a delivery"),
    "correct_delivery": _l("corrected a disputed delivery"),
    "reject_dispute": _l("answered a dispute without a correction"),
    "record_advance": _l("recorded an advance"),
    "post_settlement": _l("posted a settlement"),
    "record_payment": _l("recorded a payment"),
    "distribute_surplus": _l("distributed the year's surplus"),
    "declare_rebate": _l("declared a second-round rebate"),
    "prepare_payouts": _l("prepared a payout batch"),
    "approve_payouts": _l("approved a payout batch"),
    "set_payout_account": _l("changed the payout account"),
    "account_locked": _l("account locked after wrong passwords"),
    "unlock_account": _l("unlocked an account"),
    "set_password": _l("set a new password"),
    "close_account": _l("closed an account"),
    "reopen_account": _l("reopened an account"),
}


#: Roles and account statuses, as the market office reads them.
ROLE_LABELS = {
    "farmer": _l("Farmer"),
    "coop_manager": _l("Co-operative manager"),
    "processor": _l("Processor"),
    "admin": _l("Market office"),
}
ACCOUNT_STATUS_LABELS = {
    "active": _l("Active"),
    "pending": _l("Waiting for approval"),
    # i18n: an account the market office did not approve
    "rejected": _l("Not approved"),
    # i18n: an account the market office has closed
    "disabled": _l("Closed"),
}


#: The kinds of record an act names (ActionRecord.detail is "<kind>:<id>"), for the market office's search.
RECORD_KINDS = {
    "contract": _l("Contract"),
    "delivery": _l("Delivery"),
    "harvest": _l("Expected harvest"),
    "proposal": _l("Proposal"),
    "membership": _l("Member"),
    "cooperative": _l("Co-operative"),
    "settlement_run": _l("Settlement run"),
    "invoice": _l("Invoice"),
    "payout_batch": _l("Payout batch"),
    "rebate": _l("Second-round rebate"),
    "surplus": _l("Year-end surplus"),
    # i18n: a person's login account on the marketplace (not a bank account)
    "user": _l("User account"),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def account_status_label(status: str) -> str:
    return str(ACCOUNT_STATUS_LABELS.get(status, status))


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))

