"""Every outside format: reading recorded runs (`read_activity`, in `formats.reading`) and plan exports.

`read_activity`, `detect_format`, `DEFAULT_MAX_BYTES` and `OnError` are loaded on first use (PEP 562),
so importing a writer such as `progrun.formats.export` does not import numpy through this package.
"""

import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:
    from progrun.formats.on_error import OnError as OnError
    from progrun.formats.reading import DEFAULT_MAX_BYTES as DEFAULT_MAX_BYTES
    from progrun.formats.reading import detect_format as detect_format
    from progrun.formats.reading import read_activity as read_activity

_LAZY = {
    "DEFAULT_MAX_BYTES": "progrun.formats.reading",
    "OnError": "progrun.formats.on_error",
    "detect_format": "progrun.formats.reading",
    "read_activity": "progrun.formats.reading",
}

__all__ = ["DEFAULT_MAX_BYTES", "OnError", "detect_format", "read_activity"]


def __getattr__(name: str) -> _typing.Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'progrun.formats' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)
