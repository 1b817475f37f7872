"""``mock-interviewer probe`` end to end through the real entry point (offline backend)."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest

from mock_interviewer.bank import load_bank
from mock_interviewer.probes import ProbeSet, ProbeSheet

BANK = load_bank()
OFFLINE = ("--backend", "offline")


def test_probe_an_answer_json_validates_and_targets_missing_points(cli) -> None:
    question = BANK.get("technical-01")
    result = cli("probe", "--question", "technical-01", "--answer", question.exemplars.poor, "--json", *OFFLINE)
    assert result.exit_code == 0, result.stderr
    parsed = ProbeSet.model_validate_json(result.stdout)
    assert parsed.mode == "answer" and parsed.question_id == "technical-01" and parsed.estimate
    assert len(parsed.probes) == 3 and all(p.targets in question.key_points for p in parsed.probes)
    assert "offline" in result.stderr


def test_probe_answer_file_and_stdin_give_the_same_probes(cli, tmp_path: Path) -> None:
    answer = BANK.get("director-04").exemplars.mediocre
    path = tmp_path / "answer.txt"
    path.write_text(answer, encoding="utf-8")
    from_file = cli("probe", "--question", "director-04", "--answer-file", str(path), "--json", *OFFLINE)
    from_stdin = cli("probe", "--question", "director-04", "--json", *OFFLINE, stdin=answer)
    assert from_file.exit_code == from_stdin.exit_code == 0
    assert ProbeSet.model_validate_json(from_file.stdout).probes == ProbeSet.model_validate_json(from_stdin.stdout).probes
    assert ProbeSet.model_validate_json(from_stdin.stdout).mode == "answer"


def test_count_limits_the_probes(cli) -> None:
    answer = BANK.get("engineer-02").exemplars.poor
    result = cli("probe", "--question", "engineer-02", "--answer", answer, "--count", "1", "--json", *OFFLINE)
    assert len(ProbeSet.model_validate_json(result.stdout).probes) == 1


def test_no_answer_on_a_terminal_is_the_question_mode_without_blocking(cli, monkeypatch) -> None:
    class Terminal(io.TextIOWrapper):
        def isatty(self) -> bool:
            return True

        def read(self, *args: object) -> str:  # pragma: no cover - must not be called
            raise AssertionError("read a terminal")

    monkeypatch.setattr(sys, "stdin", Terminal(io.BytesIO(b"")))
    result = cli("probe", "--question", "technical-01", "--json", *OFFLINE)
    assert result.exit_code == 0, result.stderr
    parsed = ProbeSet.model_validate_json(result.stdout)
    assert parsed.mode == "question" and all(p.refers_to == "" for p in parsed.probes)


def test_an_empty_pipe_is_the_question_mode(cli) -> None:
    result = cli("probe", "--question", "engineer-07", "--json", *OFFLINE, stdin=b"")
    assert ProbeSet.model_validate_json(result.stdout).mode == "question"


def test_rich_output_shows_each_probe_with_its_parts(cli) -> None:
    question = BANK.get("technical-02")
    result = cli("probe", "--question", "technical-02", "--answer", question.exemplars.poor, *OFFLINE)
    assert result.exit_code == 0, result.stderr
    for label in ("Probe 1", "Probe 3", "targets", "strong reply", "red flag", "builds on", "offline estimate"):
        assert label in result.stdout
    assert "Probe 4" not in result.stdout


@pytest.mark.parametrize("track", ["director", "engineer", "technical"])
def test_probe_sheet_for_each_track_has_every_question(cli, tmp_path: Path, track: str) -> None:
    out = tmp_path / f"{track}.md"
    result = cli("probe", "--track", track, "--out", str(out), *OFFLINE)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"wrote {out}" in result.stderr
    markdown = out.read_text(encoding="utf-8")
    questions = BANK.in_track(track)
    headings = re.findall(r"^## ([a-z]+-\d\d) · ", markdown, flags=re.MULTILINE)
    assert headings == [q.id for q in questions]
    assert markdown.startswith(f"# Probe sheet: {BANK.tracks[track].title}\n")
    assert "## How to use this sheet" in markdown
    for question in questions:
        section = markdown.split(f"## {question.id} · ")[1].split("\n## ")[0]
        assert section.count("- [ ] ") == len(question.key_points) + len(question.red_flags)
        assert re.search(r"^1\. \*\*.+\?\*\*$", section, flags=re.MULTILINE)
        assert "*Strong reply:*" in section and "*Red flag:*" in section and "**Notes:**" in section
    if track == "director":
        assert "- **Time limit:** 22 minutes" in markdown


def test_probe_sheet_prints_markdown_without_out_and_json_validates(cli) -> None:
    printed = cli("probe", "--track", "technical", "--count", "2", *OFFLINE)
    assert printed.exit_code == 0
    assert printed.stdout.startswith("# Probe sheet: ")
    as_json = cli("probe", "--track", "technical", "--count", "2", "--json", *OFFLINE)
    sheet = ProbeSheet.model_validate_json(as_json.stdout)
    assert [e.question_id for e in sheet.questions] == [q.id for q in BANK.in_track("technical")]
    assert all(1 <= len(e.probes) <= 2 for e in sheet.questions)
    assert sheet.estimate and sheet.backend == "offline"


def test_probe_sheet_out_is_written_atomically_over_an_old_file(cli, tmp_path: Path) -> None:
    out = tmp_path / "sheet.md"
    out.write_text("old", encoding="utf-8")
    assert cli("probe", "--track", "engineer", "--out", str(out), *OFFLINE).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# Probe sheet")
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.md"]  # no temp file left behind


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("--question", "technical-99"), None, "unknown question id 'technical-99'"),
        (("--question", "technical-1"), None, "did you mean 'technical-01'"),
        (("--track", "sales"), None, "unknown track 'sales'"),
        (("--question", "technical-01", "--answer", ""), None, "--answer: the answer is empty"),
        (("--question", "technical-01", "--answer", "   "), None, "the answer is empty"),
        (("--question", "technical-01"), "  \n", "stdin: the answer is empty"),
        (("--question", "technical-01", "--answer-file", "/nonexistent/a.txt"), None, "no such file"),
        (("--question", "technical-01", "--count", "0"), None, "--count: must be between 1 and 8, got 0"),
        (("--track", "director", "--count", "9"), None, "--count: must be between 1 and 8, got 9"),
        ((), None, "give --question ID"),
        (("--question", "technical-01", "--track", "technical"), None, "not both or neither"),
        (("--track", "technical", "--answer", "x"), None, "--answer and --answer-file go with --question"),
        (("--question", "technical-01", "--out", "x.md"), None, "--out goes with --track"),
        (("--question", "technical-01", "--answer", "a", "--answer-file", "b"), None, "not both"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli, args: tuple[str, ...], stdin: str | None, message: str) -> None:
    result = cli("probe", *args, *OFFLINE, stdin=stdin if stdin is not None else b"")
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_out_that_is_a_directory_is_input_error(cli, tmp_path: Path) -> None:
    result = cli("probe", "--track", "technical", "--out", str(tmp_path), *OFFLINE)
    assert result.exit_code == 2 and "is a directory" in result.stderr


USER_BANK = """\
schema_version: 1
track: {id: mine, title: "My *team's* <b>questions</b>", time_limit_minutes: 30}
questions:
- id: mine-01
  track: mine
  number: 1
  category: technical
  text: "How do you handle *flaky* tests?"
  exemplars:
    great: "I quarantine flaky tests automatically and fix the root cause within a sprint."
    mediocre: "I rerun them and eventually fix them."
    poor: "I ignore them."
