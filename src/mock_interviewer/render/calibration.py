"""Rich views of a calibration report: a summary, confusion matrices, ordering problems, misgraded items."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from mock_interviewer.bank import TIERS
from mock_interviewer.calibration import CalibrationItem, CalibrationReport, Metrics
from mock_interviewer.render import TIER_LABEL, TIER_STYLE

MAX_MISGRADED = 15


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def summary_table(report: CalibrationReport) -> Table:
    title = f"Calibration of the {report.backend} grader ({report.model})"
    if report.track:
        title += f", track {report.track}"
    table = Table(title=title, title_justify="left", show_lines=False)
    table.caption = "QW kappa: quadratic-weighted kappa (1 perfect, 0 chance); out of order: exemplars graded below a worse one"
    table.add_column("set")
    table.add_column("answers", justify="right")
    table.add_column("accuracy", justify="right", no_wrap=True)
    table.add_column("QW kappa", justify="right")
    table.add_column("poor→great", justify="right")
    table.add_column("ungraded", justify="right")
    table.add_column("out of order", justify="right")
    for name, found in (("exemplars", report.exemplars), ("labelled", report.labelled)):
        if found is None:
            continue
        kappa = "–" if found.kappa is None else f"{found.kappa:.3f}"
        bad = Text(str(found.poor_graded_great), style="bold red" if found.poor_graded_great else "")
        order = str(len(found.ordering_violations)) if name == "exemplars" else "–"
        table.add_row(
            name, str(found.count), f"{_pct(found.accuracy)} ({found.correct}/{found.count})", kappa, bad,
            str(found.ungraded), order,
        )
    return table


def confusion_table(name: str, found: Metrics) -> Table:
    table = Table(title=f"{name}: expected (rows) vs graded (columns)", title_justify="left")
    table.add_column("expected \\ graded")
    for tier in TIERS:
        table.add_column(Text(TIER_LABEL[tier], style=TIER_STYLE[tier]), justify="right")
    for i, tier in enumerate(TIERS):
        cells = [Text(str(n), style="bold" if i == j else ("red" if n else "dim")) for j, n in enumerate(found.confusion[i])]
        table.add_row(Text(TIER_LABEL[tier], style=TIER_STYLE[tier]), *cells)
    return table


def misgraded_table(items: list[CalibrationItem]) -> Table | None:
    wrong = [item for item in items if not item.correct]
    if not wrong:
        return None
    table = Table(title=f"Misgraded ({len(wrong)})", title_justify="left")
    table.add_column("source")
    table.add_column("question")
    table.add_column("line", justify="right")
    table.add_column("expected")
    table.add_column("graded")
    table.add_column("note", overflow="fold")
    for item in wrong[:MAX_MISGRADED]:
        graded = (
            Text(f"{item.predicted} ({item.score})", style=TIER_STYLE.get(item.predicted or "", ""))
            if item.predicted
            else Text(f"ungraded: {item.reason}", style="red")
        )
        table.add_row(
            item.source, item.question_id, "" if item.line is None else str(item.line),
            Text(item.expected, style=TIER_STYLE[item.expected]), graded, item.note,
        )
    if len(wrong) > MAX_MISGRADED:
        table.caption = f"… and {len(wrong) - MAX_MISGRADED} more (use --json for every item)"
    return table


def report_view(report: CalibrationReport) -> RenderableType:
    parts: list[RenderableType] = [summary_table(report)]
    if report.estimate:
        parts.append(Text("The offline backend's grades are estimates from the exemplars and rubric notes.", style="dim"))
    for name, found in (("exemplars", report.exemplars), ("labelled", report.labelled)):
        if found is not None and found.graded:
            parts.append(confusion_table(name, found))
    if report.exemplars and report.exemplars.ordering_violations:
        lines = [
            f"{v['question_id']}: {v['problem']}" for v in report.exemplars.ordering_violations
        ]
        parts.append(Text("Ordering violations:\n" + "\n".join(f"  {line}" for line in lines), style="yellow"))
    missed = misgraded_table(report.items)
    if missed is not None:
        parts.append(missed)
    return Group(*parts)
