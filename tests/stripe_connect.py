"""A stand-in for Stripe Connect transfers, which localstripe lacks, plugged into stripe-python as its HTTP client
so the real client code (encoding, idempotency header, retries, error classes) runs against it.

It keeps Stripe's documented rules:
- a request with an idempotency key Stripe has seen, and the same parameters, gets the first answer again
  (status and body, with `Idempotent-Replayed: true`) and makes nothing new;
- the same key with other parameters is an `idempotency_error` (400);
- an answer is kept for a key only once the endpoint began executing: a request refused by validation
  (an unknown destination, a bad amount) keeps nothing, and may be sent again with the same key;
- a transfer may not exceed the platform's available balance (`balance_insufficient`, kept for the key);
- `GET /v1/transfers?transfer_group=...` lists the transfers of a group.

Faults are queued with `fail(...)` and used by the next transfer requests, one each:
`"500"` (Stripe failed before executing; nothing kept), `"500_kept"` (a 500 kept for the key, replayed as
Stripe does), `"timeout_before"` (the connection dropped before Stripe saw the request) and `"timeout_after"`
(Stripe made the transfer and kept the answer, but the answer never arrived). Any other request goes on to
the HTTP client given (localstripe), if any.
"""
import json
import threading
from urllib.parse import parse_qsl, urlparse

import stripe
from stripe._error import APIConnectionError


class FakeConnect(stripe.HTTPClient):
    name = "fake-connect"

    def __init__(self, balance_fen: int, accounts=(), passthrough: stripe.HTTPClient | None = None):
        super().__init__()
        self.balance_fen = balance_fen
        self.accounts = set(accounts)
        self.transfers: dict[str, dict] = {}
        self.kept: dict[str, tuple[dict, tuple]] = {}  # key -> (params, (body, status))
        self.faults: list[str] = []
        self.requests = 0
        self.passthrough = passthrough
        self._lock = threading.Lock()

    def fail(self, *faults: str) -> None:
        self.faults.extend(faults)

    def _sleep_time_seconds(self, num_retries: int) -> float:
        return 0.0  # stripe-python's retries, without the wait

    def close(self):
        if self.passthrough is not None:
            self.passthrough.close()

    # --- HTTP -------------------------------------------------------------------------------------------------

    def request(self, method, url, headers, post_data=None, **_):
        parsed = urlparse(url)
        if parsed.path == "/v1/transfers" and method.lower() == "post":
            with self._lock:
                return self._create(dict(headers or {}), dict(parse_qsl(post_data or "")))
        if parsed.path == "/v1/transfers" and method.lower() == "get":
            group = dict(parse_qsl(parsed.query)).get("transfer_group")
            found = [t for t in self.transfers.values() if group is None or t["transfer_group"] == group]
            return self._answer({"object": "list", "data": found, "has_more": False, "url": "/v1/transfers"}, 200)
        if parsed.path == "/v1/balance":
            return self._answer({"object": "balance", "available": [{"amount": self.balance_fen, "currency": "cny"}],
                                 "pending": []}, 200)
        if self.passthrough is None:
            return self._error(404, "invalid_request_error", "resource_missing", f"Unrecognized request URL {url}")
        return self.passthrough.request(method, url, headers, post_data)

    def _answer(self, body: dict, status: int, replayed: bool = False):
        headers = {"Request-Id": f"req_fake{self.requests}"}
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        return json.dumps(body), status, headers

    def _error(self, status: int, kind: str, code: str | None, message: str):
        return self._answer({"error": {"type": kind, "code": code, "message": message}}, status)

    # --- transfers ----------------------------------------------------------------------------------------------

    def _create(self, headers: dict, params: dict):
        self.requests += 1
        fault = self.faults.pop(0) if self.faults else None
        if fault == "timeout_before":
            raise APIConnectionError("timed out", should_retry=True)
        if fault == "500":
            body, status, rheaders = self._error(500, "api_error", None, "An unknown error occurred")
            return body, status, {**rheaders, "Stripe-Should-Retry": "true"}
        key = headers.get("Idempotency-Key")
        if key is not None and len(key) > 255:
            return self._error(400, "invalid_request_error", None, "Idempotency keys are at most 255 characters")
        if key in self.kept:
            first_params, (body, status) = self.kept[key]
            if first_params != params:
                return self._error(400, "idempotency_error", None,
                                   "Keys for idempotent requests can only be used with the same parameters "
                                   "they were first used with.")
            return self._answer(body, status, replayed=True)
        # Validation: nothing is kept for the key.
        amount = params.get("amount", "")
        if not amount.isdigit() or int(amount) < 1 or params.get("currency") != "cny":
            return self._error(400, "invalid_request_error", "parameter_invalid_integer", "Invalid amount")
        if params.get("destination") not in self.accounts:
            return self._error(400, "invalid_request_error", "resource_missing",
                               f"No such destination: '{params.get('destination')}'")
        # Executing: the answer is kept for the key, whatever it is.
        if fault == "500_kept":
            body, status = {"error": {"type": "api_error", "message": "An unknown error occurred"}}, 500
        elif int(amount) > self.balance_fen:
            body, status = {"error": {"type": "invalid_request_error", "code": "balance_insufficient",
                                      "message": "Insufficient funds in your Stripe account."}}, 400
        else:
            self.balance_fen -= int(amount)
            transfer = {"id": f"tr_fake{len(self.transfers) + 1:06d}", "object": "transfer", "amount": int(amount),
                        "currency": "cny", "destination": params["destination"],
                        "transfer_group": params.get("transfer_group"), "livemode": False, "reversed": False,
                        "amount_reversed": 0, "created": 1_795_000_000,
                        "metadata": {k[9:-1]: v for k, v in params.items() if k.startswith("metadata[")}}
            self.transfers[transfer["id"]] = transfer
            body, status = transfer, 200
        if key is not None:
            self.kept[key] = (params, (body, status))
        if fault == "timeout_after":
            raise APIConnectionError("timed out after the request was sent", should_retry=True)
        return self._answer(body, status)

    def paid_to(self, account: str) -> int:
        return sum(t["amount"] for t in self.transfers.values() if t["destination"] == account)