"""


def test_offline_probes_for_a_question_without_key_points_say_what_to_add(cli, tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text(USER_BANK, encoding="utf-8")
    result = cli("probe", "--bank", str(tmp_path), "--question", "mine-01", "--answer", "I rerun them", *OFFLINE)
    assert result.exit_code == 2
    assert "mine-01: the question has no key_points" in result.stderr and "add key_points" in result.stderr


def test_sheet_escapes_markdown_in_bank_text(cli, tmp_path: Path) -> None:
    from mock_interviewer.bank import Track
    from mock_interviewer.probes import ProbeSheet, SheetEntry
    from mock_interviewer.render.probes import sheet_markdown
    from mock_interviewer.replies import Probe

    sheet = ProbeSheet(
        track=Track(id="mine", title="My *team's* <b>questions</b>"),
        count=1,
        backend="scripted",
        model="m",
        questions=[
            SheetEntry(
                question_id="mine-01",
                number=1,
                category="technical",
                text="how do you handle *flaky* tests?",
                key_points=["# Not a heading", "Uses [links](http://x) and `code`"],
                red_flags=["snake_case_name is fine, _emphasis_ is not"],
                probes=[Probe(question="1. What\nbreaks?", targets="t", refers_to="", strong_reply="s", red_flag="r")],
            )
        ],
    )
    markdown = sheet_markdown(sheet)
    assert "# Probe sheet: My \\*team's\\* \\<b\\>questions\\</b\\>\n" in markdown
    assert "**How do you handle \\*flaky\\* tests?**" in markdown
    assert "- [ ] \\# Not a heading" in markdown
    assert "Uses \\[links\\](http://x) and \\`code\\`" in markdown
    assert "snake_case_name is fine, \\_emphasis\\_ is not" in markdown
    assert "1. **1\\. What breaks?**" in markdown
    assert "- **Time limit:** none given" in markdown
