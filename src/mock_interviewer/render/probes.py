"""Rendering probes: Rich panels for the terminal, and the printable Markdown probe sheet.

The sheet is plain CommonMark plus task-list checkboxes: it reads as written when
printed raw, and renders cleanly in a browser or on GitHub. Text from the bank or
the model is escaped so a stray ``*`` or ``<`` cannot change the layout.
"""

from __future__ import annotations

import re

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mock_interviewer.bank import Question, Track
from mock_interviewer.probes import ProbeSet, ProbeSheet, SheetEntry
from mock_interviewer.render import plural, sentence_case
from mock_interviewer.replies import Probe
from mock_interviewer.safetext import for_terminal

# ---------------------------------------------------------------- terminal


def _probe_panel(rank: int, probe: Probe) -> Panel:
    rows = Table.grid(padding=(0, 2))
    rows.add_column(style="dim", no_wrap=True)
    rows.add_column(overflow="fold")
    # Model text goes in as Text, never as a str: Rich would parse "[/]" in it as markup and fail.
    rows.add_row("targets", Text(for_terminal(probe.targets)))
    said = for_terminal(probe.refers_to).strip().strip('"“”')
    if said:
        rows.add_row("builds on", Text(f"“{said}”"))
    rows.add_row("strong reply", Text(for_terminal(probe.strong_reply)))
    rows.add_row(Text("red flag", style="red"), Text(for_terminal(probe.red_flag)))
    return Panel(
        Group(Text(for_terminal(probe.question), style="bold"), Text(""), rows),
        title=Text(f"Probe {rank}", style="bold cyan"),
        title_align="left",
        border_style="cyan",
    )


def probe_set_view(result: ProbeSet, question: Question) -> RenderableType:
    """One question's probes, best first, each with what it targets and what to listen for."""
    what = (
        "Probes for this answer, best first"
        if result.mode == "answer"
        else "No answer given: the probes that best separate great from mediocre and poor answers, best first"
    )
    label = "offline estimate from the rubric notes" if result.estimate else f"{result.backend} · {result.model}"
    header = Text.assemble(
        (question.id, "bold cyan"),
        f"  ·  {question.category}\n",
        (sentence_case(question.text), "bold"),
        "\n",
        (f"{what} ({label})", "dim"),
    )
    parts: list[RenderableType] = [header]
    parts.extend(_probe_panel(rank, probe) for rank, probe in enumerate(result.probes, 1))
    if len(result.probes) < result.count:
        parts.append(Text(probe_count_note(len(result.probes), result.count, len(result.dropped)), style="dim"))
    return Group(*parts)


def probe_count_note(got: int, asked: int, dropped: int) -> str:
    """Why fewer probes came back than were asked for, in words that match what happened."""
    shown = f"{plural(got, 'probe')} of the {asked} asked for"
    if dropped:
        return f"{shown}: {dropped} gave the answer away or repeated another and {'were' if dropped != 1 else 'was'} left out."
    return f"{shown}: that is all the grader returned."


# ---------------------------------------------------------------- Markdown sheet

_INLINE_SPECIAL = re.compile(r"([\\`*\[\]<>|])")
_EDGE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_BLOCK_START = re.compile(r"^(#{1,6}\s|[-+=]\s)")
_ORDERED_START = re.compile(r"^(\d+)([.)])(\s)")


def md_escape(text: str) -> str:
    """One line of inline Markdown showing ``text`` literally (whitespace folded, specials escaped)."""
    flat = " ".join(text.split())
    flat = _INLINE_SPECIAL.sub(r"\\\1", flat)
    flat = _EDGE_UNDERSCORE.sub(r"\\_", flat)
    if _BLOCK_START.match(flat):
        flat = "\\" + flat
    # Digits cannot be backslash-escaped in CommonMark; escape the list marker's punctuation instead.
    return _ORDERED_START.sub(r"\1\\\2\3", flat)


def _source_label(sheet: ProbeSheet) -> str:
    if sheet.estimate:
        return "offline estimate, built from the bank's rubric notes"
    return f"{sheet.backend} backend, model {sheet.model}"


HOW_TO_USE = """\
1. Ask the question as written and let the candidate answer without interrupting.
2. Tick each key point the candidate shows on their own. Keep this sheet out of the candidate's view:
   the key points, strong replies and red flags give the answers away.
3. Ask the probes in order for what is still missing (the first one tells you the most). Skip a
   probe whose key point the candidate already covered; one or two probes per question is usually enough.
4. Listen for the strong reply and the red flag under each probe; tick the red flags you hear.
5. Before the next question, note the overall impression and anything worth quoting later."""


def _entry_markdown(entry: SheetEntry) -> list[str]:
    lines = [
        f"## {entry.question_id} · {entry.category}",
        "",
        f"**{md_escape(sentence_case(entry.text))}**",
        "",
    ]
    if entry.key_points:
        lines += ["Key points of a great answer (tick each one shown):", ""]
        lines += [f"- [ ] {md_escape(point)}" for point in entry.key_points]
        lines.append("")
    if entry.red_flags:
        lines += ["Red flags (tick each one heard):", ""]
        lines += [f"- [ ] {md_escape(flag)}" for flag in entry.red_flags]
        lines.append("")
    if entry.error:
        lines += [f"> **No probes:** {md_escape(entry.error)}", ""]
    elif entry.probes:
        lines += ["Probes, best first:", ""]
        for rank, probe in enumerate(entry.probes, 1):
            lines += [
                f"{rank}. **{md_escape(probe.question)}**",
                f"   - *Targets:* {md_escape(probe.targets)}",
                f"   - *Strong reply:* {md_escape(probe.strong_reply)}",
                f"   - *Red flag:* {md_escape(probe.red_flag)}",
            ]
        lines.append("")
    lines += [
        "**Overall:** ☐ great ☐ mediocre ☐ poor",
        "",
        "**Notes:** ____________________________________________________________________________",
        "",
    ]
    return lines


def sheet_markdown(sheet: ProbeSheet) -> str:
    """The whole sheet: title, track facts, how to use it, then one section per question."""
    track: Track = sheet.track
    limit = f"{track.time_limit_minutes} minutes" if track.time_limit_minutes else "none given"
    probes = sum(len(entry.probes) for entry in sheet.questions)
    lines = [
        f"# Probe sheet: {md_escape(track.title)}",
        "",
        f"- **Track:** `{track.id}`",
        f"- **Questions:** {len(sheet.questions)}",
        f"- **Time limit:** {limit}",
        f"- **Probes:** {probes} (up to {sheet.count} per question)",
        f"- **Source:** {md_escape(_source_label(sheet))}",
        "- **Candidate:** ______________________  **Interviewer:** ______________________  **Date:** ____________",
        "",
        "## How to use this sheet",
        "",
        HOW_TO_USE,
        "",
        "---",
        "",
    ]
    for entry in sheet.questions:
        lines += _entry_markdown(entry)
        lines += ["---", ""]
    lines += ["Generated by mock-interviewer (`mock-interviewer probe --track " + track.id + "`).", ""]
    return "\n".join(lines)
