"""Structured replies asked of the model besides grades: follow-up decisions and probes.

Reasoning fields come before the decision in each schema, so a model writes its
reasons before committing to the answer.
"""

from __future__ import annotations

from pydantic import Field

from mock_interviewer.strict import StrictModel, Text, Trimmed


class FollowUpDecision(StrictModel):
    """After an answer: is a follow-up warranted, and what to ask."""

    missing: list[Text] = Field(description="Key points of a great answer this candidate has not yet shown.")
    target: Trimmed = Field(description="The single largest gap the follow-up aims at ('' when none).")
    ask_follow_up: bool = Field(description="True when a follow-up would help the candidate show more substance.")
    follow_up: Trimmed = Field(
        description="The follow-up question, in the interviewer's voice; never reveals the exemplar ('' when none)."
    )


class Probe(StrictModel):
    """One follow-up question a team lead can ask."""

    question: Text = Field(
        description="The question to ask, in the interviewer's voice; it must not give the answer away."
    )
    targets: Text = Field(description="The element of the great exemplar that is missing or unproven.")
    refers_to: Trimmed = Field(description="What the candidate said that this probe builds on ('' without an answer).")
    strong_reply: Text = Field(description="What a strong reply would contain.")
    red_flag: Text = Field(description="A red flag to listen for in the reply.")


class ProbeList(StrictModel):
    """Ranked probes, best first."""

    probes: list[Probe] = Field(description="Ranked follow-up probes, the most discriminating first.")
