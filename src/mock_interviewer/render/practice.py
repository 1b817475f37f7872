"""Why each question of a review or chosen-questions session was picked, for the session's opening lines."""

from __future__ import annotations

from rich.text import Text


def practice_lines(picked: list[tuple[str, str]], purpose: str) -> Text:
    """A heading ("Picked <purpose>:"), then one dim line per question: its id and the reason it is asked."""
    text = Text(f"Picked {purpose}:", style="dim")
    for position, (question_id, why) in enumerate(picked, 1):
        text.append(f"\n  {position}. ")
        text.append(question_id, style="cyan")
        text.append(f" · {why}")
    return text
