"""The offline backend: answers every task kind from the bank, with no network and no key.

It reads the structured ``Task`` of a request (never the rendered messages) and replies
with the JSON of the requested output model, exactly like a model would, so everything
above the seam works unchanged. Its grades carry ``estimate=True``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from pydantic import BaseModel

from mock_interviewer.backends.base import ModelReply, ModelRequest, ReplyStream, Task
from mock_interviewer.offline.context import OfflineContext

MODEL = "offline-v26"  # the grader version: v11's tier model (model.json) and reading (v10's cut; a time of day, like ownership and hedges, only beside the question's words; a decade is no number; two-letter stems tie nothing), an aside model (v15; v16 refitted it on 1,086 more asides, v22 on 656 more, v25 on 577 more, asides.json) that vetoes sentences tied by fewer than three words or by everyday and function words alone (v17, v20), and whose likely asides the tier does not weigh (v17; read by the tier from its words and the share of them unknown to the answers it was fitted on and to the bank, v24), nor what it is sure of whatever ties it (v18), not even by their length (v19), run-on pieces split where another sentence plainly starts (v13) or is written in another hand than the answer's (v14, v17 to v19), an aside the model is sure of peeled off a lower-case run-on's start or end (v21; at the start where its reading turns most, v22; read as the continuation of an aside cut beside it and widened where its reading turns within it, v23; up to the capitalised answer it runs into, v25; ended after "that's why", before "I'd", after a short interjection, and narrowed off the answer's last clause, v26), 374 misconceptions in rubric/ (v12; v11: 190), v8's ceiling, v4's evidence-backed claims, v5's guards, v6's gating
TIER_MODEL = "offline-v11"  # the version model.json carries (offline-v12 changed the rubric and v13 to v20 the cut, not the fitted numbers)


class OfflineBackend:
    name = "offline"
    model = MODEL
    estimate = True

    def __init__(self, context: OfflineContext | None = None) -> None:
        self._context = context

    @property
    def context(self) -> OfflineContext:
        """The built-in bank's statistics, loaded on first use."""
        if self._context is None:
            self._context = OfflineContext.builtin()
        return self._context

    def reply_object(self, task: Task) -> BaseModel | str:
        """What this backend answers to a task: a structured reply, or text for ``ask``."""
        if task.kind == "ask":
            text = task.subject.text.strip()
            return text[:1].upper() + text[1:]
        if task.kind == "follow_up":
            from mock_interviewer.offline.followups import decide_follow_up

            return decide_follow_up(task, self.context)
        if task.kind == "probe":
            from mock_interviewer.offline.probes import make_probes

            return make_probes(task, self.context)
        if task.kind == "grade":
            from mock_interviewer.borderline import from_probabilities
            from mock_interviewer.offline.explain import offline_verdict
            from mock_interviewer.offline.followups import candidate_text
            from mock_interviewer.offline.grading import assess

            answer = candidate_text(task)
            assessment = assess(task.subject, answer, self.context)
            graded = offline_verdict(assessment, answer, self.context)
            if assessment.guard == "exemplar":  # placed by lookup: nothing to weigh
                return graded
            return graded.model_copy(update={"borderline": from_probabilities(assessment.probabilities, graded.tier)})
        raise ValueError(f"the offline backend cannot handle a {task.kind!r} task")

    def reply_text(self, request: ModelRequest) -> str:
        obj = self.reply_object(request.task)
        if isinstance(obj, str):
            return obj
        if request.output is not None:
            return obj.model_dump_json()
        return _as_words(obj)

    async def complete(self, request: ModelRequest) -> ModelReply:
        return ModelReply(text=self.reply_text(request), model=self.model, finish_reason="stop")

    def stream(self, request: ModelRequest) -> ReplyStream:
        """The reply in pieces; never cut off (it has no length limit)."""
        return ReplyStream(lambda stream: self._pieces(request, stream))

    async def _pieces(self, request: ModelRequest, stream: ReplyStream) -> AsyncIterator[str]:
        text = self.reply_text(request)
        for start in range(0, len(text), 48):
            yield text[start : start + 48]
        stream.finish("stop")

    async def aclose(self) -> None:
        return None


def _as_words(obj: BaseModel) -> str:
    """A structured reply as the words an interviewer would say, when text was asked for."""
    from mock_interviewer.grade_model import GradeVerdict
    from mock_interviewer.replies import FollowUpDecision, ProbeList

    if isinstance(obj, FollowUpDecision):
        return obj.follow_up
    if isinstance(obj, ProbeList):
        return "\n".join(probe.question for probe in obj.probes)
    if isinstance(obj, GradeVerdict):
        return obj.explanation
    return obj.model_dump_json()
