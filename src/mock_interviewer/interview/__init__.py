"""The interview, independent of the terminal: one module per concept.

- ``plan``: choosing the questions, the options, a new session;
- ``timebox``: time used and left, carried across resumes;
- ``frontend``: what a frontend (the terminal, a test script) is shown and returns;
- ``requests``: the model requests the interviewer makes (ask, follow-up) and their budgets;
- ``answers``: what makes a candidate's answer acceptable, and a follow-up that gives the answer away;
- ``loop``: ``Interview``, which conducts a saved session step by step;
- ``result``: what ``interview --json`` prints.

``Interview`` conducts a saved ``Session`` step by step through any ``Backend``
and any ``Frontend``. Every step is derived from the session file alone, so a
session can stop anywhere (``/quit``, Ctrl-C, a model outage, SIGKILL) and
``--resume`` continues with the next step:

==========================================  ===========================================
a question's record                         next step
==========================================  ===========================================
``pending``                                 the interviewer asks it (streamed)
``asked``, last turn by the interviewer     read the candidate's answer
``asked``, last turn by the candidate       decide on a follow-up (or stop probing)
``answered``                                grade the whole exchange
``ungraded`` (found on resume)              grade again
``graded`` / ``skipped``                    nothing
==========================================  ===========================================

``/retry`` starts a new attempt at an answered question: its latest attempt joins
``earlier_attempts`` and the record is ``asked`` again, so the table goes on to apply.

The session is saved (atomically) after every candidate answer, every
interviewer turn and every grade. Grading failures never end the session: an
answer the model could not grade is saved as ungraded with the reason. A model
*service* failure (``ServiceError``) stops the session after saving it.

Nothing is re-exported here, so the terminal can import ``frontend`` without loading the loop.
"""
