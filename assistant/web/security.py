"""Security at the web edge, in one place: the headers on every response, Secure staff
cookies over HTTPS, and the per-client limits on guessing (login, session codes) and on
speech out.

Limits count failures only where guessing is the danger (a wrong password, a code that does
not work), so a class of tablets starting together behind one address is never slowed. The
windows are kept by pyrate-limiter, in memory or in Redis (REDIS_URL)."""

from __future__ import annotations

import hashlib
import threading
import time
from functools import wraps

from flask import Flask, jsonify, make_response, render_template, request
from flask.sessions import SecureCookieSessionInterface
from pyrate_limiter import InMemoryBucket, Rate, RateItem, RedisBucket

# The tablet and staff pages run only the app's own scripts (no inline script); reports
# carry their own <style> and embed symbols as data: URIs; speech plays from blob: URLs.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; "
    "font-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), geolocation=(), microphone=(self)",
}
# Pictures and the widget's own files may be cached; every other response may hold a
# pupil's data (pages, JSON, documents, photos, speech) and is never stored.
CACHEABLE_PREFIXES = ("/widget/", "/symbols/")

MINUTE = 60
# (how many, in how many seconds), per client address unless said otherwise.
LOGIN_FAILURES = (20, 15 * MINUTE)  # failed logins from one address, any account
LOGIN_ACCOUNT_FAILURES = (5, 15 * MINUTE)  # failed logins from one address on one email
CLAIM_FAILURES = (10, 10 * MINUTE)  # codes that did not work, from one address
SPEECH_REQUESTS = (120, MINUTE)  # spoken prompts, per tablet token (every request)
TOO_MANY = "Too many tries. Please wait a few minutes and try again."


class Limit:
    """A sliding-window limit per key (pyrate-limiter): in memory, or in Redis when
    REDIS_URL names one (so several processes count together)."""

    def __init__(self, name: str, limit: int, seconds: int, storage_url: str):
        self.name, self.limit, self.window_ms = name, limit, seconds * 1000
        self.rates = [Rate(limit, seconds * 1000)]
        self._redis = None
        if storage_url.startswith(("redis://", "rediss://", "unix://")):
            from redis import Redis  # a client only when a Redis server is configured

            self._redis = Redis.from_url(storage_url)
        self._buckets: dict[str, object] = {}
        self._lock = threading.Lock()

    def _bucket(self, key: str):
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if self._redis is not None:
                    bucket = RedisBucket.init(self.rates, self._redis, f"pupil_voice:limit:{self.name}:{key}")
                else:
                    if len(self._buckets) > 10_000:  # forget the quiet ones
                        self._buckets.clear()
                    bucket = InMemoryBucket(self.rates)
                self._buckets[key] = bucket
            return bucket

    def blocked(self, key: str) -> bool:
        """True while `limit` hits fall in the last window."""
        hit = self._bucket(key).peek(self.limit - 1)
        return hit is not None and hit.timestamp > _now_ms() - self.window_ms

    def hit(self, key: str) -> None:
        self._bucket(key).put(RateItem(self.name, _now_ms()))


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _client() -> str:
    return request.remote_addr or "unknown"


def _login_account_key() -> str:
    body = request.get_json(silent=True)
    email = request.form.get("email") or (body.get("email") if isinstance(body, dict) else "") or ""
    email = str(email)[:200].strip().lower()
    return f"{_client()}|{hashlib.sha256(email.encode()).hexdigest()}"


def _tablet_key() -> str:
    return hashlib.sha256(request.headers.get("Authorization", "").encode()).hexdigest()


def _too_many():
    """One message, whoever asked and whichever account: it tells nothing about accounts."""
    if request.path.startswith("/api/") or request.is_json:
        response = make_response(jsonify(error=TOO_MANY))
    else:
        response = make_response(render_template("staff/message.html", message=TOO_MANY))
    response.status_code = 429
    response.headers["Retry-After"] = "300"
    return response


def _status(response) -> int:
    if isinstance(response, tuple) and len(response) > 1 and isinstance(response[1], int):
        return response[1]
    return getattr(response, "status_code", 200)


def _limited(view, limits: list, failures_only: bool):
    """Wrap a view: refuse (429) while any limit is reached for its key; count each request,
    or with `failures_only` each failed one (an error raised or a 4xx/5xx answer)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if request.method != "POST":
            return view(*args, **kwargs)
        keys = [(limit, key_func()) for limit, key_func in limits]
        if any(limit.blocked(key) for limit, key in keys):
            return _too_many()
        try:
            response = view(*args, **kwargs)
        except Exception:
            for limit, key in keys:
                limit.hit(key)
            raise
        if not failures_only or _status(response) >= 400:
            for limit, key in keys:
                limit.hit(key)
        return response

    return wrapped


class _SessionInterface(SecureCookieSessionInterface):
    """Staff cookies are Secure whenever the request came over HTTPS (or the setting says)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_app(app: Flask) -> None:
    """Call after the blueprints are registered (the limits wrap their views)."""
    app.session_interface = _SessionInterface()
    url = str(app.config.get("REDIS_URL") or "memory://")
    logins = Limit("login", *LOGIN_FAILURES, url)
    login_account = Limit("login-account", *LOGIN_ACCOUNT_FAILURES, url)
    claims = Limit("claim", *CLAIM_FAILURES, url)
    speech = Limit("speech", *SPEECH_REQUESTS, url)
    for endpoint in ("staff.login", "api.login"):
        app.view_functions[endpoint] = _limited(
            app.view_functions[endpoint], [(logins, _client), (login_account, _login_account_key)], True
        )
    app.view_functions["api.chat_claim"] = _limited(app.view_functions["api.chat_claim"], [(claims, _client)], True)
    app.view_functions["speech.chat_speech"] = _limited(
        app.view_functions["speech.chat_speech"], [(speech, _tablet_key)], False
    )

    @app.after_request
    def security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.path.startswith(CACHEABLE_PREFIXES):
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
