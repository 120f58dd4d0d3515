"""The one exception tree of progrun.

```
ProgrunError                  the only thing the CLI (and later the web app) catches
├── UnitError                 text that is not a pace, duration or distance (text, kind, example)
├── PaceError                 a race result or pace set outside what the model covers (field, reason)
├── PlanError                 a progression run that cannot work (field, reason, suggestion)
│   └── RequestError          a plan request missing a field or mixing fields that do not go together
├── ActivityFileError         a recorded run that cannot be read (path, format, where, reason)
│   ├── UnknownFormat         not FIT, GPX or TCX
│   ├── CorruptFile           truncated, bad CRC, invalid XML, required data missing
│   ├── UnsafeFile            XML entity attacks, decompression bombs, zip-slip paths
│   └── NotAnActivity         a valid file with no recorded activity (FIT monitoring, settings)
├── ExportError               a plan that a format cannot carry (format, reason)
├── StorageError              the training log cannot be opened or written (reason)
│   ├── DiskFull              no space left for the log or an import's temporary files (where)
│   └── NotFound              a storage lookup failed (kind, key)
```

Every exception keeps its facts as attributes and builds its message from them, in the shape
"<what>: <problem>; <what to do>". Programmer misuse raises ValueError/TypeError instead.

Errors speak fields, not flags. `field` names the request field at fault ("distance", "race"; "" when
none) and "what to do" may hold `Suggestion`s: a field and the value to give it
(`Suggestion("distance", "6mi")`). No library text names a command-line flag: `str(error)` writes a
suggestion as "distance 6mi", the CLI renders it `--distance 6mi` (`error.render(show)`, with its field ->
option table), a web app would link the form field. `HTTP_STATUS` maps every error class to the HTTP
status a web API answers with.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Suggestion:
    """A field of the request and the value that would work (None: give the field, e.g. a switch).

    `field` is a request field's name ("distance", "tempo_splits", "salvage", "db"), never a flag.
    """

    field: str
    value: str | None = None

    def __str__(self) -> str:
        return self.field if self.value is None else f"{self.field} {self.value}"


#: What to do, as text and suggestions: "try ", Suggestion("distance", "6mi").
Advice = str | Suggestion | Sequence[str | Suggestion]
Part = str | Suggestion


def advice_parts(advice: Advice) -> tuple[Part, ...]:
    """Advice as a tuple of text and suggestions, in order."""
    if isinstance(advice, str | Suggestion):
        return (advice,) if advice else ()
    return tuple(advice)


def render_parts(parts: Sequence[Part], show: Callable[[Suggestion], str] = str) -> str:
    """The text of `parts`, each suggestion written by `show` (default: "distance 6mi")."""
    return "".join(part if isinstance(part, str) else show(part) for part in parts)


class ProgrunError(Exception):
    """Base of every error a runner or coach can cause with their input.

    `parts` is the message as text and suggestions; `str(error)` renders it for a library user and
    `render(show)` for a client that writes suggestions its own way (the CLI: `--distance 6mi`).
    """

    exit_code = 1
    field: str = ""
    parts: tuple[Part, ...] = ()

    def _set_message(self, *parts: Part) -> None:
        self.parts = tuple(part for part in parts if part != "")
        Exception.__init__(self, render_parts(self.parts))

    @property
    def suggestions(self) -> tuple[Suggestion, ...]:
        """The fields and values the message suggests, in order."""
        return tuple(part for part in self.parts if isinstance(part, Suggestion))

    def render(self, show: Callable[[Suggestion], str] = str) -> str:
        """The message with every suggestion written by `show`."""
        return render_parts(self.parts, show) if self.parts else Exception.__str__(self)

    def __str__(self) -> str:
        return self.render()


def _then(advice: Advice) -> tuple[Part, ...]:
    """ "; <advice>" when there is advice, else nothing."""
    parts = advice_parts(advice)
    return ("; ", *parts) if parts else ()


class UnitError(ProgrunError, ValueError):
    """Text that cannot be read as a pace, a duration or a distance (`field`: where it was typed)."""

    def __init__(self, text: str, kind: str, example: str, *, field: str = "", message: Advice = "") -> None:
        self.text = text
        self.kind = kind
        self.example = example
        self.field = field
        default = f"{text!r} is not a {kind}; write it like {example}"
        self._set_message(*(advice_parts(message) or (default,)))


class PaceError(ProgrunError):
    """A race result or a set of paces outside what the pace model covers."""

    def __init__(self, field: str, reason: str, suggestion: Advice = "") -> None:
        self.field = field
        self.reason = reason
        self.advice = advice_parts(suggestion)
        self.suggestion = render_parts(self.advice)
        self._set_message(f"{field}: {reason}", *_then(suggestion))


class PlanError(ProgrunError):
    """A progression-run request that cannot work, with what would work instead.

    `suggestion` is the advice as library text; `suggestions` the fields and values it offers.
    """

    def __init__(self, field: str, reason: str, suggestion: Advice = "") -> None:
        self.field = field
        self.reason = reason
        self.advice = advice_parts(suggestion)
        self.suggestion = render_parts(self.advice)
        self._set_message(f"{field}: {reason}", *_then(suggestion))


class RequestError(PlanError):
    """A plan request that is incomplete or contradictory: a field missing, or two that do not go together.

    Its message is `message` alone ("give either race or target_pace, not both"); `field` is the first
    field at fault.
    """

    def __init__(self, field: str, message: Advice) -> None:
        self.field = field
        self.advice = ()
        self.suggestion = ""
        self.reason = render_parts(advice_parts(message))
        self._set_message(*advice_parts(message))


class ActivityFileError(ProgrunError):
    """A recorded activity that cannot be read (`field` "file": the upload or path at fault)."""

    field = "file"

    def __init__(
        self, path: str, reason: str, *, format: str = "", where: str = "", hint: Advice = ""
    ) -> None:
        self.path = path
        self.format = format
        self.where = where
        self.reason = reason
        self.hint_parts = advice_parts(hint)
        self.hint = render_parts(self.hint_parts)
        self._set_message(f"{path}: {reason}", f" ({where})" if where else "", *_then(hint))

    @property
    def detail_parts(self) -> tuple[Part, ...]:
        """The message without the file's name: reason, where, what to do (for a report that names it)."""
        where = f" ({self.where})" if self.where else ""
        return tuple(part for part in (self.reason, where, *_then(self.hint_parts)) if part != "")


