"""Charts: the verdict chart, the weekly progress chart, the printable pace band and treadmill card.

Each draws on matplotlib's object API only: a `matplotlib.figure.Figure` made for one call and saved
through its own canvas, never `matplotlib.pyplot` (whose global figure registry and current-figure
state are not safe when a server draws in several threads at once). matplotlib is the `[charts]`
extra; nothing else in progrun imports it. The pace band and the treadmill card are computed as a
plain `drawing.Drawing` first; their PNG is drawn from it with Pillow (matplotlib's own dependency,
and its fonts), so a PNG export does not import matplotlib at all.
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
