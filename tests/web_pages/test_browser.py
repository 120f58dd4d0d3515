"""The pages of `create_app` in a real browser: Debian's Chromium driven by Playwright over uvicorn on a
loopback port and a temporary SQLite log. Signed in by `progrun serve`'s one-time link (the owner) or by
the register form; a real FIT file is uploaded through the upload page and its report read.

Never skipped: `./dev test` installs Chromium when it is missing. Screenshots go to docs/img/web-*.png.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from garmin_fit_sdk import Decoder, Stream
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from progrun.heart_rate import hr_bands_of
from progrun.plan_request import PlanRequest, plan_from_request
from progrun.settings import Settings
from progrun.treadmill import treadmill_card
from progrun.units import format_pace
from progrun.web import WebConfig, create_app
from progrun.web.owner import ensure_owner, once_link
from progrun.web.state import AppState
from tests.web_pages.pages_server import serving

ROOT = Path(__file__).resolve().parents[2]
FIT_DIR = ROOT.parent / "shared" / "data" / "activities" / "fit"
FIT_RUN = FIT_DIR / "fitparse__activity-small-fenix2-run.fit"
ARCHIVED_RUN = FIT_DIR / "sportstracker__Garmin_Fenix_6S_Pro-Running.fit"
SHOTS = ROOT / "docs" / "img"
CHROMIUM = "/usr/bin/chromium"


@dataclass
class Site:
    base: str
    state: AppState
    owner_id: int

    def once_link(self) -> str:
        return once_link(self.state.database, self.owner_id, self.base, 5)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("pages")
    config = WebConfig(analysis_workers=1)
    app = create_app(Settings(db_url=f"sqlite:///{folder / 'log.db'}", data_dir=folder), config)
    state: AppState = app.state.progrun
    owner, _created = ensure_owner(state.database, "Ana")
    with serving(app) as base:
        yield Site(base, state, owner.id)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def signed_in(browser: Browser, site: Site, width: int = 1100) -> tuple[BrowserContext, Page, list[str]]:
    """A browser context signed in as the owner through a one-time link; its page and its script errors."""
    context = browser.new_context(
        base_url=site.base, viewport={"width": width, "height": 900}, accept_downloads=True
    )
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.goto(site.once_link())
    expect(tab.locator("h1")).to_contain_text("Hello, Ana")
    return context, tab, errors


@pytest.fixture()
def page(browser: Browser, site: Site) -> Iterator[Page]:
    context, tab, errors = signed_in(browser, site)
    yield tab
    context.close()
    assert errors == []  # no script error and no CSP refusal of our own scripts or styles


@pytest.fixture(scope="module")
def run_id(browser: Browser, site: Site) -> int:
    """The real FIT file uploaded through the upload page (file input); its run's number once analysed."""
    context, tab, errors = signed_in(browser, site)
    tab.click("nav >> text=Upload")
    tab.wait_for_load_state()  # upload.js is bound once the deferred scripts ran
    tab.set_input_files("#upload-files", str(FIT_RUN))
    row = tab.locator("#uploads li").first
    expect(row).to_have_attribute("data-status", "done", timeout=60_000)
    expect(row.locator("progress")).to_have_attribute("value", "100")
    link = row.locator("a.upload-report")
    href = link.get_attribute("href") or ""
    tab.screenshot(path=str(SHOTS / "web-upload.png"), full_page=True)
    context.close()
    assert errors == []
    assert href.startswith("/runs/")
    return int(href.rsplit("/", 1)[1])


def test_anonymous_visitor_is_sent_to_sign_in_and_register_signs_in(browser: Browser, site: Site) -> None:
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(f"{site.base}/history")
    assert tab.url == f"{site.base}/login"
    expect(tab.locator("h1")).to_have_text("Sign in")
    tab.click("text=Create an account")
    tab.fill("#name", "Bea")
    tab.fill("#email", "bea@example.org")
    tab.fill("#password", "short")
    tab.evaluate("document.getElementById('password').removeAttribute('minlength')")
    tab.click("#register-form button")
    expect(tab.locator(".error")).to_contain_text("password")
    tab.fill("#password", "a long enough password")
    tab.click("#register-form button")
    expect(tab.locator("h1")).to_have_text("Hello, Bea")
    tab.goto(f"{site.base}/history")
    expect(tab.locator("#history-table tbody tr")).to_have_count(0)  # Bea's log is her own, empty
    context.close()


