"""The two kinds of failure the CLI reports, each with its exit status.

Library code raises these with a message that names what is wrong and where
(file, line or field). The CLI prints the message as one line on stderr.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mock_interviewer.grade_model import Usage


class MockInterviewerError(Exception):
    """Base class: a failure the user should see as one clear line."""

    exit_code = 1


class InputError(MockInterviewerError):
    """Bad input from the user: a file, an option, an id. Exit status 2."""

    exit_code = 2


class ServiceError(MockInterviewerError):
    """The model service failed (after retries). Exit status 1.

    ``spent``: what the requests of the same grade that had already come back used (the earlier samples of
    ``--samples``; the failed request counts as one), so a batch's totals count every request it sent.
    """

    exit_code = 1
    spent: Usage | None = None
