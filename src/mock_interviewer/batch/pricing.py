"""Token prices, so ``--dry-run`` can say what a batch will cost before it starts.

The built-in table holds OpenAI's list prices in US dollars per million tokens
(input, cached input, output) as of ``PRICES_AS_OF``. Prices change and other
providers have their own, so users override or extend the table with a JSON file
(``--prices FILE`` or ``MOCK_INTERVIEWER_PRICES``)::

    {"gpt-4.1-mini": {"input": 0.40, "cached_input": 0.10, "output": 1.60},
     "llama3.1": {"input": 0, "output": 0}}

An unknown model has no cost rather than a guessed one. A dated snapshot name
(``gpt-4.1-mini-2025-04-14``) is priced as its family. The Batch API halves
both input and output prices.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from mock_interviewer.envvars import ENV_PRICES
from mock_interviewer.errors import InputError
from mock_interviewer.jsontext import parse_json
from mock_interviewer.reading import MB, decode_utf8, read_limited

PRICES_AS_OF = "2025-08"
PRICES_SOURCE = "https://openai.com/api/pricing"
BATCH_DISCOUNT = 0.5
MAX_PRICE_FILE_BYTES = 1 * MB


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens."""

    input: float
    output: float
    cached_input: float | None = None

    def as_dict(self) -> dict[str, float | None]:
        return {"input": self.input, "cached_input": self.cached_input, "output": self.output}


DEFAULT_PRICES: dict[str, Price] = {
    "gpt-5": Price(1.25, 10.00, 0.125),
    "gpt-5-mini": Price(0.25, 2.00, 0.025),
    "gpt-5-nano": Price(0.05, 0.40, 0.005),
    "gpt-4.1": Price(2.00, 8.00, 0.50),
    "gpt-4.1-mini": Price(0.40, 1.60, 0.10),
    "gpt-4.1-nano": Price(0.10, 0.40, 0.025),
    "gpt-4o": Price(2.50, 10.00, 1.25),
    "gpt-4o-mini": Price(0.15, 0.60, 0.075),
    "o3": Price(2.00, 8.00, 0.50),
    "o4-mini": Price(1.10, 4.40, 0.275),
    "o3-mini": Price(1.10, 4.40, 0.55),
}

_SNAPSHOT = re.compile(r"-(?:\d{4}-\d{2}-\d{2}|\d{4})$")


@dataclass
class PriceTable:
    prices: dict[str, Price]
    source: str

    def lookup(self, model: str) -> tuple[str, Price] | None:
        """The price of ``model``: exactly, or of the family of a dated snapshot."""
        if model in self.prices:
            return model, self.prices[model]
        family = _SNAPSHOT.sub("", model)
        if family != model and family in self.prices:
            return family, self.prices[family]
        return None


def load_prices(path: Path | None, from_env: Path | None = None) -> PriceTable:
    """The built-in table, overridden model by model by ``path`` (``--prices``), else by ``from_env``.

    ``from_env`` is ``Settings.prices_file``: the file ``MOCK_INTERVIEWER_PRICES`` names, as ``load_settings`` read it.
    """
    prices = dict(DEFAULT_PRICES)
    source = f"built-in list prices as of {PRICES_AS_OF} ({PRICES_SOURCE})"
    chosen = path or from_env
    if chosen is None:
        return PriceTable(prices, source)
    label = str(chosen) if path else f"{ENV_PRICES}={chosen}"
    prices.update(read_price_file(chosen, label))
    return PriceTable(prices, f"{source}, overridden by {chosen}")


def read_price_file(path: Path, label: str | None = None) -> dict[str, Price]:
    label = label or str(path)
    try:
        raw = read_limited(path, MAX_PRICE_FILE_BYTES, "a price file")
    except InputError as exc:
        problem = str(exc).removeprefix(f"{path}: ")
        raise InputError(f"{label}: {'no such price file' if problem == 'no such file' else problem}") from None
    data = parse_json(decode_utf8(raw, label), label)
    if not isinstance(data, dict):
        raise InputError(f"{label}: expected an object of model names to prices per million tokens")
    return {str(model): _price(entry, f"{label}: {_shown(str(model))}") for model, entry in data.items()}


