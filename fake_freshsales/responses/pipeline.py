"""What happens around every request: admin guard, auth, faults, rate limit, headers, journal.

API requests (under /api and /crm/sales/api) go through, in order: authentication (401),
fault injection (forced by `X-Fake-Fault` or drawn from the fault config), the rate limit (429),
then the route. Injected faults and 429s change no state and consume no budget; an injected
429 answers as a spent per-minute budget would (body and `X-RateLimit-*` headers alike).

The 401 body and the rate-limit headers follow the account's switches (`auth_error_body`,
`reset_unit`, `retry_after`); a key that names no account answers as the default (first)
account's switches say.

Tracking posts (`/track/...`, `/crm/sales/track/...`) carry no key: the application token in
their body picks the account, as the key does for the API. They go through the same steps
with a budget of their own [I]; before the token, a route the account's `tracking_api` switch
takes away answers 404 (a token that names no account: the default account's switch).
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

import orjson
from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from ..harness.faults import INJECTED_429_SPENDS, FaultDecision, InjectedDrop, parse_forced
from ..harness.journal import kept_headers, redacted_body
from ..models.errors import ApiError, route_not_found
from ..models.ratelimit import RateLimiter, WindowState
from .common import ADMIN_ROOT, backend, is_api_path, is_tracking_path, respond, under

# The two 401 bodies of the auth_error_body switch: the one seen live on the web routes (E3),
# and [I] the errors envelope every other Freshsales error uses.
AUTH_ERROR_BODIES: dict[str, Any] = {
    "login": {"login": "failed", "message": None},
    "errors": ApiError(401, "Login failed.").body(),
}
# [I] No real refusal of a tracking post was found: the errors envelope, naming the token.
APP_TOKEN_REFUSED = "Invalid application token."
LOOPBACK_ONLY = "The admin API answers loopback clients only."
SERVER_ERROR = "Internal server error."
TOKEN_PREFIX = "Token token="
# What a dropped connection sends before it breaks: headers promising more than arrives.
_DROP_HEAD = b'{"errors": {"code": 500, '
_DROP_LENGTH = 64


def rate_limited(limit: int, period: str) -> str:
    """[I] No real 429 body was found; this wording names the exhausted budget."""
    return f"Request limit exceeded: {limit} requests per {period} for this account."


def _is_local(address: str | None) -> bool:
    # No REMOTE_ADDR means a caller in this process (a WSGI test client): no network at all.
    if address is None:
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _authenticate() -> Response | None:
    """None when the key names an account (then `g.account`), else the 401 answer."""
    header = request.headers.get("Authorization", "")
    key = header.removeprefix(TOKEN_PREFIX) if header.startswith(TOKEN_PREFIX) else ""
    fake = backend()
    account = fake.account_for_key(key) if key else None
    if account is None:
        # [I] No account is known, so the default account's switch picks the body.
        style = fake.account_for_domain(None).variants.auth_error_body
        return respond(AUTH_ERROR_BODIES[style], 401)
    g.account, g.limiter = account, account.limiter
    return None


def _identify_tracker() -> None:
    """Pick the account of a tracking post by its application token (then `g.account`)."""
    fake = backend()
    body = _request_body()
    token = body.get("application_token") if isinstance(body, dict) else None
    account = fake.account_for_app_token(token) if isinstance(token, str) and token else None
    if not (account or fake.account_for_domain(None)).variants.tracking_api:
        raise route_not_found()
    if account is None:
        raise ApiError(401, APP_TOKEN_REFUSED)
    g.account, g.limiter = account, account.tracking_limiter


def _fault() -> FaultDecision:
    forced = request.headers.get("X-Fake-Fault")
    if forced is not None:
        return parse_forced(forced)
    with backend().lock:
        return backend().faults.decide()


def _dropped() -> Response:
    def body() -> Iterator[bytes]:
        yield _DROP_HEAD
        # Under waitress the socket closes mid-body (httpx: RemoteProtocolError); in-process
        # (WSGI) the error reaches the caller as is.
        raise InjectedDrop("fake_freshsales: connection dropped (injected fault)")

    response = Response(body(), status=500, mimetype="application/json")
    response.headers["Content-Length"] = str(_DROP_LENGTH)
    return response


def _before() -> Response | None:
    g.started = time.perf_counter()
    if under(request.path, ADMIN_ROOT):
        if not _is_local(request.remote_addr):
            raise ApiError(403, LOOPBACK_ONLY)
        return None
    if is_tracking_path(request.path):
        _identify_tracker()
    elif is_api_path(request.path):
        refused = _authenticate()
        if refused is not None:
            return refused
    else:
        return None
    decision = _fault()
    if decision.latency_ms:
        time.sleep(decision.latency_ms / 1000)
    if decision.drop:
        g.fault = "drop"
        return _dropped()
    if decision.status == 429:
        g.fault, g.spent = "status", INJECTED_429_SPENDS
        raise _limit_refusal()
    if decision.status is not None:
        g.fault = "status"
        raise ApiError(decision.status, HTTPStatus(decision.status).phrase)
    fake = backend()
    with fake.lock:
        allowed = g.limiter.try_consume(fake.clock.now())
    if not allowed:
        raise _limit_refusal()
    return None


def _reported_window() -> WindowState:
    """The window the headers report: the tightest, counting an injected 429's as spent."""
    fake = backend()
    limiter: RateLimiter = g.limiter
    with fake.lock:
        return limiter.tightest(fake.clock.now(), spent=g.get("spent"))


