"""A printed page as plain shapes in millimetres: texts, filled boxes, lines; no drawing library.

The pace band and the treadmill card compute one `Drawing` each, and two renderers draw it unchanged:
`charts.drawing_mpl` (matplotlib, for PDF and for the club sheet) and `charts.drawing_png` (Pillow, for
PNG without importing matplotlib). So every number printed comes from one computation, whatever the
format.

Coordinates are millimetres from the page's bottom-left corner (y up, as on paper and in matplotlib).
A text is centred vertically on its point (matplotlib's va="center") or sits on it (`baseline`), and
is centred horizontally or starts there (`align`). Sizes are in points; colours "#rrggbb". Line widths
are in points, the stroke centred on the geometry.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

MM_PER_INCH = 25.4
POINTS_PER_INCH = 72.0


class Align(StrEnum):
    """Where a text's point is horizontally: its centre or its left end."""

    CENTER = "center"
    LEFT = "left"


@dataclass(frozen=True)
class Text:
    """One line of text, at (`x_mm`, `y_mm`)."""

    text: str
    x_mm: float
    y_mm: float
    size_pt: float
    bold: bool = False
    colour: str = "#000000"
    align: Align = Align.CENTER
    #: True: the point is on the text's baseline; False: at its vertical centre.
    baseline: bool = False


@dataclass(frozen=True)
class Box:
    """A rectangle: filled with `fill`, and/or outlined `edge_pt` wide in `edge` (None: no outline)."""

    x_mm: float
    y_mm: float
    width_mm: float
    height_mm: float
    fill: str | None = None
    edge: str | None = None
    edge_pt: float = 0.0


@dataclass(frozen=True)
class Line:
    """A straight line from (`x0_mm`, `y0_mm`) to (`x1_mm`, `y1_mm`), `width_pt` wide."""

    x0_mm: float
    y0_mm: float
    x1_mm: float
    y1_mm: float
    width_pt: float
    colour: str = "#000000"


Shape = Box | Line


@dataclass(frozen=True)
class Drawing:
    """A page `width_mm` x `height_mm`: shapes drawn in order, then texts on top."""

    width_mm: float
    height_mm: float
    shapes: tuple[Shape, ...]
    texts: tuple[Text, ...]

    def moved(self, dx_mm: float, dy_mm: float) -> tuple[tuple[Shape, ...], tuple[Text, ...]]:
        """This drawing's shapes and texts shifted by (`dx_mm`, `dy_mm`), to place it on a larger page."""
        shapes: list[Shape] = []
        for shape in self.shapes:
            if isinstance(shape, Box):
                shapes.append(replace(shape, x_mm=shape.x_mm + dx_mm, y_mm=shape.y_mm + dy_mm))
            else:
                shapes.append(
                    replace(
                        shape,
                        x0_mm=shape.x0_mm + dx_mm,
                        x1_mm=shape.x1_mm + dx_mm,
                        y0_mm=shape.y0_mm + dy_mm,
                        y1_mm=shape.y1_mm + dy_mm,
                    )
                )
        texts = tuple(replace(text, x_mm=text.x_mm + dx_mm, y_mm=text.y_mm + dy_mm) for text in self.texts)
        return tuple(shapes), texts


def grey(level: float) -> str:
    """matplotlib's grey "0.35" (0 black, 1 white) as "#595959"."""
    value = round(level * 255)
    return f"#{value:02x}{value:02x}{value:02x}"
