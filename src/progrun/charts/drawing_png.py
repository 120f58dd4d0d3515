"""Draw a `charts.drawing.Drawing` as a PNG with Pillow, without importing matplotlib.

Importing matplotlib's figure and axes costs about 0.4 s of CPU, more than the CLI's start-up bar
(0.25 s); Pillow (a dependency of matplotlib, so present with the `[charts]` extra) imports in about
15 ms. The fonts are matplotlib's own DejaVu Sans and DejaVu Sans Bold, found in its `mpl-data` folder
without importing it, so the PNG and the PDF print the same letters.

Points become pixels as pt x dpi / 72, millimetres as mm x dpi / 25.4, and y (from the bottom) is
flipped. A text is centred on its point as matplotlib's ha/va="center" does: its baseline (Pillow's
anchor "ms", or "ls" left-aligned) goes where matplotlib's would, half a line box of the text and
"lp" below the point (Pillow's own "mm" anchor centres on the font's ascender and descender instead,
about 0.07 em lower). The PNG carries its dpi and no time stamp: the same drawing gives the same bytes.
"""

from __future__ import annotations

import io
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from progrun.charts.drawing import MM_PER_INCH, POINTS_PER_INCH, Align, Box, Drawing, Line
from progrun.errors import ExportError

FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}


def font_path(bold: bool) -> Path:
    """matplotlib's DejaVu Sans (or Bold) TTF, located without importing matplotlib."""
    spec = find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:  # installed without the [charts] extra
        raise ExportError(
            "chart",
            "charts and pace bands are drawn with matplotlib, which is not installed; "
            "install it with pip install 'progrun[charts]'",
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf" / FONT_FILES[bold]
    if not path.is_file():
        raise ExportError(
            "chart",
            f"the font {path} that pace bands are drawn with is missing from matplotlib's files; "
            "reinstall matplotlib",
        )
    return path


@cache
def _font(bold: bool, size_px: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(bold)), size_px)


def render(drawing: Drawing, dpi: float) -> Image.Image:
    """The drawing as an RGB image, white behind it, `dpi` pixels per inch."""
    px_per_mm = dpi / MM_PER_INCH
    px_per_pt = dpi / POINTS_PER_INCH
    image = Image.new(
        "RGB", (int(drawing.width_mm * px_per_mm), int(drawing.height_mm * px_per_mm)), "#ffffff"
    )
    draw = ImageDraw.Draw(image)

    def point(x_mm: float, y_mm: float) -> tuple[float, float]:
        return x_mm * px_per_mm, image.height - y_mm * px_per_mm

    for shape in drawing.shapes:
        if isinstance(shape, Box):
            left, top = point(shape.x_mm, shape.y_mm + shape.height_mm)
            right, bottom = point(shape.x_mm + shape.width_mm, shape.y_mm)
            if shape.fill is not None:
                draw.rectangle(
                    (round(left), round(top), round(right) - 1, round(bottom) - 1), fill=shape.fill
                )
            if shape.edge is not None and shape.edge_pt > 0:
                width = max(1, round(shape.edge_pt * px_per_pt))
                for ends in (
                    (left, top, right, top),
                    (left, bottom, right, bottom),
                    (left, top, left, bottom),
                    (right, top, right, bottom),
                ):
                    _stroke(draw, ends, width, shape.edge)
        elif isinstance(shape, Line):
            ends = (*point(shape.x0_mm, shape.y0_mm), *point(shape.x1_mm, shape.y1_mm))
            _stroke(draw, ends, max(1, round(shape.width_pt * px_per_pt)), shape.colour)
    for text in drawing.texts:
        anchor = "ms" if text.align is Align.CENTER else "ls"
        font = _font(text.bold, text.size_pt * px_per_pt)
        x, baseline = point(text.x_mm, text.y_mm)
        if not text.baseline:
            baseline += _baseline_below_centre_px(font, text.text)
        draw.text((x, baseline), text.text, fill=text.colour, font=font, anchor=anchor)
    return image


def _stroke(
    draw: ImageDraw.ImageDraw, ends: tuple[float, float, float, float], width: int, colour: str
) -> None:
    """A line between two pixel points, `width` pixels wide and centred on them. A level or upright line
    (all the pace band has) is a crisp box with squared ends, clipped to the image."""
    x0, y0, x1, y1 = ends
    if x0 != x1 and y0 != y1:
        draw.line(ends, fill=colour, width=width)
        return
    half = width / 2
    image_w, image_h = draw.im.size
    left, right = max(0, round(min(x0, x1) - half)), min(image_w, round(max(x0, x1) + half))
    top, bottom = max(0, round(min(y0, y1) - half)), min(image_h, round(max(y0, y1) + half))
    if right > left and bottom > top:
        draw.rectangle((left, top, right - 1, bottom - 1), fill=colour)


def _baseline_below_centre_px(font: ImageFont.FreeTypeFont, text: str) -> float:
    """How far below a text's centre its baseline lies, as matplotlib centres a line (va="center"):
    the box from the lowest descent to the highest ascent of the text and of "lp", so a line of digits
    sits where a line with descenders would."""
    _, top, _, bottom = font.getbbox(text, anchor="ls")
    _, lp_top, _, lp_bottom = font.getbbox("lp", anchor="ls")
    descent = max(bottom, lp_bottom, 0)
    height = max(bottom - top, lp_bottom - lp_top)
    return (height - 2 * descent) / 2


def png_bytes(drawing: Drawing, dpi: float) -> bytes:
    """The drawing as PNG bytes, with its dpi and no time stamp or software name."""
    buffer = io.BytesIO()
    render(drawing, dpi).save(buffer, format="PNG", dpi=(dpi, dpi))
    return buffer.getvalue()
