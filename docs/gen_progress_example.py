"""Write docs/examples/progress.html (and a screenshot, progress.png, where Chromium is installed) from the
twenty sample sessions the tests use (tests/progress_fixtures.py); a test keeps the page current.

    python docs/gen_progress_example.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "docs" / "examples" / "progress.html"
SHOT = PAGE.with_suffix(".png")
SHOWN_DIR = Path("~/.local/share/mock-interviewer/transcripts")
REVIEW = "mock-interviewer interview --review"


def render() -> str:
    sys.path.insert(0, str(REPO / "tests"))
    from mock_interviewer.bank import load_bank
    from mock_interviewer.progress import build_report
    from mock_interviewer.render.progress_html import progress_html
    from mock_interviewer.session_store import SessionStore
    from progress_fixtures import START, twenty_sessions

    with tempfile.TemporaryDirectory() as tmp:
        twenty_sessions(Path(tmp))
        report = build_report(SessionStore(Path(tmp)).list(), load_bank(), now=START + timedelta(days=45),
                              transcripts_dir=SHOWN_DIR)
    return progress_html(report, review_command=REVIEW)


def main() -> int:
    PAGE.write_text(render(), encoding="utf-8")
    print(f"wrote {PAGE}")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser:
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                            f"--user-data-dir={profile}", "--window-size=1100,1720", f"--screenshot={SHOT}",
                            PAGE.as_uri()], capture_output=True, check=True, timeout=180)
        print(f"wrote {SHOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
