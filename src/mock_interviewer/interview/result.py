"""What ``interview --json`` prints: the session, where it is, how to resume it, and its summary."""

from __future__ import annotations

from typing import Literal

from mock_interviewer.strict import StrictModel
from mock_interviewer.summary import Summary


class InterviewResult(StrictModel):
    """One JSON document on stdout at the end of ``interview --json``."""

    schema_version: Literal[1] = 1
    session_id: str
    status: Literal["in_progress", "completed", "quit", "timed_out"]
    path: str
    resume: str | None  # the command that continues the session, while it can be continued
    summary: Summary | None  # None when the session was paused before its end
