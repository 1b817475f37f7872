"""The ``progress --html`` page in a real browser: headless Chromium lays it out, a small script measures
what it drew, and a screenshot is taken. Skipped only where no Chromium is installed (.ci/run installs it)."""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from progress_fixtures import twenty_sessions

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER = next((found for name in BROWSERS if (found := shutil.which(name))), None)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium on this machine (.ci/run installs the chromium package)")

# Runs after the page is laid out: every chart's box, and each chart mark's own box, into a data attribute.
MEASURE = """<script>
const out = {charts: {}, overflow: document.documentElement.scrollWidth - window.innerWidth,
             scrolled: [...document.querySelectorAll('.scroll')].map(e => e.scrollWidth - e.clientWidth)};
for (const svg of document.querySelectorAll('svg[data-chart]')) {
  const box = svg.getBoundingClientRect();
  const marks = [...svg.querySelectorAll('.mark')].map(e => { const b = e.getBBox(); return [b.width, b.height]; });
  (out.charts[svg.dataset.chart] ||= []).push({width: box.width, height: box.height, marks});
}
document.body.setAttribute('data-measure', JSON.stringify(out));
</script>"""


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    command = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
               f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


def measured(page: Path, width: int, profile: Path) -> dict[str, Any]:
    probe = page.with_name(f"measured-{width}.html")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    result = chromium(f"--window-size={width},1200", "--dump-dom", probe.as_uri(), profile=profile)
    found = re.search(r'data-measure="([^"]*)"', result.stdout)
    assert found, f"the page was not laid out: {result.stderr[-500:]}"
    return json.loads(html.unescape(found.group(1)))


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture
def page(cli: Callable[..., Any], tmp_path: Path) -> Path:
    twenty_sessions(tmp_path / "sessions")
    out = tmp_path / "progress.html"
    result = cli("progress", "--transcripts-dir", str(tmp_path / "sessions"), "--html", str(out))
    assert result.exit_code == 0, result.stderr
    return out


@pytest.mark.parametrize("width", [1100, 420])
def test_the_charts_are_drawn_with_a_size(page: Path, tmp_path: Path, width: int) -> None:
    found = measured(page, width, tmp_path / "profile")
    charts = found["charts"]
    (timeline,) = charts["timeline"]
    assert timeline["width"] >= 540 and timeline["height"] >= 0.3 * timeline["width"]  # readable (it scrolls on a phone)
    circles = [m for m in timeline["marks"] if m[0] == m[1]]
    assert len(circles) == 20 and all(m[0] >= 8 for m in circles)  # a dot per session, each drawn
    assert len(timeline["marks"]) == 22  # and a line per track
    for kind, bars in (("category", 2), ("track", 2)):
        (chart,) = charts[kind]
        assert chart["width"] > 250 and chart["height"] > 60
        assert len(chart["marks"]) == bars and all(w > 50 and h > 10 for w, h in chart["marks"])
    assert len(charts["spark"]) == 6 and all(s["width"] > 100 and s["height"] > 20 for s in charts["spark"])
    assert found["overflow"] <= 0  # nothing sticks out of the window (the question table scrolls in its card)
    if width >= 1000:
        assert found["scrolled"] and max(found["scrolled"]) <= 0  # on a desktop nothing needs scrolling


def test_a_screenshot_of_the_page(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "progress.png"
    result = chromium("--window-size=1100,1900", f"--screenshot={shot}", page.as_uri(), profile=tmp_path / "profile")
    assert shot.exists(), result.stderr[-500:]
    assert png_size(shot) == (1100, 1900) and shot.stat().st_size > 50_000  # a drawn page, not a blank one