def test_plan_builder_saves_the_plan_and_downloads_its_fit_workout(page: Page) -> None:
    page.click("nav >> text=Plan")
    page.wait_for_load_state()  # HTMX is bound once the deferred scripts ran
    page.fill("#distance", "5mi")
    expect(page.locator("#plan-summary")).to_contain_text("5 mi")
    assert page.locator("#plan-table tbody tr th").all_inner_texts()[:5] == ["1", "2", "3", "4", "5"]
    page.locator("#ramp-chart canvas").first.wait_for()
    page.click("#save-plan")
    fit_link = page.locator("#download-fit")
    expect(fit_link).to_have_attribute("href", r"/api/plans/1/export/fit")
    page.screenshot(path=str(SHOTS / "web-plan.png"), full_page=True)
    with page.expect_download() as waiting:
        fit_link.click()
    assert waiting.value.suggested_filename == "progression-plan-1.fit"
    data = Path(waiting.value.path()).read_bytes()
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert errors == []
    steps = messages["workout_step_mesgs"]
    assert len(steps) >= 6  # five one-mile splits and the cooldown
    page.fill("#distance", "5 parsecs")
    expect(page.locator(".error")).to_contain_text("distance")


def test_report_of_the_uploaded_run_shows_the_api_figures(page: Page, run_id: int) -> None:
    answer = page.request.get(f"/api/runs/{run_id}")
    assert answer.status == 200
    data: dict[str, Any] = answer.json()
    details = data["verdict"]["details"]
    page.goto(f"/runs/{run_id}")
    expect(page.locator("#verdict")).to_have_text(details["verdict"])
    assert details["verdict"].startswith("Not a clean progression")
    shown = page.locator("#split-table tbody td.pace").all_inner_texts()
    expected = [
        format_pace(split["actual_s_per_km"], details["unit"], suffix=False) for split in details["splits"]
    ]
    assert shown == expected
    assert len(shown) == 7  # the 9 km run judged as seven 1 km splits before its cooldown
    assert page.locator("#score").inner_text() == f"{data['verdict']['score']:.0f}"
    assert page.locator("#route polyline").count() > 3
    page.locator("#report-chart canvas").first.wait_for()
    # Off the chart, the legend shows the final split (not empty labels or "--"): the table's figures.
    legend = page.locator("#report-chart .u-legend")
    labels = legend.locator(".u-label").all_inner_texts()
    values = dict(zip(labels, legend.locator(".u-value").all_inner_texts(), strict=True))
    assert all(value and value != "--" for value in values.values()), values
    assert values["split"] == details["splits"][-1]["label"]
    last = details["splits"][-1]
    assert values["pace"] == shown[-1]
    assert values["HR"] == f"{round(last['heart_rate_avg_bpm'])} bpm"
    page.screenshot(path=str(SHOTS / "web-report.png"), full_page=True)


def test_a_dropped_export_archive_and_a_broken_file_each_say_how_they_went(page: Page) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as export:
        export.writestr("activities/run.fit", ARCHIVED_RUN.read_bytes())
    page.goto("/upload")
    dropped = page.evaluate_handle(
        """([zipBytes]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(zipBytes)], "export.zip"));
            transfer.items.add(new File([new TextEncoder().encode("<gpx>not a track")], "broken.gpx"));
            return transfer;
        }""",
        [list(archive.getvalue())],
    )
    page.dispatch_event("#drop-zone", "drop", {"dataTransfer": dropped})
    rows = page.locator("#uploads li")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-status", "done", timeout=60_000)
    expect(rows.nth(0).locator("a.upload-report")).to_be_visible()
    expect(rows.nth(1)).to_have_attribute("data-status", "failed", timeout=60_000)
    expect(rows.nth(1).locator(".upload-status")).to_contain_text("broken.gpx")


