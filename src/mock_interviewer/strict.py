"""The one base of every pydantic model that crosses a boundary (unknown fields are an error), and model text.

``Text`` and ``Trimmed`` are for strings a model writes: trimmed, and for ``Text`` never blank (a verdict
with an empty explanation is no verdict). They are validators, not ``min_length``: the schema sent to the
model stays within what strict structured outputs accept.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _trimmed(value: str) -> str:
    return value.strip()


def _trimmed_text(value: str) -> str:
    text = value.strip()
    if not text:
        raise ValueError("must not be blank")
    return text


Trimmed = Annotated[str, AfterValidator(_trimmed)]
"""A model's string, trimmed; may be empty (a field whose description says '' when none)."""
Text = Annotated[str, AfterValidator(_trimmed_text)]
"""A model's string, trimmed and never blank."""
