"""The one exception tree of progrun.

```
ProgrunError                  the only thing the CLI (and later the web app) catches
├── UnitError                 text that is not a pace, duration or distance (text, kind, example)
├── PaceError                 a race result or pace set outside what the model covers (field, reason)
├── PlanError                 a progression run that cannot work (field, reason, suggestion)
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
"""

from __future__ import annotations


class ProgrunError(Exception):
    """Base of every error a runner or coach can cause with their input."""

    exit_code = 1


class UnitError(ProgrunError, ValueError):
    """Text that cannot be read as a pace, a duration or a distance."""

    def __init__(self, text: str, kind: str, example: str) -> None:
        self.text = text
        self.kind = kind
        self.example = example
        super().__init__(f"{text!r} is not a {kind}; write it like {example}")


class PaceError(ProgrunError):
    """A race result or a set of paces outside what the pace model covers."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class PlanError(ProgrunError):
    """A progression-run request that cannot work, with what would work instead."""

    def __init__(self, field: str, reason: str, suggestion: str = "") -> None:
        self.field = field
        self.reason = reason
        self.suggestion = suggestion
        message = f"{field}: {reason}"
        if suggestion:
            message += f"; {suggestion}"
        super().__init__(message)


class ActivityFileError(ProgrunError):
    """A recorded activity that cannot be read."""

    def __init__(self, path: str, reason: str, *, format: str = "", where: str = "", hint: str = "") -> None:
        self.path = path
        self.format = format
        self.where = where
        self.reason = reason
        self.hint = hint
        message = f"{path}: {reason}"
        if where:
            message += f" ({where})"
        if hint:
            message += f"; {hint}"
        super().__init__(message)


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
    """A plan that the chosen export format cannot carry."""

    def __init__(self, format: str, reason: str) -> None:
        self.format = format
        self.reason = reason
        super().__init__(f"{format} export: {reason}")


class StorageError(ProgrunError):
    """The training log cannot be opened or written."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


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
