"""Every error as JSON `{error, field, suggestions}` with the status of `progrun.errors.http_status`;
to a page, a browser's form or HTMX the same message as a styled page or fragment (`error_pages`).

Suggestions are request fields and values (`{"field": "distance", "value": "6mi"}`), which a page links
to its form field; never a command-line flag. FastAPI's own validation errors (malformed JSON, a missing
field, a wrong type) become 422 in the same shape, naming the field.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from progrun.errors import ProgrunError, http_status
from progrun.web.error_pages import error_response


def error_body(
    message: str, field: str = "", suggestions: list[dict[str, str | None]] | None = None
) -> dict[str, Any]:
    return {"error": message, "field": field, "suggestions": suggestions or []}


def progrun_error_body(error: ProgrunError) -> dict[str, Any]:
    return error_body(
        str(error), error.field, [{"field": s.field, "value": s.value} for s in error.suggestions]
    )


def _validation_message(error: RequestValidationError) -> tuple[str, str]:
    """The first problem as "field: what is wrong; what to do", and the field's name."""
    problems = error.errors()
    if not problems:
        return "the request could not be read", ""
    first = problems[0]
    location = [str(part) for part in first.get("loc", ()) if part not in {"body", "query", "path", "form"}]
    field = ".".join(location)
    kind = str(first.get("type", ""))
    if kind == "json_invalid":
        return 'the request body is not valid JSON; send a JSON object such as {"race": "5k=22:30"}', ""
    if kind == "missing":
        return f"{field}: this field is required; give it", field
    if kind == "string_pattern_mismatch":  # the regular expression means nothing to a runner
        shown = str(first.get("input", ""))[:60]
        return f"{field}: {shown!r} is not in the form it needs, or holds a space or control character", field
    message = str(first.get("msg", "is not valid"))
    return (f"{field}: {message}" if field else message), field


#: A refusal that starts "field: ..." names that request field.
_FIELD_PREFIX = re.compile(r"^([a-z_][a-z0-9_.]*): ")
#: What FastAPI says when a body's parser fails (nested too deep, a number too long, a broken multipart).
_UNREADABLE = "There was an error parsing the body"


def _http_message(detail: str) -> tuple[str, str]:
    if detail == _UNREADABLE:
        return (
            "the request body could not be read (nested too deeply, a number too long, or a broken "
            'form); send a plain JSON object such as {"race": "5k=22:30", "distance": "5mi"}',
            "",
        )
    found = _FIELD_PREFIX.match(detail)
    return detail, found.group(1) if found else ""


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProgrunError)
    async def progrun_error(request: Request, error: ProgrunError) -> Response:
        return error_response(request, http_status(error), progrun_error_body(error))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        message, field = _validation_message(error)
        return error_response(request, 422, error_body(message, field))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        detail = error.detail if isinstance(error.detail, str) else "the request was refused"
        if error.status_code == 404 and detail == "Not Found":
            detail = f"nothing at {request.url.path}"
        message, field = _http_message(detail)
        return error_response(request, error.status_code, error_body(message, field), error.headers)
