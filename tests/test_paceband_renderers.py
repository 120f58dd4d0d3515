"""The pace band and treadmill card: one layout, drawn by Pillow (PNG) and matplotlib (PDF) alike.

Generated over plans of 3 to 12 steps, in km and miles, by distance and by time: the PNG and the PDF
are drawn from the same `Drawing` (same texts, same places), the PNG is the 230 x 25 mm strip at 300
dpi with ink in every column's pace, red tempo titles, no text across a column's edge, the same bytes
each time, and a PNG export never imports matplotlib.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
from importlib.machinery import ModuleSpec
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from progrun.charts import drawing_mpl, drawing_png
from progrun.charts.drawing import Drawing
from progrun.charts.paceband import PNG_DPI, pdf_page_layout, write_paceband
from progrun.charts.paceband_layout import (
    BAND_Y_MM,
    PACE_Y_MM,
    STRIP_HEIGHT_MM,
    STRIP_WIDTH_MM,
    TEMPO_RED,
    TITLE_Y_MM,
    column_left_mm,
    column_width_mm,
    paceband_layout,
)
from progrun.charts.treadmill_card import card_layout, draw_card
from progrun.errors import ExportError
from progrun.formats.export import ExportFormat
from progrun.paces import training_paces_for_vdot
from progrun.plan import Plan, SplitUnit, StepKind
from progrun.planner import build_duration_plan
from progrun.treadmill import treadmill_card
from tests.formats.workout_plans import make_plan

PX_PER_MM = PNG_DPI / 25.4


def _plans() -> list[tuple[str, Plan]]:
    """Plans of 3 to 12 steps: hand-made by distance in km and miles (with and without a warm-up and a
    partial last split), and the planner's by time over 20-75 minutes, for a slow and a fast runner."""
    plans: list[tuple[str, Plan]] = []
    for steps in range(3, 13):
        for unit in SplitUnit:
            warmup = steps % 2 == 0 and steps > 3
            splits = steps - 1 - int(warmup)
            plan = make_plan(
                unit=unit, splits=splits, tempo_splits=min(2, splits), warmup=warmup, last_fraction=0.5
            )
            plans.append((f"{steps}-{unit.value}", plan))
    for vdot in (30.0, 60.0):
        for minutes in (20, 35, 50, 75):
            plan = build_duration_plan(training_paces_for_vdot(vdot), minutes * 60.0, unit=SplitUnit.KM)
            if 3 <= len(plan.steps) <= 12:
                plans.append((f"time-{minutes}min-vdot{vdot:g}", plan))
    return plans


PLANS = _plans()
IDS = [name for name, _ in PLANS]


def _drawings(plan: Plan, monkeypatch: pytest.MonkeyPatch) -> dict[ExportFormat, Drawing]:
    """The drawing each format's renderer was given when the band was exported."""
    seen: dict[ExportFormat, Drawing] = {}
    real_png, real_pdf = drawing_png.png_bytes, drawing_mpl.pdf_bytes

    def png(drawing: Drawing, dpi: float) -> bytes:
        seen[ExportFormat.PNG] = drawing
        return real_png(drawing, dpi)

    def pdf(drawing: Drawing) -> bytes:
        seen[ExportFormat.PDF] = drawing
        return real_pdf(drawing)

    monkeypatch.setattr(drawing_png, "png_bytes", png)
    monkeypatch.setattr(drawing_mpl, "pdf_bytes", pdf)
    for fmt in (ExportFormat.PNG, ExportFormat.PDF):
        write_paceband(plan, fmt, name="band")
    return seen


def test_the_generated_plans_cover_3_to_12_steps_by_distance_and_by_time() -> None:
    counts = {len(plan.steps) for _, plan in PLANS}
    assert counts == set(range(3, 13))
    assert any(name.startswith("time-") for name in IDS)
    assert {plan.unit for _, plan in PLANS} == set(SplitUnit)


