"""Typing into the interview's answer box: the cost of a key press, with and without the caps, by answer length.

Keys go through prompt_toolkit's pipe input into a real prompt (no terminal output), after the box was filled
with an answer of the given length, and the time until the box holds them all is divided by their number.
Three boxes: prompt_toolkit's own (no caps), the answer box (``answer_box.AnswerBox``, its word count kept
between key presses), and the answer box counting the whole answer's words on every key press (what
``fitting`` would cost without the kept count). Usage:

    python bench/answer_box_typing.py [--keys 4000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import time

from prompt_toolkit import PromptSession
from prompt_toolkit.application import create_app_session
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from mock_interviewer.answer_box import AnswerBox, AnswerSession
from mock_interviewer.answer_input import count_words, fitting

LINE = "observability " * 7 + "\n"  # 99 characters, 7 words: 190,000 characters stay under the word cap


class CountingEveryKey(AnswerBox):
    def _fit(self, text: str, at: int, inserted: str) -> str:
        return "" if self._is_full(text, at) else fitting(text, inserted, at, count_words)


class CountingSession(AnswerSession):
    def _create_default_buffer(self) -> Buffer:
        box = super()._create_default_buffer()
        box.__class__ = CountingEveryKey
        return box


def seconds_per_key(session_type: type[PromptSession[str]], prefill: str, keys: str) -> float:
    async def run() -> float:
        with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
            session = session_type(multiline=True, input=pipe)
            box = session.default_buffer

            async def send() -> float:
                start = time.perf_counter()
                await asyncio.get_running_loop().run_in_executor(None, pipe.send_text, keys)
                while len(box.text) < len(prefill) + len(keys):
                    await asyncio.sleep(0.002)
                elapsed = time.perf_counter() - start
                pipe.send_text("\x1b\r")  # Esc Enter
                return elapsed

            sender = asyncio.ensure_future(send())
            await session.prompt_async("> ", default=prefill)
            return await sender

    return asyncio.run(run()) / len(keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keys", type=int, default=4000, help="key presses sent after the prefill")
    parser.add_argument("--runs", type=int, default=3, help="runs of each; the median is printed")
    args = parser.parse_args()
    keys = ("abc " * args.keys)[: args.keys]  # a word every four keys: stays under the caps below
    boxes = {"prompt_toolkit's box": PromptSession, "answer box": AnswerSession, "counting every key": CountingSession}
    print(f"{platform.python_implementation()} {platform.python_version()}, {args.keys} keys, median of {args.runs}")
    print(f"{'answer before the keys':>24}  " + "  ".join(f"{name:>20}" for name in boxes))
    for lines in (0, 420, 1900):  # 0, 41,580 and 188,100 characters (2,940 and 13,300 words): counted past 40,000
        prefill = LINE * lines
        figures = []
        for session_type in boxes.values():
            runs = [seconds_per_key(session_type, prefill, keys) for _ in range(args.runs)]
            figures.append(f"{statistics.median(runs) * 1e6:>14.0f} us/key")
        print(f"{len(prefill):>18,} chars  " + "  ".join(figures))


if __name__ == "__main__":
    main()
