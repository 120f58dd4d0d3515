"""Charts: the verdict chart, the weekly progress chart and the printable pace band.

Each draws on matplotlib's object API only: a `matplotlib.figure.Figure` made for one call and saved
through its own canvas, never `matplotlib.pyplot` (whose global figure registry and current-figure
state are not safe when a server draws in several threads at once). matplotlib is the `[charts]`
extra; nothing else in progrun imports it.
"""

from __future__ import annotations

from importlib.util import find_spec

from progrun.errors import ExportError

if find_spec("matplotlib") is None:  # installed without the [charts] extra
    raise ExportError(
        "chart",
        "charts and pace bands are drawn with matplotlib, which is not installed; "
        "install it with pip install 'progrun[charts]'",
    )