@pytest.mark.parametrize(("name", "plan"), PLANS, ids=IDS)
def test_png_and_pdf_print_the_same_layout(name: str, plan: Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    drawings = _drawings(plan, monkeypatch)
    strip = paceband_layout(plan, "band")
    assert drawings[ExportFormat.PNG] == strip
    page = drawings[ExportFormat.PDF]
    assert page == pdf_page_layout(strip)
    left, bottom = (page.width_mm - STRIP_WIDTH_MM) / 2, page.height_mm - 40.0 - STRIP_HEIGHT_MM
    shapes, texts = strip.moved(left, bottom)
    assert page.texts[: len(texts)] == texts  # then the two print notes
    assert page.texts[len(texts)].text.startswith("Pace band: print at 100 %")
    assert page.shapes[: len(shapes)] == shapes
    # 4 legend texts, then 4 per step: title, pace (or the cooldown's minutes), band (or cue), clock
    assert len(strip.texts) == 4 + 4 * len(plan.steps)
    # the PDF renderer puts every text of the page where the layout says, at its size
    axes = drawing_mpl.draw_on(
        Figure(), page, left_mm=0.0, bottom_mm=0.0, page_mm=(page.width_mm, page.height_mm)
    )
    drawn = [(t.get_text(), *t.get_position(), t.get_fontsize()) for t in axes.texts]
    assert drawn == [(t.text, t.x_mm, t.y_mm, pytest.approx(t.size_pt)) for t in page.texts]


@pytest.mark.parametrize(("name", "plan"), PLANS, ids=IDS)
def test_png_strip_has_ink_in_each_column_and_keeps_it_inside(name: str, plan: Plan) -> None:
    data = write_paceband(plan, ExportFormat.PNG, name="band").data
    image = Image.open(io.BytesIO(data))
    assert image.size == (2716, 295)  # 230 x 25 mm at 300 dpi
    assert image.info["dpi"] == pytest.approx((PNG_DPI, PNG_DPI), abs=0.01)
    pixels = np.asarray(image.convert("RGB")).astype(int)
    grey = pixels.mean(axis=2)
    red = (pixels == [int(TEMPO_RED[i : i + 2], 16) for i in (1, 3, 5)]).all(axis=2)  # inside the letters

    def rows(y_mm: float, half_mm: float) -> slice:
        top = round(image.size[1] - (y_mm + half_mm) * PX_PER_MM)
        return slice(top, round(image.size[1] - (y_mm - half_mm) * PX_PER_MM))

    width_mm = column_width_mm(plan)
    for index, step in enumerate(plan.steps):
        x0 = column_left_mm(plan, index)
        columns = slice(round((x0 + 0.5) * PX_PER_MM), round((x0 + width_mm - 0.5) * PX_PER_MM))
        pace_dark = (grey[rows(PACE_Y_MM, 2.5), columns] < 100).sum()
        band_dark = (grey[rows(BAND_Y_MM, 1.5), columns] < 100).sum()
        assert pace_dark > 150, (index, pace_dark)  # bold figures, a few hundred pixels at least
        assert band_dark > 30, (index, band_dark)
        title_red = red[rows(TITLE_Y_MM, 2.0), columns].sum()
        assert (title_red > 30) == (step.kind is StepKind.TEMPO), (index, title_red)
        if index:  # no text reaches across the line between two columns
            edge = round(x0 * PX_PER_MM)
            assert (grey[2:-2, edge - 4 : edge + 4] < 100).sum() == 0, index


def test_png_bytes_are_the_same_every_time_and_carry_no_time_stamp() -> None:
    plan = make_plan(unit=SplitUnit.KM, splits=7, warmup=True)
    first = write_paceband(plan, ExportFormat.PNG, name="band").data
    assert write_paceband(plan, ExportFormat.PNG, name="band").data == first
    chunks = []
    offset = 8
    while offset < len(first):
        (length,) = struct.unpack(">I", first[offset : offset + 4])
        chunks.append(first[offset + 4 : offset + 8].decode("ascii"))
        offset += 12 + length
    assert chunks[0] == "IHDR" and chunks[-1] == "IEND"
    assert set(chunks) <= {"IHDR", "pHYs", "IDAT", "IEND"}


@pytest.mark.parametrize("unit", ["kmh", "mph"])
@pytest.mark.parametrize("vdot", [25.0, 50.0, 75.0])
def test_treadmill_card_png_and_pdf_print_the_same_layout(
    unit: str, vdot: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = build_duration_plan(training_paces_for_vdot(vdot), 40 * 60.0, unit=SplitUnit.MILE)
    card = treadmill_card(plan, unit, title="card")
    layout = card_layout(card)
    texts = [text.text for text in layout.texts]
    for row in card.rows:
        assert f"{row.speed:.1f}" in texts
    seen: list[Drawing] = []
    real_png, real_pdf = drawing_png.png_bytes, drawing_mpl.pdf_bytes
    monkeypatch.setattr(drawing_png, "png_bytes", lambda d, dpi: seen.append(d) or real_png(d, dpi))
    monkeypatch.setattr(drawing_mpl, "pdf_bytes", lambda d: seen.append(d) or real_pdf(d))
    png = draw_card(card, ExportFormat.PNG)
    assert draw_card(card, ExportFormat.PDF).startswith(b"%PDF")
    assert seen == [layout, layout]
    image = Image.open(io.BytesIO(png))
    assert image.size == (1165, 1653)  # A5 at 200 dpi
    every_text_inside = all(
        0 < t.x_mm < layout.width_mm and 0 < t.y_mm < layout.height_mm for t in layout.texts
    )
    assert every_text_inside
    assert (np.asarray(image.convert("L")) < 100).sum() > 5000


def test_a_png_export_never_imports_matplotlib() -> None:
    code = (
        "import sys\n"
        "import progrun\n"
        "paces = progrun.training_paces_from_race(*progrun.parse_race('5k=20:00'))\n"
        "plan = progrun.build_plan(paces, progrun.parse_distance('5mi'))\n"
        "print(progrun.export_plan(plan, progrun.ExportFormat.PNG).data[:4] == b'\\x89PNG')\n"
        "print('matplotlib' in sys.modules)\n"
        "print(progrun.export_plan(plan, progrun.ExportFormat.PDF).data[:4] == b'%PDF')\n"
        "print('matplotlib' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "False", "True", "True"]


def test_png_fonts_are_matplotlibs_and_their_absence_is_a_named_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import matplotlib

    bundled = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    assert drawing_png.font_path(False) == bundled / "DejaVuSans.ttf"
    assert drawing_png.font_path(True) == bundled / "DejaVuSans-Bold.ttf"
    empty = ModuleSpec("matplotlib", None, is_package=True)
    empty.submodule_search_locations = [str(tmp_path)]
    monkeypatch.setattr(drawing_png, "find_spec", lambda name: empty)
    with pytest.raises(
        ExportError, match=r"DejaVuSans\.ttf that pace bands are drawn with is missing"
    ) as error:
        drawing_png.font_path(False)
    assert error.value.format == "chart"
    monkeypatch.setattr(drawing_png, "find_spec", lambda name: None)
    with pytest.raises(ExportError, match=r"pip install 'progrun\[charts\]'"):
        drawing_png.font_path(True)