class UnknownFormat(ActivityFileError):
    """The content is not FIT, GPX or TCX (whatever its extension says)."""


class CorruptFile(ActivityFileError):
    """The file is damaged: truncated, bad CRC, invalid XML, or required data is missing."""


class UnsafeFile(ActivityFileError):
    """The file is refused for safety: XML entity attacks, decompression bombs, unsafe archive paths."""


class NotAnActivity(ActivityFileError):
    """A valid file that is not a recorded activity (a FIT monitoring, settings or workout file).

    Bulk imports skip these rather than count them as failures.
    """


class ExportError(ProgrunError):
    """A plan that the chosen export format cannot carry (or an export request missing a field)."""

    def __init__(self, format: str, reason: str, suggestion: Advice = "", *, field: str = "") -> None:
        self.format = format
        self.reason = reason
        self.field = field
        self._set_message(f"{format} export: {reason}", *_then(suggestion))


class StorageError(ProgrunError):
    """The training log cannot be opened or written (`field` "db" when its location is at fault)."""

    def __init__(self, reason: Advice) -> None:
        self.reason = render_parts(advice_parts(reason))
        if any(isinstance(part, Suggestion) and part.field == "db" for part in advice_parts(reason)):
            self.field = "db"
        self._set_message(*advice_parts(reason))


class DiskFull(StorageError):
    """The disk is full: an import stops at the first such error, whatever file it was on."""

    def __init__(self, where: str) -> None:
        self.where = where
        super().__init__(
            f"no space left on the disk while writing {where}; the import stopped and nothing partial was "
            "kept; free some space and run the import again (files already imported are skipped)"
        )


class NotFound(StorageError):
    """A lookup in the training log found nothing."""

    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"no {kind} {key!r} in the training log; `progrun history` lists what is there")


#: The HTTP status a web API answers each error with (the most specific class listed wins, see
#: `http_status`): bad input 422, an unknown format 415, a refused file 422, a missing record 404,
#: a full disk 507, a log that cannot be opened 503.
HTTP_STATUS: dict[type[ProgrunError], int] = {
    ProgrunError: 400,
    UnitError: 422,
    PaceError: 422,
    PlanError: 422,
    RequestError: 400,
    ActivityFileError: 422,
    UnknownFormat: 415,
    CorruptFile: 422,
    UnsafeFile: 422,
    NotAnActivity: 422,
    ExportError: 422,
    StorageError: 503,
    DiskFull: 507,
    NotFound: 404,
}


def http_status(error: ProgrunError) -> int:
    """The HTTP status for `error`: its class's row, else its nearest listed base class's."""
    for cls in type(error).__mro__:
        if cls in HTTP_STATUS:
            return HTTP_STATUS[cls]
    return HTTP_STATUS[ProgrunError]
