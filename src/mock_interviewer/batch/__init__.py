"""Batch grading of saved sessions and answer files: streamed, concurrent, resumable, reported.

The pieces, each one concept:

- ``inputs``: stream answers (``Item``) and problems (``Problem``) out of session files,
  directories and JSONL/CSV answer files, never loading a file whole.
- ``keys``: the idempotence key of a grade (backend, model, prompt, question, answer).
- ``results``: the append-only ``results.jsonl`` and what it says is already done.
- ``plan``: what this run must do, spooled to a temporary file and grouped by question.
- ``runner``: the concurrent live run through any backend; ``stopping``: the one Ctrl-C policy.
- ``operation``: the whole run as one typed call (``run_batch``); ``outcome``: its true counts and exit status.
- ``estimate`` and ``pricing``: ``--dry-run`` token counts and cost.
- ``batch_api``: the OpenAI Batch API flow.
- ``report``: Markdown, HTML and CSV reports built from ``results.jsonl``.
"""

from __future__ import annotations

DEFAULT_OUT_DIR = "batch-out"
RESULTS_FILE = "results.jsonl"
BATCH_STATE_FILE = "batch-api.json"
