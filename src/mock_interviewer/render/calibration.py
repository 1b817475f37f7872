"""Rich views of a calibration report: a summary, confusion matrices, ordering problems, misgraded items."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from mock_interviewer.bank import TIERS
from mock_interviewer.calibration import CalibrationItem, CalibrationReport, Metrics
from mock_interviewer.rater_agreement import RatingsReport
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
    table.add_column("set", no_wrap=True)
    table.add_column("answers", justify="right")
    table.add_column("accuracy", justify="right", no_wrap=True)
    table.add_column("QW kappa", justify="right")
    table.add_column("poor→great", justify="right")
    table.add_column("ungraded", justify="right")
    table.add_column("out of order", justify="right")
    for name, found in (("labelled", report.labelled), ("exemplars", report.exemplars)):
        if found is None:
            continue
        if name == "exemplars" and report.backend == "offline":
            name = "exemplars (lookup)"
        kappa = "–" if found.kappa is None else f"{found.kappa:.3f}"
        bad = Text(str(found.poor_graded_great), style="bold red" if found.poor_graded_great else "")
        order = str(len(found.ordering_violations)) if name.startswith("exemplars") else "–"
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
    """The measurement first (labelled answers), then the exemplars, said plainly for what they are."""
    parts: list[RenderableType] = [summary_table(report)]
    if report.exemplars is not None:
        parts.append(Text(report.exemplar_note, style="yellow" if report.labelled is None else "dim"))
    labelled = report.labelled
    if labelled is not None and labelled.borderline and labelled.accuracy_not_borderline is not None:
        parts.append(Text(
            f"Borderline (too close to call): {labelled.borderline} of {labelled.count} labelled answers; "
            f"accuracy on the others {_pct(labelled.accuracy_not_borderline)} (on all {_pct(labelled.accuracy)})."
        ))  # fmt: skip
    if report.estimate:
        parts.append(Text("The offline backend's grades are estimates from the exemplars and rubric notes.", style="dim"))
    for name, found in (("labelled", report.labelled), ("exemplars", report.exemplars)):
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


# ---------------------------------------------------------------- people's ratings (calibrate --ratings)


def _figure(value: float | None, ci: list[float] | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" + (f"  [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "")


def agreement_table(report: RatingsReport) -> Table:
    pct = round(report.bootstrap.confidence * 100)
    table = Table(title=f"Agreement on {report.items} answers ({report.ratings} ratings, {report.scale} scale)",
                  title_justify="left")
    table.caption = (
        f"QW kappa: quadratic-weighted kappa (1 perfect, 0 chance); [{pct}% bootstrap interval, "
        f"{report.bootstrap.rounds} resamples, seed {report.bootstrap.seed}]"
    )
    table.add_column("between")
    table.add_column("answers", justify="right")
    table.add_column("QW kappa", justify="right", no_wrap=True)
    alpha = report.agreement.alpha
    table.add_row(Text("all raters (Krippendorff's alpha, ordinal)", style="bold"), str(alpha.items),
                  _figure(alpha.value, alpha.ci))
    for pair in report.agreement.pairs:
        b = f"the grader ({report.grader.backend})" if pair.kind == "grader" and report.grader else pair.b
        table.add_row(f"{pair.a} · {b}", str(pair.n), _figure(pair.kappa, pair.ci))
    return table


def disagreement_tables(report: RatingsReport) -> list[Table]:
    tables = []
    if report.disagreements.items:
        table = Table(title="Answers people disagree on most (to discuss)", title_justify="left")
        graded = report.grader is not None
        table.add_column("answer", no_wrap=True)
        table.add_column("question", no_wrap=True)
        for rater in [*report.agreement.raters, *(["grader"] if graded else [])]:
            table.add_column(rater, no_wrap=True, min_width=max(len(rater), 8 if report.scale == "tier" else 1))
        table.add_column("answer text", max_width=40)
        for item in report.disagreements.items:
            text = " ".join((item.answer or "").split())
            text = text if len(text) <= 60 else text[:59] + "…"
            marks = [item.ratings.get(r, "") for r in report.agreement.raters] + ([item.grader or ""] if graded else [])
            table.add_row(item.item_id, item.question_id or "", *marks, text)
        tables.append(table)
    if report.disagreements.questions:
        table = Table(title="Questions by disagreement", title_justify="left")
        table.add_column("question")
        table.add_column("answers", justify="right")
        table.add_column("mean spread", justify="right")
        table.add_column("split answers", justify="right")
        for q in report.disagreements.questions:
            table.add_row(q.question_id, str(q.items), f"{q.mean_spread:.2f}", str(q.split_items))
        tables.append(table)
    return tables


def ratings_view(report: RatingsReport) -> RenderableType:
    parts: list[RenderableType] = [agreement_table(report)]
    grader = report.grader
    if grader is not None:
        line = f"The grader ({grader.backend}, {grader.model}) graded {grader.graded} of the rated answers"
        if grader.ungraded:
            line += f"; {grader.ungraded} could not be graded"
        if grader.without_text:
            line += f"; {grader.without_text} came without question_id and answer text"
        parts.append(Text(line + ".", style="dim"))
        if grader.estimate:
            parts.append(Text("The offline backend's grades are estimates from the exemplars and rubric notes.", style="dim"))
    parts.extend(disagreement_tables(report))
    return Group(*parts)
