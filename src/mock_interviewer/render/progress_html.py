"""The progress report as one self-contained HTML page: inline CSS and inline SVG charts, no script,
no network, no external asset. It opens from a file, prints, and can be mailed as it is."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from mock_interviewer.grade_model import tier_for_score
from mock_interviewer.progress import AreaProgress, ProgressReport, QuestionProgress, SessionPoint
from mock_interviewer.render import plural, sentence_case

TIER_COLOUR = {"great": "#2e9d5b", "mediocre": "#d99a1e", "poor": "#d64545"}
TIER_BAND = {"great": "#e9f6ee", "mediocre": "#fdf5e3", "poor": "#fcebeb"}
SERIES = ("#3b6fd8", "#8a4fd1", "#1f9fa8", "#c2571a", "#5c6b7a")
CHANGE_LABEL = {"improved": "↑ improved", "no better": "→ not yet", "one attempt": "· once"}

CSS = """
*{box-sizing:border-box}
body{margin:0;background:#f4f5f7;color:#1d2430;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:980px;margin:0 auto;padding:32px 24px 48px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:17px;margin:0 0 12px}
.sub{color:#5b6472;margin:0 0 20px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-bottom:16px}
.kpi,.card{background:#fff;border-radius:10px;box-shadow:0 1px 2px rgba(16,24,40,.08),0 1px 8px rgba(16,24,40,.04)}
.kpi{padding:14px 16px}
.kpi b{display:block;font-size:24px;line-height:1.2}
.kpi>span{color:#5b6472;font-size:13px}
.card{padding:18px 20px;margin-bottom:16px}
.two{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:16px}
.two .card{margin-bottom:0}
svg{display:block;width:100%;height:auto}
svg.spark{width:150px;height:34px}
svg[data-chart=timeline]{min-width:540px}
.scroll{overflow-x:auto}
svg text{font-family:inherit}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:13px;color:#5b6472;margin-top:6px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:5px;vertical-align:-1px}
table{width:100%;border-collapse:collapse;font-size:14px}
th{text-align:left;color:#5b6472;font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.04em;padding:6px 8px;border-bottom:1px solid #e4e7ec}
td{padding:8px;border-bottom:1px solid #f0f1f4;vertical-align:middle;white-space:nowrap}
td.q{white-space:normal}
.caption{color:#5b6472;font-size:13px;margin:10px 0 0}
td.q{max-width:360px}
td.q small{display:block;max-width:300px;color:#5b6472;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.pill{display:inline-block;white-space:nowrap;padding:1px 9px;border-radius:999px;font-size:12px;font-weight:600;color:#fff}
.due{color:#b42318;font-weight:600}
.muted{color:#5b6472}
.trend-improving{color:#2e9d5b}.trend-slipping{color:#d64545}.trend-steady{color:#b7791f}
.review li{margin:4px 0}
footer{color:#8a93a3;font-size:12px;margin-top:24px}
@media print{body{background:#fff}.card,.kpi{box-shadow:none;border:1px solid #e4e7ec}}
"""


def _tier(score: float) -> str:
    return tier_for_score(round(score))


def _pill(score: float) -> str:
    tier = _tier(score)
    shown = f"{score:.1f}" if score % 1 else f"{score:.0f}"
    return f'<span class="pill" style="background:{TIER_COLOUR[tier]}">{shown}/5 {tier}</span>'


def _date(moment: datetime) -> str:
    return f"{moment:%b} {moment.day}"


def _series_colours(report: ProgressReport) -> dict[str, str]:
    tracks = sorted({p.track for p in report.timeline})
    return {track: SERIES[i % len(SERIES)] for i, track in enumerate(tracks)}


def timeline_svg(points: Sequence[SessionPoint], colours: dict[str, str]) -> str:
    """Mean score per session over time, one line per track, on the three tiers' bands."""
    width, height, left, right, top, bottom = 760, 280, 64, 16, 12, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    start, end = points[0].at.timestamp(), points[-1].at.timestamp()
    span = (end - start) or 1.0

    def x(moment: datetime) -> float:
        return left + (plot_w / 2 if end == start else (moment.timestamp() - start) / span * plot_w)

    def y(score: float) -> float:
        return top + (5 - score) / 4 * plot_h

    parts = [f'<svg data-chart="timeline" viewBox="0 0 {width} {height}" role="img" aria-label="Mean score per session over time">']
    for tier, low, high in (("great", 3.5, 5), ("mediocre", 2.5, 3.5), ("poor", 1, 2.5)):
        parts.append(f'<rect x="{left}" y="{y(high):.1f}" width="{plot_w}" height="{y(low) - y(high):.1f}" fill="{TIER_BAND[tier]}"/>')
        parts.append(f'<text x="{left + plot_w - 6}" y="{y(high) + 14:.1f}" text-anchor="end" font-size="11" fill="{TIER_COLOUR[tier]}">{tier}</text>')
    for score in range(1, 6):
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(score):.1f}" y2="{y(score):.1f}" stroke="#d9dde3" stroke-dasharray="2 4"/>')
        parts.append(f'<text x="{left - 10}" y="{y(score) + 4:.1f}" text-anchor="end" font-size="12" fill="#5b6472">{score}</text>')
    parts.append(f'<text x="14" y="{top + plot_h / 2:.1f}" font-size="12" fill="#5b6472" transform="rotate(-90 14 {top + plot_h / 2:.1f})" text-anchor="middle">mean score</text>')
    ticks = min(6, len(points))
    for i in range(ticks):
        moment = points[round(i * (len(points) - 1) / max(1, ticks - 1))].at
        anchor = "middle" if ticks == 1 else ("start" if i == 0 else "end" if i == ticks - 1 else "middle")
        parts.append(f'<text x="{x(moment):.1f}" y="{height - 10}" text-anchor="{anchor}" font-size="12" fill="#5b6472">{_date(moment)}</text>')
    for track, colour in colours.items():
        mine = [p for p in points if p.track == track]
        path = " ".join(f"{x(p.at):.1f},{y(p.mean_score):.1f}" for p in mine)
        parts.append(f'<polyline class="mark" points="{path}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"/>')
        for p in mine:
            tip = f"{p.session_id} · {track} · {_date(p.at)} · mean {p.mean_score:.1f}/5 over {plural(p.graded, 'answer')}"
            parts.append(f'<circle class="mark" cx="{x(p.at):.1f}" cy="{y(p.mean_score):.1f}" r="5" fill="#fff" stroke="{colour}" stroke-width="2.5"><title>{escape(tip)}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def areas_svg(kind: str, areas: Sequence[AreaProgress]) -> str:
    """One bar per area: its current score (mean of the latest attempts), with a tick at its first score."""
    width, row, left, right = 380, 46, 96, 44
    height = 26 + row * len(areas)
    scale = (width - left - right) / 5
    parts = [f'<svg data-chart="{escape(kind)}" viewBox="0 0 {width} {height}" role="img" aria-label="Score by {escape(kind)}">']
    for score in range(0, 6):
        gx = left + score * scale
        parts.append(f'<line x1="{gx:.1f}" x2="{gx:.1f}" y1="4" y2="{height - 20}" stroke="#eceef2"/>')
        parts.append(f'<text x="{gx:.1f}" y="{height - 6}" text-anchor="middle" font-size="11" fill="#8a93a3">{score}</text>')
    for i, area in enumerate(areas):
        top = 8 + i * row
        colour = TIER_COLOUR[_tier(area.current_score)]
        bar = area.current_score * scale
        parts.append(f'<text x="{left - 10}" y="{top + 19}" text-anchor="end" font-size="13" fill="#1d2430">{escape(area.name)}</text>')
        parts.append(f'<rect x="{left}" y="{top + 4}" width="{width - left - right}" height="22" rx="5" fill="#f1f3f6"/>')
        tip = f"{area.name}: now {area.current_score:.1f}, first {area.first_score:.1f}, {plural(area.attempts, 'attempt')}"
        parts.append(f'<rect class="mark" x="{left}" y="{top + 4}" width="{bar:.1f}" height="22" rx="5" fill="{colour}"><title>{escape(tip)}</title></rect>')
        first = left + area.first_score * scale
        parts.append(f'<line x1="{first:.1f}" x2="{first:.1f}" y1="{top}" y2="{top + 30}" stroke="#1d2430" stroke-width="2"><title>first: {area.first_score:.1f}</title></line>')
        parts.append(f'<text x="{left + bar + 8:.1f}" y="{top + 20}" font-size="13" font-weight="600" fill="#1d2430">{area.current_score:.1f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def sparkline_svg(question: QuestionProgress) -> str:
    """A question's scores, oldest first, as a small line with a dot per attempt coloured by its tier."""
    width, height, pad = 150, 34, 5
    scores = [a.score for a in question.attempts][-15:]
    step = (width - 2 * pad) / max(1, len(scores) - 1)

    def at(i: int, score: int) -> tuple[float, float]:
        return (pad + i * step if len(scores) > 1 else width / 2), pad + (5 - score) / 4 * (height - 2 * pad)

    points = [at(i, s) for i, s in enumerate(scores)]
    line = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    dots = "".join(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{TIER_COLOUR[tier_for_score(s)]}"/>'
                   for (px, py), s in zip(points, scores, strict=True))
    label = escape(f"scores, oldest first: {', '.join(map(str, scores))}")
    return (f'<svg class="spark" data-chart="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-label="{label}"><title>{label}</title>'
            f'<polyline points="{line}" fill="none" stroke="#aab2bf" stroke-width="1.5"/>{dots}</svg>')


def _kpis(report: ProgressReport) -> str:
    last = report.timeline[-1]
    change = "–" if report.trend_change is None else f"{report.trend_change:+.1f}"
    cells = [
        (str(report.sessions), "sessions"),
        (str(report.attempts), "graded answers"),
        (f"{last.mean_score:.1f}/5", f"last session ({_date(last.at)})"),
        (f'<span class="trend-{report.trend.split()[0]}">{change}</span>', f"trend: {report.trend}"),
        (str(len(report.due_now)), "due for review now"),
    ]
    if report.delivery is not None:
        d = report.delivery
        cells.append((f"{d.later_words:.0f}", f"words an answer (earlier {d.earlier_words:.0f})"))
    return '<section class="cards">' + "".join(f'<div class="kpi"><b>{value}</b><span>{escape(label)}</span></div>' for value, label in cells) + "</section>"


def _legend(colours: dict[str, str]) -> str:
    items = "".join(f'<span><i style="background:{c}"></i>{escape(t)}</span>' for t, c in colours.items())
    return f'<div class="legend">{items}<span class="muted">dots: one session; its mean score</span></div>'


def _question_rows(questions: Sequence[QuestionProgress], now: datetime) -> str:
    rows = []
    for q in sorted(questions, key=lambda q: (not q.due_now, q.latest_score, q.question_id)):
        due = '<span class="due">due now</span>' if q.due_now else f'<span class="muted">{_date(q.due)}</span>'
        rows.append(
            f'<tr><td class="q"><code>{escape(q.question_id)}</code><small title="{escape(sentence_case(q.text))}">{escape(sentence_case(q.text))}</small></td>'
            f"<td>{escape(q.category)}</td><td>{sparkline_svg(q)}</td><td>{_pill(q.latest_score)}</td>"
            f"<td>{CHANGE_LABEL[q.change]}</td><td>{due}</td></tr>"
        )
    head = "<tr><th>question</th><th>category</th><th>scores over time</th><th>latest</th><th>change</th><th>next review</th></tr>"
    return f"<div class=\"scroll\"><table>{head}{''.join(rows)}</table></div>"


def _review(report: ProgressReport, review_command: str) -> str:
    if not report.due_now:
        nxt = report.upcoming[0] if report.upcoming else None
        text = f"Nothing is due. Next: <code>{escape(nxt.question_id)}</code> on {_date(nxt.due)}." if nxt else "Nothing is due."
        return f'<section class="card"><h2>Due for review</h2><p>{text}</p></section>'
    items = "".join(
        f"<li><code>{escape(i.question_id)}</code> {_pill(i.latest_score)} <span class=\"muted\">{escape(sentence_case(i.text))}</span></li>"
        for i in report.due_now
    )
    return (f'<section class="card review"><h2>Due for review: {len(report.due_now)}, weakest first</h2><ul>{items}</ul>'
            f"<p>Practise them: <code>{escape(review_command)}</code></p></section>")


def progress_html(report: ProgressReport, *, review_command: str) -> str:
    """The whole page (one string: no script, no external asset)."""
    colours = _series_colours(report)
    first, last = report.timeline[0].at, report.timeline[-1].at
    scope = f"track {report.track} · " if report.track else ""
    sub = f"{scope}{plural(report.sessions, 'session')} from {first:%Y-%m-%d} to {last:%Y-%m-%d}"
    how = "Bar: where it stands now (the mean of each question's latest score). Tick: where it started (first attempts)."
    strong = (f"Strongest: <b>{escape(report.strongest)}</b> · weakest: <b>{escape(report.weakest)}</b>"
              if report.strongest and report.weakest else "")
    estimate = " Scores from the offline backend are estimates." if report.estimate else ""
    body = [
        f"<h1>Interview practice progress</h1><p class=\"sub\">{escape(sub)}</p>",
        _kpis(report),
        f'<section class="card"><h2>Score per session</h2><div class="scroll">{timeline_svg(report.timeline, colours)}</div>{_legend(colours)}</section>',
        f'<div class="two"><section class="card"><h2>By category</h2>{areas_svg("category", report.categories)}'
        f'<p class="caption">{strong}</p></section>'
        f'<section class="card"><h2>By track</h2>{areas_svg("track", report.tracks)}</section></div>'
        f'<p class="caption" style="margin:8px 4px 16px">{how}</p>',
        _review(report, review_command),
        f'<section class="card"><h2>Every question</h2>{_question_rows(report.questions, report.generated_at)}</section>',
        f"<footer>Generated by mock-interviewer on {report.generated_at:%Y-%m-%d %H:%M} UTC from {escape(report.transcripts_dir)}.{estimate}</footer>",
    ]
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Interview practice progress</title><style>{CSS}</style></head>"
            f"<body><main>{''.join(body)}</main></body></html>\n")
