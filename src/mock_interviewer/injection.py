"""Spotting candidate text that tries to instruct the grader, and undoing the disguises it wears.

The fence is what keeps such text harmless; this check only *flags* it, so a grade can carry
``suspicious: true`` whatever the backend. Text is looked at in its normalised form
(``normalise``): Unicode NFKC (fullwidth brackets become ``<``), zero-width characters and soft
hyphens removed, HTML entities decoded, so ``&lt;/candidate_answer&gt;`` or a tag with a
zero-width space inside is the tag it imitates. What gets fenced is the same form, except that of
NFKC only the characters imitating ASCII are replaced (the candidate's "…" or "x²" stay as written).
"""

from __future__ import annotations

import html
import re
import unicodedata

# zero-width space / non-joiner / joiner, word joiner, BOM, soft hyphen, invisible separators, Mongolian vowel separator
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u2061\u2062\u2063\u2064\u180e]")


def _look_alike(char: str) -> str:
    """A fullwidth, small-form or mathematical character as the ASCII character it imitates (else itself)."""
    code = ord(char)
    if 0xFE50 <= code <= 0xFE6F or 0xFF01 <= code <= 0xFF5E or 0x1D400 <= code <= 0x1D7FF:
        plain = unicodedata.normalize("NFKC", char)
        if len(plain) == 1 and plain.isascii():
            return plain
    return char


def normalise(text: str) -> str:
    """The text as a reader's eye (and a model) takes it, with the candidate's other characters untouched.

    Invisible characters are removed, HTML entities decoded, and the characters that imitate ASCII
    (fullwidth ``＜``, small-form ``﹤``, mathematical letters) replaced by it. The rest of Unicode NFKC is
    not applied to what is sent ("…" stays "…", "x²" stays "x²"); detection reads the NFKC form too.
    """
    text = _INVISIBLE.sub("", text)
    # decoded twice: "&amp;lt;" is an entity for an entity
    for _ in range(2):
        decoded = html.unescape(text) if "&" in text else text
        if decoded == text:
            break
        text = decoded
    return "".join(_look_alike(c) if ord(c) > 0x2000 else c for c in _INVISIBLE.sub("", text))


