"""What a batch run did, counted over every answer of its inputs, and the exit status that follows.

Every distinct answer in the inputs is exactly one of: graded, ungraded (with a
reason, retried by the next run), or not attempted (the run stopped first: Ctrl-C,
or the service kept failing). Inputs that could not be read are counted apart, as
skipped inputs. The exit status is a pure function of these counts (documented in
docs/batch.md), so it is tested without the command line.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_NOT_GRADED = 1
EXIT_SKIPPED = 2
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class RunCounts:
    """The true accounting of one run."""

    answers: int
    """Distinct answers in the inputs (already graded ones included)."""
    graded: int
    ungraded: int
    skipped_inputs: int = 0
    service_failed: bool = False
    """The model service failed for an answer of this run, or stopped the run."""
    interrupted: bool = False

    @property
    def not_attempted(self) -> int:
        """Answers of the inputs with no line in ``results.jsonl``: the run stopped before them."""
        return max(self.answers - self.graded - self.ungraded, 0)


def exit_status(counts: RunCounts) -> int:
    """The worst thing that happened, in this order.

    130 interrupted (Ctrl-C); 1 the service failed (answers ungraded by it, or not attempted
    because the run stopped); 2 inputs were skipped (the user's files need fixing); 1 answers
    left ungraded by invalid replies (a re-run retries them); 0 every answer is graded.
    """
    if counts.interrupted:
        return EXIT_INTERRUPTED
    if counts.service_failed or counts.not_attempted:
        return EXIT_NOT_GRADED
    if counts.skipped_inputs:
        return EXIT_SKIPPED
    if counts.ungraded:
        return EXIT_NOT_GRADED
    return EXIT_OK
