"""Draw a `charts.drawing.Drawing` with matplotlib: as a PDF page, or placed on a larger figure.

matplotlib's object API only (a `Figure` made for one call, never pyplot). The drawing gets its own
axes, one data unit per millimetre, y up, so each shape and text lands where the drawing says.
"""

from __future__ import annotations

import io

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from progrun.charts.drawing import MM_PER_INCH, Box, Drawing, Line


def draw_on(
    figure: Figure, drawing: Drawing, *, left_mm: float, bottom_mm: float, page_mm: tuple[float, float]
) -> Axes:
    """Draw `drawing` on `figure` with its corner at (`left_mm`, `bottom_mm`) of a page `page_mm` big."""
    page_w, page_h = page_mm
    axes = figure.add_axes(
        (left_mm / page_w, bottom_mm / page_h, drawing.width_mm / page_w, drawing.height_mm / page_h)
    )
    axes.set_xlim(0, drawing.width_mm)
    axes.set_ylim(0, drawing.height_mm)
    axes.set_axis_off()
    for order, shape in enumerate(drawing.shapes, start=1):
        if isinstance(shape, Box):
            if shape.fill is not None:
                axes.add_patch(
                    Rectangle(
                        (shape.x_mm, shape.y_mm), shape.width_mm, shape.height_mm, facecolor=shape.fill,
                        linewidth=0, zorder=order, clip_on=False,
                    )
                )  # fmt: skip
            if shape.edge is not None and shape.edge_pt > 0:
                axes.add_patch(
                    Rectangle(
                        (shape.x_mm, shape.y_mm), shape.width_mm, shape.height_mm, fill=False,
                        edgecolor=shape.edge, linewidth=shape.edge_pt, zorder=order, clip_on=False,
                    )
                )  # fmt: skip
        elif isinstance(shape, Line):
            axes.plot(
                [shape.x0_mm, shape.x1_mm], [shape.y0_mm, shape.y1_mm], color=shape.colour,
                linewidth=shape.width_pt, zorder=order, clip_on=False,
            )  # fmt: skip
    text_order = len(drawing.shapes) + 1
    for text in drawing.texts:
        axes.text(
            text.x_mm, text.y_mm, text.text, ha=text.align.value, fontsize=text.size_pt,
            va="baseline" if text.baseline else "center", fontweight="bold" if text.bold else "normal",
            color=text.colour, zorder=text_order,
        )  # fmt: skip
    return axes


def pdf_bytes(drawing: Drawing) -> bytes:
    """The drawing as a one-page PDF its own size, with no creation date (the same bytes each time)."""
    figure = Figure(figsize=(drawing.width_mm / MM_PER_INCH, drawing.height_mm / MM_PER_INCH))
    draw_on(figure, drawing, left_mm=0.0, bottom_mm=0.0, page_mm=(drawing.width_mm, drawing.height_mm))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="pdf", metadata={"CreationDate": None, "Creator": "progrun"})
    return buffer.getvalue()
