"""Per-candidate pages (issue 14): ``batch --format html`` writes ``candidates/<slug>.html``, one self-contained
page per candidate, linked from report.html; slugs are safe file names and unique; text is escaped and scrubbed.

Through the real command with the offline backend (no network), with hostile candidate names and answers.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from mock_interviewer.bank import load_bank
from mock_interviewer.batch import slugs
from mock_interviewer.batch.report_model import ReportDocument

BANK = load_bank([])
KEY = "sk-proj-" + "Q7" * 20
SAFE_FILE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\.html$")
HOSTILE = ["../../x", "<script>alert(1)</script>", "Ann Lee", "ann  lee", "José Núñez", "王伟", "CON"]


class Page(HTMLParser):
    """Every tag, attribute and link of a page, as a browser's parser sees them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.hrefs: list[str] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self.hrefs += [value for name, value in attrs if name == "href" and value]

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def write_answers(path: Path, names: list[str | None], *, per_candidate: int = 2) -> Path:
    rows = []
    questions = ["technical-01", "technical-02", "technical-03"]
    for c, name in enumerate(names):
        for q in range(per_candidate):
            qid = questions[q % len(questions)]
            answer = BANK.get(qid).exemplars.get(("poor", "mediocre")[(c + q) % 2])
            answer += f' <img src=x onerror=alert({c})> my key {KEY} </details></div>'
            row: dict[str, Any] = {"id": f"c{c}-q{q}", "question_id": qid, "answer": answer}
            if name is not None:
                row["candidate"] = name
            rows.append(row)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def assert_inert(page: Page, where: str) -> None:
    """No element or handler came from a candidate's text: no script, no img, no on* attribute."""
    for tag, attrs in page.tags:
        assert tag not in ("script", "img", "iframe"), f"{where}: a <{tag}> element"
        assert not [name for name, _value in attrs if name.startswith("on")], f"{where}: an event handler on <{tag}>"


def test_every_candidate_gets_a_safe_unique_linked_page_with_only_their_answers(tmp_path, cli):
    names: list[str | None] = [*HOSTILE, None]
    source = write_answers(tmp_path / "answers.jsonl", names)
    out = tmp_path / "out"

    result = cli("batch", str(source), "--out", str(out), "--backend", "offline", "--format", "html")

    assert result.exit_code == 0, result.stderr
    pages_dir = out / "candidates"
    files = sorted(p.name for p in pages_dir.iterdir())
    assert len(files) == len(names), files  # "Ann Lee" and "ann  lee" slugify alike and still get two pages
    assert all(SAFE_FILE.match(name) for name in files), files
    assert sorted(p.name for p in out.iterdir()) == [".batch.lock", "candidates", "report.html", "report.json", "report.md",
                                                      "results.jsonl"]
    assert not list(tmp_path.glob("*.html")) and not (tmp_path / "x.html").exists(), "nothing written outside --out"

    main = Page((out / "report.html").read_text(encoding="utf-8"))
    assert_inert(main, "report.html")
    linked = {href for href in main.hrefs if href.startswith("candidates/")}
    assert {(out / href).resolve() for href in linked} == {p.resolve() for p in pages_dir.iterdir()}, \
        "every page is linked from report.html and every link resolves"

    document = ReportDocument.model_validate_json((out / "report.json").read_text(encoding="utf-8"))
    by_name = {row.name: row for row in document.candidates}
    assert set(by_name) == {*HOSTILE, "(no candidate)"}
    assert by_name["../../x"].page == "candidates/x.html"
    assert by_name["(no candidate)"].page == "candidates/no-candidate.html"
    assert {by_name["Ann Lee"].page, by_name["ann  lee"].page} == {"candidates/ann-lee.html",
                                                                   f"candidates/ann-lee-{slugs._digest('ann  lee')}.html"}
    answers_of = {name: {a.item_id for a in document.answers if a.candidate == name} for name in by_name}
    for name, row in by_name.items():
        text = (out / row.page).read_text(encoding="utf-8")
        page = Page(text)
        assert_inert(page, row.page)
        assert "../report.html" in page.hrefs and (out / row.page).parent.joinpath("../report.html").resolve() \
            == (out / "report.html").resolve()
        assert text.startswith("<!doctype html>") and "<style>" in text and "<link" not in text, "self-contained"
        assert f"<h1>{html.escape(name)}</h1>" in text  # escaped, like every text from the inputs
        assert " ".join(name.split()) in page.words
        shown = set(re.findall(r"answer (c\d+-q\d+)", page.words))
        assert shown == answers_of[name], f"{row.page}: only {name!r}'s answers"
        assert KEY not in text and "[redacted]" in text, "scrubbed like the main page"
        assert "&lt;img src=x onerror=alert(" in text
        assert "The answer" in text and "Gap to the great answer" in text
    hostile = (out / by_name["<script>alert(1)</script>"].page).read_text(encoding="utf-8")
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in hostile
    assert "2 of their grades come from the offline backend" in hostile