def _shown(name: str) -> str:
    """A name from the file as it can be shown in a one-line message (quoted when odd: empty, spaces, line breaks)."""
    return name if name and name.isprintable() and name.strip() == name else repr(name)


def _price(entry: object, where: str) -> Price:
    if not isinstance(entry, dict):
        raise InputError(f'{where}: expected {{"input": ..., "output": ...}} in dollars per million tokens')
    unknown = set(entry) - {"input", "output", "cached_input"}
    if unknown:
        raise InputError(
            f"{where}: unknown field(s) {', '.join(_shown(str(k)) for k in sorted(unknown))} (use input, cached_input, output)"
        )
    values: dict[str, float | None] = {}
    for name in ("input", "output", "cached_input"):
        value = entry.get(name)
        if value is None:
            if name != "cached_input":
                raise InputError(f"{where}: missing {name} (dollars per million tokens)")
            values[name] = None
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise InputError(f"{where}.{name}: expected a number of dollars, 0 or more, got {value!r}")
        values[name] = float(value)
    return Price(input=values["input"] or 0.0, output=values["output"] or 0.0, cached_input=values["cached_input"])


class TokenCounts(Protocol):
    """The tokens a run reported (``runner.RunSummary``)."""

    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int


@dataclass(frozen=True)
class Cost:
    """What a batch is expected to cost, in US dollars."""

    model: str
    priced_as: str
    price: Price
    batch_api: bool
    total: float
    """Input and expected output, no prompt-cache discount: the figure to budget with."""
    with_cache: float | None
    """The same when every shared prompt prefix is served from the provider's cache (best case)."""
    maximum: float
    """Input plus output at the output token limit of every request: the most it can cost."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "priced_as": self.priced_as,
            "prices_per_million": self.price.as_dict(),
            "batch_api": self.batch_api,
            "usd": round(self.total, 4),
            "usd_with_prompt_cache": None if self.with_cache is None else round(self.with_cache, 4),
            "usd_max": round(self.maximum, 4),
        }


def estimate_cost(
    table: PriceTable,
    model: str,
    *,
    prompt_tokens: int,
    completion_tokens: int,
    completion_tokens_max: int,
    cacheable_tokens: int = 0,
    batch_api: bool = False,
) -> Cost | None:
    found = table.lookup(model)
    if found is None:
        return None
    name, price = found
    factor = (BATCH_DISCOUNT if batch_api else 1.0) / 1_000_000
    inputs = prompt_tokens * price.input
    outputs = completion_tokens * price.output
    with_cache = None
    if price.cached_input is not None and not batch_api:
        cached = min(cacheable_tokens, prompt_tokens)
        with_cache = (inputs - cached * (price.input - price.cached_input) + outputs) * factor
    return Cost(
        model=model,
        priced_as=name,
        price=price,
        batch_api=batch_api,
        total=(inputs + outputs) * factor,
        with_cache=with_cache,
        maximum=(inputs + completion_tokens_max * price.output) * factor,
    )


def spent(summary: TokenCounts, prices: PriceTable, model: str, batch_api: bool) -> float | None:
    """What a finished run cost at the price table's rates (None without a price or tokens)."""
    found = prices.lookup(model)
    if found is None or not (summary.prompt_tokens or summary.completion_tokens):
        return None
    _name, price = found
    cached = summary.cached_tokens if price.cached_input is not None else 0
    dollars = (
        (summary.prompt_tokens - cached) * price.input
        + cached * (price.cached_input or 0.0)
        + summary.completion_tokens * price.output
    ) / 1_000_000
    return round(dollars * (BATCH_DISCOUNT if batch_api else 1.0), 4)