def _limit_refusal() -> ApiError:
    window = _reported_window()
    return ApiError(429, rate_limited(window.limit, window.period))


def _rate_headers(response: Response) -> None:
    window = _reported_window()
    variants = g.account.variants
    reset = window.reset_at if variants.reset_unit == "epoch" else window.reset_seconds
    response.headers["X-RateLimit-Limit"] = str(window.limit)
    response.headers["X-RateLimit-Remaining"] = str(window.remaining)
    response.headers["X-RateLimit-Reset"] = str(reset)
    # On a 429 the tightest window is the one refusing: its reset is the wait.
    if response.status_code == 429 and variants.retry_after:
        response.headers["Retry-After"] = str(window.reset_seconds)


def _request_body() -> Any:
    data = request.get_data(cache=True)
    if not data:
        return None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return data.decode("utf-8", errors="replace")


def _journal(response: Response) -> None:
    fake = backend()
    account = g.get("account")
    fault = g.get("fault")
    fake.journal.record(
        {
            "time": fake.clock.isoformat(fake.clock.now()),
            "method": request.method,
            "path": request.path,
            "query": request.args.to_dict(),
            "headers": kept_headers(request.headers),
            "body": redacted_body(_request_body()),
            "status": None if fault == "drop" else response.status_code,
            "response": g.get("payload"),
            "account": account.domain if account else None,
            "fault": fault,
            "duration_ms": round((time.perf_counter() - g.started) * 1000, 3),
        }
    )


def _after(response: Response) -> Response:
    if under(request.path, ADMIN_ROOT):
        return response
    if g.get("account") is not None:
        _rate_headers(response)
    _journal(response)
    return response


def _api_error(error: ApiError) -> Response:
    return respond(error.body(), error.code)


def _http_error(error: HTTPException) -> Response:
    code = error.code or 500
    refusal = route_not_found() if code == 404 else ApiError(code, str(error.description))
    response = _api_error(refusal)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _server_error(_error: InternalServerError) -> Response:
    return _api_error(ApiError(500, SERVER_ERROR))


def install(app: Flask) -> None:
    app.before_request(_before)
    app.after_request(_after)
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(InternalServerError, _server_error)
    app.register_error_handler(HTTPException, _http_error)