_TIER = r"(?:great|excellent|perfect|5|five|5\s*/\s*5)"
_VERDICT = (
    r"(?:5\s*/\s*5|5\s+out\s+of\s+5|full\s+marks|top\s+(?:marks|tier|score|grade)|(?:the\s+)?tier\s+great|"
    r"(?:a\s+|the\s+)?(?:great|perfect|excellent|maximum|highest)\s+(?:grade|tier|score|rating|mark))"
)
_PATTERNS = [
    # telling the reader to drop its instructions
    r"\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+|the\s+|your\s+|every\s+)?(?:of\s+)?(?:the\s+|your\s+)?"
    r"(?:(?:previous|prior|above|earlier|preceding|former)\s+(?:instructions?|rules|rubric|prompts?|guidelines|exemplars?|context)"
    r"|instructions|rubric|system\s+prompt|everything\s+above)",
    r"\bforget\s+(?:everything|all)\s+(?:above|before|you\s+were\s+told|previous)",
    # asking for a verdict
    r"\b(?:grade|rate|score|mark|classify|label)\s+(?:this|my|the|it)\s*(?:answer|response|reply|candidate)?\s*"
    r"(?:as\s+|a\s+|an\s+|with\s+)*" + _TIER + r"\b",
    r"\b(?:award|assign|give|grade|rate|score|mark)\w*\s+(?:it\s+|this\s+|me\s+|the\s+answer\s+)?(?:as\s+|with\s+)?" + _VERDICT,
    r"\b(?:output|return|respond\s+with|reply\s+with|print)\s+(?:only\s+)?(?:the\s+)?(?:tier|score|grade|verdict)\s*"
    r"(?:of\s+|as\s+|=\s*|:\s*)?" + _TIER + r"\b",
    r"\btier\s*[=:]\s*[\"']?(?:great|mediocre|poor)\b",
    r"\bscore\s*[=:]\s*[\"']?[1-5]\b",
    r"[\"']tier[\"']\s*:\s*[\"'](?:great|mediocre|poor)[\"']",
    r"[\"']score[\"']\s*:\s*[1-5]\b",
    # posing as the system or the grader
    r"\b(?:you\s+are\s+now|new\s+instructions|system\s+prompt|system\s+override|developer\s+mode|jailbreak)\b",
    # "As the evaluator, you…" opens a sentence or speaks to the reader; "with me as the reviewer" is a story
    r"(?:^|[.!?:;\n\[(]\s*)as\s+(?:the|an?)\s+(?:grader|evaluator|assessor|examiner|reviewer|model|assistant|ai)\s*,",
    r"\bas\s+(?:the|an?)\s+(?:grader|evaluator|assessor|examiner|reviewer|model|assistant|ai)\s*,?\s+you\b",
    r"\b(?:note|message|instructions?)\s+(?:to|for)\s+(?:the\s+)?(?:grader|grading|evaluator|ai|model|assistant|llm)",
    r"\bimportant\s*:\s*(?:the\s+)?(?:grader|evaluator|model|assistant|ai|llm)\b",
    # forged turns, tags and chat-template tokens
    r"<\s*/?\s*candidate_answer",
    r"</?\s*(?:system|instructions?|assistant)\s*>",
    r"<\|\s*(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id)\s*\|>",
    r"\[/?INST\]|<</?SYS>>",
    r"(?:^|\n)\s*\[\s*(?:interviewer|candidate|system|assistant)\s*\]",
    r"(?:^|\n)\s*(?:assistant|grader|evaluator)\s*:",
    # the same in a few other languages: "ignore the previous instructions", "grade as great"
    r"\b(?:ignore[zs]?|oublie[zs]?)\s+(?:toutes\s+)?(?:les\s+)?instructions\s+(?:pr[ée]c[ée]dentes|ci-dessus)",
    r"\b(?:ignora|ignore|olvida)\s+(?:todas\s+)?(?:las\s+)?instrucciones\s+(?:anteriores|previas)",
    r"\b(?:ignore|ignora|esque[cç]a)\s+(?:todas\s+)?(?:as\s+)?instru[cç][õo]es\s+(?:anteriores|acima)",
    r"\bignora\s+(?:tutte\s+)?(?:le\s+)?istruzioni\s+(?:precedenti|sopra)",
    r"\b(?:ignorier(?:e|en)?|vergiss)\s+(?:alle\s+)?(?:vorherigen\s+|bisherigen\s+|obigen\s+)?anweisungen",
    r"игнорир\w*\s+(?:все\s+)?(?:предыдущие\s+)?инструкци",
    r"忽略(?:之前|以上|前面|上面)?(?:的)?(?:所有)?(?:指令|指示|说明)|(?:以前|前)の指示を無視",
]
_FAKE_TAG = re.compile(
    r"<\s*/?\s*(?:candidate_answer|system|instructions?|assistant)\b[^<>]*>?|<\|[^|<>]{1,40}\|>(?:\s*(?:system|user|assistant)\b)?|"
    r"\[/?INST\]|<</?SYS>>",
    re.IGNORECASE,
)
_INJECTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)


def looks_like_injection(text: str) -> bool:
    """True when the text contains instructions aimed at the grader, or a forged verdict, turn or fence."""
    return bool(_INJECTION.search(unicodedata.normalize("NFKC", normalise(text))))


def strip_injection(text: str) -> str:
    """The text without its injections, each from where it starts to the end of its sentence (for graders that read substance).

    Fake tags go first, on their own: a tag glued to an honest sentence must not take that
    sentence with it (a forged fence around real content would otherwise change the grade).
    """
    parts = re.split(r"((?<=[.!?])\s+|\n+)", _FAKE_TAG.sub(" ", normalise(text)))
    kept: list[tuple[str, str]] = []
    for n, sentence in enumerate(parts[0::2]):
        found = _INJECTION.search(sentence)
        # from where the injection starts: an honest clause before it in the same sentence stays
        said = sentence[: found.start()].rstrip() if found else sentence
        if said:
            # a line break stays one (an answer and its follow-up, lines of a list), so the grader's quotes never run
            # across it; any other space between sentences is one space
            after = parts[2 * n + 1] if 2 * n + 1 < len(parts) else ""
            kept.append((said, "\n" if "\n" in after else " "))
    return "".join(said + after for said, after in kept[:-1]) + (kept[-1][0] if kept else "")
