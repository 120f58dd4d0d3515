"""Headers on every answer (a strict CSP with no inline script or style, no framing, no sniffing) and the
CSRF cookie every browser gets on its first visit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, HTTPException, Request, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from progrun.web.csrf import CSRF_COOKIE, new_csrf_token
from progrun.web.error_pages import error_response

#: Everything from this app only: no inline <script> or style="", no eval, no framing, forms post here.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def secure_request(request: Request, secure_cookies: bool | None) -> bool:
    """Whether cookies get the Secure flag: configured, else when the request came over https."""
    return request.url.scheme == "https" if secure_cookies is None else secure_cookies


def too_large_message(upload_max_bytes: int) -> str:
    return (
        f"file: the upload is over the {upload_max_bytes / 1e6:.0f} MB limit of one upload; upload a large "
        "export's activities in smaller archives"
    )


#: Request headers (cookies included) at most this many bytes: uvicorn's h11 takes any size that arrives
#: in one read, so the app refuses more itself (catalogue case 78).
MAX_HEADER_BYTES = 32 * 1024


class BodyLimit:
    """Counts a request body's bytes as they arrive: past `max_bytes` the read fails with 413 (catalogue
    case 76: a chunked body has no Content-Length to refuse it by, so nothing more is read or spooled)."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_max_bytes = upload_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header_bytes = sum(len(name) + len(value) + 4 for name, value in scope["headers"])
        if header_bytes > MAX_HEADER_BYTES:
            message = (
                f"the request's headers are {header_bytes} bytes, over the {MAX_HEADER_BYTES // 1024} KB "
                "limit; clear this site's cookies and try again"
            )
            body = {"error": message, "field": "", "suggestions": []}
            refused = error_response(Request(scope), 431, body)
            refused.headers.update(SECURITY_HEADERS)
            await refused(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, too_large_message(self.upload_max_bytes))
            return message

        await self.app(scope, counted, send)


def add_security_middleware(app: FastAPI, secure_cookies: bool | None, upload_max_bytes: int) -> None:
    app.add_middleware(BodyLimit, max_bytes=upload_max_bytes + 65536, upload_max_bytes=upload_max_bytes)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        declared = request.headers.get("content-length", "")
        if request.method == "POST" and declared.isdigit() and int(declared) > upload_max_bytes + 65536:
            # refused before the body is read (catalogue case 75); chunked bodies are counted as read
            message = too_large_message(upload_max_bytes)
            refused = error_response(request, 413, {"error": message, "field": "file", "suggestions": []})
            refused.headers.update(SECURITY_HEADERS)
            return refused
        fresh = "" if request.cookies.get(CSRF_COOKIE) else new_csrf_token()
        request.state.csrf_token = fresh
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path.startswith("/api/") or request.url.path.startswith("/login"):
            response.headers.setdefault("Cache-Control", "no-store")
        if fresh:
            response.set_cookie(
                CSRF_COOKIE,
                fresh,
                httponly=True,
                samesite="lax",
                secure=secure_request(request, secure_cookies),
                path="/",
            )
        return response