def test_progress_next_history_block_and_profile(page: Page, run_id: int) -> None:
    page.click("nav >> text=History")
    expect(page.locator(f"#history-table a[href='/runs/{run_id}']")).to_be_visible()
    page.screenshot(path=str(SHOTS / "web-history.png"), full_page=True)

    page.click("nav >> text=Profile")
    page.fill("#race", "5k=20:00")
    page.fill("#max_heart_rate_bpm", "188")
    page.fill("#resting_heart_rate_bpm", "48")
    page.click("#profile-form button")
    expect(page.locator("#profile-saved")).to_contain_text("Re-analysed 2 stored runs")
    expect(page.locator("#profile-vdot")).to_have_text("49.8")
    page.screenshot(path=str(SHOTS / "web-profile.png"), full_page=True)

    progress = page.request.get("/api/progress").json()
    page.click("nav >> text=Progress")
    weeks = page.locator("#progress-table tbody tr")
    expect(weeks).to_have_count(len(progress["weeks"]))
    expect(page.locator("#progress-table tbody tr").first.locator("th")).to_have_text("2015-08-10")
    expect(page.locator("#trend")).to_have_text(progress["verdict"])
    final_split = format_pace(progress["weeks"][0]["final_split_pace_s_per_km"], "km", suffix=False)
    expect(weeks.first.locator("td").nth(1)).to_have_text(final_split)
    page.screenshot(path=str(SHOTS / "web-progress.png"), full_page=True)

    advice = page.request.get("/api/next").json()
    page.click("nav >> text=Next")
    expect(page.locator("#next-reasons li")).to_have_count(len(advice["reasons"]))
    assert advice["vdot"] is not None and advice["next_run"] is not None  # from the profile's race
    expect(page.locator("#next-vdot")).to_have_text(f"{advice['vdot']:.1f}")
    upcoming = advice["next_run"]
    for key in ("start_pace_s_per_km", "target_pace_s_per_km"):
        expect(page.locator("#next-run")).to_contain_text(format_pace(upcoming[key], "km", suffix=False))
    page.screenshot(path=str(SHOTS / "web-next.png"), full_page=True)

    page.click("nav >> text=Block")
    sessions = page.locator("#block-calendar td.session")
    expect(sessions).to_have_count(14)  # 8 weeks: 6 build weeks of 2 runs, 2 down weeks of 1
    with page.expect_download() as waiting:
        sessions.first.locator("a").click()
    messages, errors = Decoder(
        Stream.from_byte_array(bytearray(Path(waiting.value.path()).read_bytes()))
    ).read()
    assert errors == [] and messages["workout_mesgs"]
    with page.expect_download() as waiting:
        page.click("#block-ics")
    assert Path(waiting.value.path()).read_text().count("BEGIN:VEVENT") == 14
    page.screenshot(path=str(SHOTS / "web-block.png"), full_page=True)

    page.click("nav >> text=Paces")
    page.fill("#race", "5k=20:00")
    page.click("form.form-row button")
    expect(page.locator("#vdot")).to_have_text("49.8")
    page.screenshot(path=str(SHOTS / "web-paces.png"), full_page=True)
    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()


def test_report_and_upload_at_phone_width(browser: Browser, site: Site, run_id: int) -> None:
    context, tab, errors = signed_in(browser, site, width=390)
    tab.goto(f"/runs/{run_id}")
    expect(tab.locator("#verdict")).to_be_visible()
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390  # wide tables scroll in their box
    tab.screenshot(path=str(SHOTS / "web-report-phone.png"), full_page=True)
    for path in ("/upload", "/block", "/next"):
        tab.goto(path)
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390, path
    context.close()
    assert errors == []


def test_plan_builder_guides_by_heart_rate_on_the_treadmill_in_the_heat(page: Page) -> None:
    """The HR, treadmill and conditions fields typed in the browser give `plan_from_request`'s numbers."""
    page.click("nav >> text=Plan")
    page.wait_for_load_state()  # HTMX is bound once the deferred scripts ran
    typed = (("distance", "5mi"), ("max_hr", "190"), ("resting_hr", "50"), ("temperature", "28C"))
    for name, value in (*typed, ("treadmill", "kmh"), ("dew_point", "20C")):
        # one preview per edit, each awaited: a preview replaced while in flight is aborted (hx-sync)
        with page.expect_response(lambda answer, key=f"{name}={value}": key in answer.url):
            if name == "treadmill":
                page.select_option(f"#{name}", value)
            else:
                page.fill(f"#{name}", value)
    fields = {"race": "5k=20:00", "distance": "5mi", "max_hr": "190", "resting_hr": "50", "treadmill": "kmh"}
    plan, _ = plan_from_request(PlanRequest(**fields, temperature="28C", dew_point="20C"))
    bands = hr_bands_of(plan)
    assert bands is not None
    expected_hr = [f"{band.low_bpm:.0f}-{band.high_bpm:.0f} {band.zone}" if band else "-" for band in bands]
    expect(page.locator("#plan-table td.hr")).to_have_text(expected_hr)
    expect(page.locator("#treadmill-card tbody tr td:nth-child(3)")).to_have_text(
        [f"{row.speed:.1f}" for row in treadmill_card(plan, "kmh").rows]
    )
    expect(page.locator("#plan-reasons li")).to_have_text(list(plan.reasons))
    page.locator("#ramp-chart canvas").first.wait_for()
    page.screenshot(path=str(SHOTS / "web-plan-features.png"), full_page=True)
