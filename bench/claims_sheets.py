"""Reader sheets for a claims audit, and the readers' verdicts merged back: how hold-outs C to F were judged.

    python bench/claims_sheets.py make ANSWERS.jsonl OUTDIR N      # OUTDIR/sheet-1.md .. sheet-N.md, dump.jsonl
    python bench/claims_sheets.py merge OUTDIR OUT.jsonl VERDICTS.jsonl ...   # -> tests/data/claims_judged_*.jsonl

Each sheet shows, per answer, the question, the candidate's answer, the feedback exactly as the real CLI's
offline `grade` prints it (100 columns, no colour), and each claim with its id. Answers are shuffled (seeded)
before they are dealt to readers, so no reader sees only one tier. Readers follow
bench/claims_reader_brief.md and write one JSON line per claim and per answer:
`{"type": "claim", "claim_id": "…", "verdict": "true|false|unsure", "why": "…"}` and
`{"type": "feedback", "answer_id": "…", "verdict": "helpful|misleading|confusing", "why": "…"}`.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _shown(question_id: str, answer: str) -> str:
    env = dict(os.environ, COLUMNS="100", NO_COLOR="1", TERM="dumb")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as handle:
        handle.write(answer)
    try:
        command = [sys.executable, "-m", "mock_interviewer", "grade", "--backend", "offline", "-q", question_id,
                   "--answer-file", handle.name]
        return subprocess.run(command, capture_output=True, text=True, env=env, check=False).stdout
    finally:
        os.unlink(handle.name)


def make(answers: Path, outdir: Path, readers: int) -> None:
    outdir.mkdir(parents=True, exist_ok=True)
    dump = outdir / "dump.jsonl"
    subprocess.run([sys.executable, str(HERE / "claims_audit.py"), "--dump", str(dump), str(answers)], check=True)
    rows = _rows(dump)
    claims: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["type"] == "claim":
            claims.setdefault(row["answer_id"], []).append(row)
    blocks = []
    for grade in (row for row in rows if row["type"] == "grade"):
        ident = grade["answer_id"]
        lines = [f"## Answer {ident}  (question {grade['question_id']})", "", "### The candidate's answer", "",
                 "> " + grade["answer"].replace("\n", "\n> "), "", "### The feedback the tool printed", "", "```text",
                 _shown(grade["question_id"], grade["answer"]).rstrip(), "```", "",
                 "### Claims to judge (each is a sentence of the feedback above)", ""]
        lines += [f"- `{c['claim_id']}`: {c['text']}" for c in claims.get(ident, [])]
        if not claims.get(ident):
            lines.append("- (no claims: judge the feedback as a whole only)")
        blocks.append((ident, "\n".join(lines) + "\n"))
    random.Random(5).shuffle(blocks)
    for k in range(readers):
        part = blocks[k::readers]
        text = f"# Sheet {k + 1}: {len(part)} answers\n\n" + "\n".join(block for _, block in part)
        (outdir / f"sheet-{k + 1}.md").write_text(text, encoding="utf-8")
        print(f"sheet-{k + 1}.md: {len(part)} answers, {sum(len(claims.get(a, [])) for a, _ in part)} claims")


def merge(outdir: Path, out: Path, verdict_files: list[Path]) -> None:
    rows = _rows(outdir / "dump.jsonl")
    grades = {r["answer_id"]: r for r in rows if r["type"] == "grade"}
    claims = {r["claim_id"]: r for r in rows if r["type"] == "claim"}
    lines, seen = [], set()
    for path in verdict_files:
        for verdict in _rows(path):
            if verdict["type"] == "claim":
                claim = claims[verdict["claim_id"]]
                grade = grades[claim["answer_id"]]
                seen.add(verdict["claim_id"])
                lines.append({"type": "claim", "answer_id": claim["answer_id"], "question_id": grade["question_id"],
                              "kind": claim["kind"], "subject": claim.get("subject"), "text": claim["text"],
                              "tier": grade["tier"], "verdict": verdict["verdict"], "why": verdict.get("why", "")})
            else:
                grade = grades[verdict["answer_id"]]
                seen.add(verdict["answer_id"])
                lines.append({"type": "feedback", "answer_id": grade["answer_id"], "question_id": grade["question_id"],
                              "tier": grade["tier"], "verdict": verdict["verdict"], "why": verdict.get("why", "")})
    out.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    missing = (set(claims) | set(grades)) - seen
    print(f"{out}: {len(lines)} judgements; not judged: {len(missing)}")


def main() -> None:
    if len(sys.argv) >= 5 and sys.argv[1] == "make":
        make(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
    elif len(sys.argv) >= 5 and sys.argv[1] == "merge":
        merge(Path(sys.argv[2]), Path(sys.argv[3]), [Path(p) for p in sys.argv[4:]])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
