"""Write ``src/mock_interviewer/offline/everyday_words.txt``: the most frequent words of everyday English.

    pip install wordfreq==3.1.1          # 58 MB of frequency data: needed here only, never by the tool
    python tools/make_everyday_words.py  # rewrites the file; commit it

The offline grader cuts an answer's sentences that carry no substance before it reads the answer
(``offline/substance.py``). A word ties a sentence to the question only if it is part of the
question's material *and* not an everyday word: "manager", "meeting", "window", "train" and "long"
are in some question's notes, yet a sentence made of them ("my desk was next to the window") says
nothing about the question. Which words are everyday is a fact about English, not about this bank,
so it comes from wordfreq's multi-source frequency list, not from the bank's 59 questions.

The list is wordfreq's top ``COUNT`` English words (alphabetic only), at or above a Zipf frequency
of about 4.5 (30 per million words). wordfreq's data are licensed CC BY-SA 4.0; so is the file.
"""

from __future__ import annotations

import sys
from pathlib import Path

COUNT = 3000
OUT = Path(__file__).resolve().parent.parent / "src" / "mock_interviewer" / "offline" / "everyday_words.txt"
HEADER = """\
# The {count} most frequent words of English, from wordfreq {version} (Robyn Speer and contributors,
# https://github.com/rspeer/wordfreq): top_n_list("en", {count}), alphabetic words only.
# wordfreq's data, and so this list, are licensed CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/).
# Written by tools/make_everyday_words.py; read by mock_interviewer.offline.substance.
"""


def main() -> int:
    try:
        import wordfreq
    except ImportError:
        print("make_everyday_words: needs wordfreq (pip install wordfreq==3.1.1)", file=sys.stderr)
        return 2
    from importlib.metadata import version

    words = sorted({w for w in wordfreq.top_n_list("en", COUNT) if w.isalpha()})
    OUT.write_text(HEADER.format(count=COUNT, version=version("wordfreq")) + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(words)} words")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
