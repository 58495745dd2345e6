"""The report: built by the tiny pipeline, opened in headless Chromium as a person would."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from tinyproject import REPO, TINY

from specimg.study.report import (
    consistency_note,
    findings,
    render_report,
    snr_note,
    summary_table,
)

SCREENSHOT = REPO / "build" / "report-screenshot.png"

# Resolves once per <audio>: its duration in seconds, or its URL if it fails to load.
LOAD_AUDIO = """
const done = arguments[arguments.length - 1];
const players = [...document.querySelectorAll('audio')];
Promise.all(players.map(a => new Promise(resolve => {
  a.addEventListener('loadedmetadata', () => resolve({ok: true, duration: a.duration}),
                     {once: true});
  a.addEventListener('error', () => resolve({ok: false, src: a.src}), {once: true});
  a.preload = 'metadata';
  a.load();
}))).then(done);
"""


def test_summary_table_and_findings_follow_the_summary():
    summary = {"png16": {"bytes_per_second": 1000.0, "image_sc_db": -70.0,
                         "oracle": {"sc_db": -70.0}, "fgla": {"sc_db": -30.0, "snr_db": -2.0}},
               "jpeg50": {"bytes_per_second": 100.0, "image_sc_db": -10.0,
                          "oracle": {"sc_db": -12.0}, "fgla": {"sc_db": -9.0}}}
    table = summary_table(summary, ["png16", "jpeg50"], ["oracle", "fgla"])
    assert table.count("<tr>") == 1 + 4
    assert "-30.00" in table and "-2.00" in table
    lines = findings(summary, ["oracle", "fgla"])
    assert lines[0].index("png16") < lines[0].index("jpeg50")  # best encoding first
    assert "fgla -30.0 dB" in lines[1] and "40.0 dB" in lines[1]  # -30 - (-70)


def test_consistency_note_gives_the_most_and_least_consistent_result():
    summary = {"png16": {"bytes_per_second": 1000.0,
                         "oracle": {"consistency_sc_db": -80.0, "sc_db": -60.0},
                         "fgla": {"consistency_sc_db": -31.04, "sc_db": -30.0},
                         "pghi": {"consistency_sc_db": -20.0, "sc_db": -19.0}},
               "jpeg50": {"bytes_per_second": 100.0,
                          "oracle": {"consistency_sc_db": -70.0, "sc_db": -20.0},
                          "fgla": {"consistency_sc_db": -12.34, "sc_db": -11.0},
                          "pghi": {"consistency_sc_db": float("nan"), "sc_db": -9.0}}}
    note = consistency_note(summary, ["oracle", "fgla", "pghi"])
    assert "here -31.0 dB (png16, fgla; SC against the original -30.0)" in note
    assert "to -12.3 dB (jpeg50, fgla; SC -11.0)" in note
    assert "-80.0" not in note and "nan" not in note
    assert "dB (" not in consistency_note(summary, ["oracle"])
    page = render_report(title="t", findings=[], summary=summary, encodings=["png16", "jpeg50"],
                         methods=["oracle", "fgla", "pghi"], plots=[], clips=[])
    assert "to -12.3 dB (jpeg50, fgla; SC -11.0)" in page


def test_snr_note_gives_the_range_of_the_phase_retrieved_methods():
    summary = {"png16": {"bytes_per_second": 1000.0, "image_sc_db": -70.0,
                         "oracle": {"snr_db": 40.0}, "fgla": {"snr_db": -3.71},
                         "pghi": {"snr_db": -2.44}, "gla": {"snr_db": -9.0}},
               "jpeg50": {"bytes_per_second": 100.0, "image_sc_db": -10.0,
                          "oracle": {"snr_db": 12.0}, "fgla": {"snr_db": float("nan")},
                          "pghi": {"snr_db": -2.9}}}
    note = snr_note(summary, ["oracle", "fgla", "pghi"])  # gla is not shown
    assert "-3.7 to -2.4 dB" in note
    assert "40.0" not in note and "-9.0" not in note and "nan" not in note
    page = render_report(title="t", findings=[], summary=summary, encodings=["png16", "jpeg50"],
                         methods=["oracle", "fgla", "pghi"], plots=[], clips=[])
    assert "-3.7 to -2.4 dB" in page
    assert "scores -3.7 dB" in snr_note(summary, ["oracle", "fgla"])  # one value (and a NaN)
    assert "dB" not in snr_note(summary, ["oracle"])  # no phase-retrieved method: no range


def test_report_opens_in_headless_chromium(project):
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.skip("Debian's chromium and chromium-driver are missing; `make test` installs "
                    "them when run as root (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1400,2000"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        driver.set_script_timeout(120)
        driver.get((project / "metrics/report.html").as_uri())
        assert "specimg" in driver.title
        images = driver.execute_script(
            "return [...document.images].map(i => [i.src, i.complete && i.naturalWidth > 0])")
        players = driver.execute_async_script(LOAD_AUDIO)
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        SCREENSHOT.parent.mkdir(exist_ok=True)
        driver.save_screenshot(str(SCREENSHOT))
    finally:
        driver.quit()

    clips = pd.read_csv(project / "data/clips/manifest.csv")
    variants = len(TINY["encode"]["encodings"]) * len(TINY["invert"]["methods"])
    assert len(images) == 3 + len(clips)  # three plots, one picture per clip
    assert [src for src, ok in images if not ok] == []
    assert len(players) == len(clips) * (1 + variants)
    assert [p["src"] for p in players if not p["ok"]] == []
    seconds = TINY["segment"]["clip_seconds"]
    assert all(abs(p["duration"] - seconds) < 0.05 for p in players)
    assert errors == []
    assert SCREENSHOT.stat().st_size > 0


def test_per_clip_plot_is_a_heat_map_for_few_clips_and_a_strip_plot_for_many():
    from io import BytesIO

    from PIL import Image

    from specimg.study.plots import HEATMAP_CLIPS, plot_per_clip

    def width(n_clips: int) -> int:
        rows = [{"clip_id": f"clip{i:03d}", "encoding": "png16", "method": m, "sc_db": -20.0 - i}
                for i in range(n_clips) for m in ("oracle", "fgla")]
        data = plot_per_clip(pd.DataFrame(rows))
        return Image.open(BytesIO(data)).size[0]

    assert width(4) < width(HEATMAP_CLIPS)  # a column per clip
    assert width(HEATMAP_CLIPS + 1) == width(500)  # fixed size, however many clips


def test_results_by_kind_are_means_over_each_kinds_clips():
    from specimg.study.report import kind_finding, kind_table
    from specimg.study.summary import summarise_by_kind

    rows = []
    for clip_id, kind, sc in (("a", "speech", -10.0), ("b", "speech", -20.0),
                              ("c", "music", -30.0), ("d", "", -99.0)):
        for method, offset in (("oracle", -5.0), ("pghi_raar", 0.0)):
            rows.append({"clip_id": clip_id, "kind": kind, "encoding": "png16", "method": method,
                         "sc_db": sc + offset, "lsd_db": 1.0,
                         "pesq_wb": 3.0 if kind == "speech" else float("nan"),
                         "stoi": 0.9 if kind == "speech" else float("nan")})
    by_kind = summarise_by_kind(pd.DataFrame(rows))
    assert list(by_kind) == ["music", "speech"]  # clips of no kind are left out
    assert by_kind["speech"]["clips"] == 2 and by_kind["music"]["clips"] == 1
    assert by_kind["speech"]["png16"]["pghi_raar"] == {"sc_db": -15.0, "lsd_db": 1.0,
                                                       "pesq_wb": 3.0, "stoi": 0.9}
    assert by_kind["music"]["png16"]["oracle"] == {"sc_db": -35.0, "lsd_db": 1.0}
    table = kind_table(by_kind, ["png16"], ["oracle", "pghi_raar"])
    assert "speech SC (dB, 2 clips)" in table and "<td>-15.00</td>" in table
    assert "speech PESQ-WB" in table and "<td>3.00</td>" in table
    assert kind_finding(by_kind, "png16", "pghi_raar") == (
        "By kind of sound, pghi_raar on png16 pictures: music -30.0 dB (1 clips); "
        "speech -15.0 dB (2 clips).")
