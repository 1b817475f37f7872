"""YAML from user files (bank files): safe loading with bounds, every refusal one line naming the line.

Three hostile shapes are refused before any data is built from them:

- nesting past ``MAX_YAML_DEPTH`` (libyaml's composer recurses in C: some 30,000 nested collections
  crash the process with SIGSEGV instead of raising);
- aliases that expand past ``MAX_EXPANDED_SIZE`` ("billion laughs": a few kilobytes of anchors and
  aliases stand for gigabytes of text once validated or printed, e.g. by ``bank list --json``);
- a key given twice in one mapping (YAML says keys are unique; PyYAML silently keeps the last).

Tags other than the standard ones are refused by the safe loader itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from mock_interviewer.reading import MB, size_text

Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available
MAX_YAML_DEPTH = 64
MAX_EXPANDED_SIZE = 16 * MB
"""Characters of scalars (plus one per node) the document may stand for once its aliases are expanded."""


@dataclass
class YamlDocument:
    """The composed node tree (for line numbers) and the data built from it."""

    root: yaml.Node | None
    data: Any


class YamlRefused(Exception):
    """The text is YAML this tool will not build data from; ``line`` is 1-based, or None."""

    def __init__(self, line: int | None, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


def _could_nest_deep(text: str) -> bool:
    """A cheap upper bound on the nesting: could this text be more than ``MAX_YAML_DEPTH`` levels deep?

    Flow collections nest by brackets, across lines; block collections by indentation and
    compact indicators ("- - -") on one line. Both bounds over-count (a bracket inside a quoted
    string counts), which only sends a text to the exact check below.
    """
    if text.count("[") + text.count("{") > MAX_YAML_DEPTH:  # else the brackets cannot nest that deep
        flow = 0
        for char in text:
            if char in "[{":
                flow += 1
                if flow > MAX_YAML_DEPTH:
                    return True
            elif char in "]}":
                flow = max(0, flow - 1)
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        indicators = stripped.count("- ") + stripped.count("? ") + stripped.count(": ")
        if len(line) - len(stripped) + indicators > MAX_YAML_DEPTH:
            return True
    return False


def nests_too_deep(text: str) -> bool:
    """True for YAML nested deeper than ``MAX_YAML_DEPTH``.

    Depth is measured on parser events (the event parser does not recurse), but only for texts whose
    cheap bound says they could nest that deep: a bank file with long evidence lists has thousands
    of "-", and parsing its events cost a fifth of a second on every command.
    """
    if not _could_nest_deep(text):
        return False
    depth = 0
    for event in yaml.parse(text, Loader=Loader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                return True
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
    return False


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _duplicate_key(node: yaml.MappingNode) -> YamlRefused | None:
    seen: dict[str, int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        if key.value in seen:
            return YamlRefused(_line(key), f"duplicate key {key.value!r} (first on line {seen[key.value]}); keys must be unique")
        seen[key.value] = _line(key)
    return None


def check_tree(root: yaml.Node) -> None:
    """Raise YamlRefused for a duplicate key or for aliases that expand past ``MAX_EXPANDED_SIZE``.

    Each distinct node is visited once (an alias is the same node object as its anchor), iteratively,
    so neither a billion laughs nor a deep chain of aliases costs more than the text itself.
    """
    size: dict[int, int] = {}
    visiting: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in size:
            continue
        children = _children(node)
        if not children_done:
            if id(node) in visiting:
                raise YamlRefused(_line(node), "an alias refers to a collection that contains it (recursive data)")
            if isinstance(node, yaml.MappingNode):
                duplicate = _duplicate_key(node)
                if duplicate is not None:
                    raise duplicate
            visiting.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(children) if id(child) not in size)
            continue
        visiting.discard(id(node))
        total = len(node.value) + 1 if isinstance(node, yaml.ScalarNode) else 1 + sum(size[id(c)] for c in children)
        if total > MAX_EXPANDED_SIZE:
            raise YamlRefused(
                _line(node),
                f"aliases expand this YAML to more than {size_text(MAX_EXPANDED_SIZE)} of text "
                "(a bank file needs no aliases at all)",
            )
        size[id(node)] = total


_ANCHOR = re.compile(r"(?:^|[\s\[{,])&[^\s\[\]{},]", re.MULTILINE)
"""An anchor (``&name``) could be in the text: only then can it hold aliases. ``R&D``, ``a & b`` and
``?a=1&b=2`` are not anchors."""


def _check_keys(node: yaml.Node) -> None:
    """The duplicate-key check alone, for a tree without aliases (no shared nodes; depth already bounded)."""
    if node.__class__ is yaml.MappingNode:
        duplicate = _duplicate_key(node)
        if duplicate is not None:
            raise duplicate
        children: Any = (value for _, value in node.value)
    elif node.__class__ is yaml.SequenceNode:
        children = node.value
    else:
        return
    for child in children:
        if child.__class__ is not yaml.ScalarNode:
            _check_keys(child)


def load_yaml(text: str) -> YamlDocument:
    """Compose, check and construct one YAML document; raise YamlRefused or yaml.YAMLError."""
    if nests_too_deep(text):
        raise YamlRefused(None, f"YAML nested more than {MAX_YAML_DEPTH} levels deep; a bank file needs 4")
    loader = Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return YamlDocument(None, None)
        if _ANCHOR.search(text):
            check_tree(root)
        else:
            _check_keys(root)
        return YamlDocument(root, loader.construct_document(root))
    finally:
        loader.dispose()