def test_a_page_shows_the_candidates_gaps_and_report_json_carries_them(tmp_path, cli):
    source = write_answers(tmp_path / "answers.jsonl", ["Dana"], per_candidate=3)
    out = tmp_path / "out"

    result = cli("batch", str(source), "--out", str(out), "--backend", "offline", "--format", "html")

    assert result.exit_code == 0, result.stderr
    [row] = ReportDocument.model_validate_json((out / "report.json").read_text(encoding="utf-8")).candidates
    assert row.gaps and row.answers == 3 and row.page == "candidates/dana.html"
    page = Page((out / row.page).read_text(encoding="utf-8"))
    assert "Gaps across their answers" in page.words
    for gap in row.gaps:
        assert " ".join(gap.gap.split()) in page.words


def test_pages_of_candidates_no_longer_in_the_report_are_removed_and_none_without_html(tmp_path, cli):
    out = tmp_path / "out"
    first = write_answers(tmp_path / "one.jsonl", ["Ann", "Bo"])
    assert cli("batch", str(first), "--out", str(out), "--backend", "offline", "--format", "html").exit_code == 0
    assert sorted(p.name for p in (out / "candidates").iterdir()) == ["ann.html", "bo.html"]

    second = write_answers(tmp_path / "two.jsonl", ["Ann"])
    result = cli("batch", str(second), "--out", str(out), "--backend", "offline", "--format", "html")

    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (out / "candidates").iterdir()) == ["ann.html"], "every page left is linked"

    plain = tmp_path / "plain"
    assert cli("batch", str(first), "--out", str(plain), "--backend", "offline").exit_code == 0
    assert not (plain / "candidates").exists()


def test_slugs_are_safe_file_names_and_unique_whatever_the_names():
    assert slugs.slug("../../x") == "x"
    assert slugs.slug("<script>alert(1)</script>") == "script-alert-1-script"
    assert slugs.slug("José Núñez") == "jose-nunez"
    assert slugs.slug("CON") == "con-candidate" and slugs.slug("lpt1") == "lpt1-candidate"
    assert re.fullmatch(r"candidate-[0-9a-f]{8}", slugs.slug("王伟"))
    assert slugs.slug("王伟") != slugs.slug("李娜")
    assert len(slugs.slug("a" * 500)) == slugs.MAX_LENGTH
    names = ["Ann Lee", "ann-lee", "ANN LEE", "ann lee", "../ann/lee", "ann-lee-" + slugs._digest("ann-lee"), "", "..",
             "/", ".hidden", "a/b\\c", "x" * 300, "nul", "NUL", "\x00", "\ud800"]
    found = slugs.assign(names)
    assert len(set(found.values())) == len(set(names)), found
    assert all(slugs.is_safe(stem) and SAFE_FILE.match(stem + ".html") for stem in found.values()), found
    assert slugs.assign(reversed(names)) == found, "the same names get the same files, in any order"
    assert found["../ann/lee"] == "ann-lee"  # the first in name order keeps the plain slug
