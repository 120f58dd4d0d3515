"""The pages in a real browser: Debian's Chromium driven by Playwright over a loopback server.

Never skipped: `./dev test` installs Chromium when it is missing. Screenshots go to docs/img/web-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from garmin_fit_sdk import Decoder, Stream
from playwright.sync_api import Browser, Page, expect, sync_playwright

from progrun.training_log import TrainingLog
from progrun.units import format_pace
from tests.web_pages.pages_server import pages_app, serving

ROOT = Path(__file__).resolve().parents[2]
FIT_RUN = ROOT.parent / "shared" / "data" / "activities" / "fit" / "fitparse__activity-small-fenix2-run.fit"
SHOTS = ROOT / "docs" / "img"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, TrainingLog, int]]:
    folder = tmp_path_factory.mktemp("pages")
    log = TrainingLog.open(f"sqlite:///{folder / 'log.db'}")
    report = log.import_bytes(FIT_RUN.name, FIT_RUN.read_bytes())
    assert report.imported == 1
    run_id = log.history(page_size=None).entries[-1].run.id
    with serving(pages_app(log)) as base:
        yield base, log, run_id
    log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == []  # no script error (and so no CSP refusal of our own scripts)


def test_plan_builder_previews_and_downloads_a_fit_workout(
    site: tuple[str, TrainingLog, int], page: Page
) -> None:
    base, _log, _run = site
    page.goto(f"{base}/plan")
    page.fill("#distance", "5mi")
    expect(page.locator("#plan-summary")).to_contain_text("5 mi")
    rows = page.locator("#plan-table tbody tr")
    expect(rows.first.locator("th")).to_have_text("1")
    assert page.locator("#plan-table tbody tr th").all_inner_texts()[:5] == ["1", "2", "3", "4", "5"]
    page.locator("#ramp-chart canvas").first.wait_for()
    page.screenshot(path=str(SHOTS / "web-plan.png"), full_page=True)
    with page.expect_download() as waiting:
        page.click("#download-fit")
    data = Path(waiting.value.path()).read_bytes()
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert errors == []
    steps = messages["workout_step_mesgs"]
    assert len(steps) >= 5  # five one-mile splits and the cooldown
    page.fill("#distance", "5 parsecs")
    expect(page.locator(".error")).to_contain_text("distance")


def test_report_shows_the_verdict_and_the_splits_of_the_json(
    site: tuple[str, TrainingLog, int], page: Page
) -> None:
    base, log, run_id = site
    data = log.activity(run_id).to_dict()  # what GET /api/runs/{id} serves
    verdict = data["verdict"]
    assert isinstance(verdict, dict)
    details = verdict["details"]
    page.goto(f"{base}/runs/{run_id}")
    expect(page.locator("#verdict")).to_have_text(details["verdict"])
    shown = page.locator("#split-table tbody td.pace").all_inner_texts()
    assert shown == [
        format_pace(split["actual_s_per_km"], details["unit"], suffix=False) for split in details["splits"]
    ]
    assert page.locator("#score").inner_text() == f"{verdict['score']:.0f}"
    assert page.locator("#route polyline").count() > 3
    page.locator("#report-chart canvas").first.wait_for()
    page.screenshot(path=str(SHOTS / "web-report.png"), full_page=True)


def test_paces_history_and_progress(site: tuple[str, TrainingLog, int], page: Page) -> None:
    base, _log, run_id = site
    page.goto(f"{base}/paces?race=5k%3D20%3A00")
    expect(page.locator("#vdot")).to_have_text("49.8")
    page.screenshot(path=str(SHOTS / "web-paces.png"), full_page=True)
    page.goto(f"{base}/history?kind=progression")
    expect(page.locator("#history-table tbody tr")).to_have_count(1)
    page.click(f"a[href='/runs/{run_id}']")
    expect(page.locator("#verdict")).to_be_visible()
    page.goto(f"{base}/progress")
    expect(page.locator("#progress-table tbody tr")).to_have_count(1)
    expect(page.locator("#progress-table tbody td").nth(1)).to_have_text("4:15")
    page.screenshot(path=str(SHOTS / "web-progress.png"), full_page=True)
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()


def test_report_at_phone_width(site: tuple[str, TrainingLog, int], browser: Browser) -> None:
    base, _log, run_id = site
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.goto(f"{base}/runs/{run_id}")
    expect(tab.locator("#verdict")).to_be_visible()
    page_width = tab.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 390  # nothing pushes the page sideways; wide tables scroll in their own box
    tab.screenshot(path=str(SHOTS / "web-report-phone.png"), full_page=True)
    context.close()
