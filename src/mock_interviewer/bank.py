"""The question bank: its models, its YAML files, and loading several banks at once.

A bank file holds one track and its questions. The built-in banks live in
``rubric/``; users add their own with ``--bank PATH`` or ``MOCK_INTERVIEWER_BANK``.
Every problem is reported as ``file:line: field: what is wrong``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from mock_interviewer.errors import InputError
from mock_interviewer.reading import MAX_BANK_BYTES, decode_utf8, path_problem, read_limited, special_file
from mock_interviewer.resources import data_dir
from mock_interviewer.strict import StrictModel
from mock_interviewer.yamltext import YamlRefused, load_yaml

SCHEMA_VERSION = 1
Tier = Literal["great", "mediocre", "poor"]
TIERS: tuple[Tier, ...] = ("great", "mediocre", "poor")
ANCHOR_SCORES: dict[str, int] = {"poor": 1, "mediocre": 3, "great": 5}
Category = Literal["technical", "behavioral"]
ID_PATTERN = r"^[a-z0-9][a-z0-9_]*(?:-[a-z0-9_]+)*-[0-9]{2,}$"
TRACK_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


def normalise_whitespace(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return " ".join(text.split())




class Exemplars(StrictModel):
    """The three exemplar answers of a question, verbatim but for whitespace."""

    great: str = Field(min_length=1)
    mediocre: str = Field(min_length=1)
    poor: str = Field(min_length=1)

    @field_validator("great", "mediocre", "poor")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("exemplar is blank")
        return value

    def get(self, tier: str) -> str:
        return str(getattr(self, tier))


class PointNote(StrictModel):
    """Authored knowledge about one key point: why it matters, a strong reply to its probe, its evidence."""

    why: str = Field(min_length=1, description="Why an interviewer cares about this point, in one sentence.")
    strong_reply: str = Field(min_length=1, description="What a strong reply to this point's probe contains.")
    evidence: list[str] = Field(
        min_length=1,
        description="Phrases (1-4 words, matched on stems, in order) whose affirmed presence shows the point is addressed.",
    )


class FlagNote(StrictModel):
    """Authored knowledge about one red flag: the phrases whose affirmed presence shows it."""

    evidence: list[str] = Field(default_factory=list)


class Misconception(StrictModel):
    """A wrong claim or harmful practice a poor answer states in the right words ("an index on every column")."""

    claim: str = Field(min_length=1, description="The wrong claim, in one sentence.")
    evidence: list[str] = Field(
        min_length=1,
        description="Phrases (matched on stems, in order) whose affirmed presence shows the answer makes the claim.",
    )


class Question(StrictModel):
    id: str = Field(pattern=ID_PATTERN)
    track: str = Field(pattern=TRACK_PATTERN)
    number: int = Field(ge=1)
    category: Category
    text: str = Field(min_length=1)
    exemplars: Exemplars
    key_points: list[str] = Field(default_factory=list, max_length=8)
    red_flags: list[str] = Field(default_factory=list, max_length=4)
    probes: list[str] = Field(
        default_factory=list,
        max_length=8,
        description="One follow-up question per key point, in the same order, that probes for it without giving it away.",
    )
    point_notes: list[PointNote] = Field(
        default_factory=list, max_length=8, description="One note per key point, in the same order."
    )
    flag_notes: list[FlagNote] = Field(
        default_factory=list, max_length=4, description="One note per red flag, in the same order."
    )
    misconceptions: list[Misconception] = Field(
        default_factory=list,
        max_length=8,
        description="Wrong claims a poor answer makes in the vocabulary of a strong one; the offline grader weighs them.",
    )
    siblings: list[str] = Field(
        default_factory=list,
        description="Questions of other tracks that ask about the same topic: an answer to one is on topic for the other.",
    )

    @model_validator(mode="after")
    def _id_matches(self) -> Question:
        expected = f"{self.track}-{self.number:02d}"
        if self.id != expected:
            raise ValueError(f"id {self.id!r} does not match track and number (expected {expected!r})")
        for name, items, per, plural in (
            ("probes", self.probes, self.key_points, "key_points"),
            ("point_notes", self.point_notes, self.key_points, "key_points"),
            ("flag_notes", self.flag_notes, self.red_flags, "red_flags"),
        ):
            if items and len(items) != len(per):
                raise ValueError(
                    f"{name}: {len(items)} given for {len(per)} {plural}; write one per {plural[:-1].replace('_', ' ')}"
                )
        return self

    def point_note(self, index: int) -> PointNote | None:
        return self.point_notes[index] if index < len(self.point_notes) else None

    def flag_note(self, index: int) -> FlagNote | None:
        return self.flag_notes[index] if index < len(self.flag_notes) else None


class Track(StrictModel):
    id: str = Field(pattern=TRACK_PATTERN)
    title: str = Field(min_length=1)
    role: str | None = Field(
        default=None,
        min_length=1,
        description="The job the track interviews for, as the interviewer says it: 'an engineering director role'.",
    )
    time_limit_minutes: int | None = Field(default=None, ge=1)

    @property
    def described(self) -> str:
        """How the interviewer names what the candidate is interviewing for: the role, else the track."""
        return self.role or f'the "{self.title}" track'


def default_role(track_id: str) -> str:
    """A role named after a track id ("engineering-manager" -> "an engineering manager role"), for imports."""
    words = track_id.replace("-", " ").replace("_", " ").strip()
    return f"{'an' if words[:1].lower() in 'aeiou' else 'a'} {words} role"


class BankFile(StrictModel):
    """One bank file on disk: a track and its questions."""

    schema_version: Literal[1] = 1
    track: Track
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> BankFile:
        seen: set[str] = set()
        for index, question in enumerate(self.questions):
            if question.track != self.track.id:
                raise ValueError(
                    f"questions[{index}].track {question.track!r} differs from the file's track {self.track.id!r}"
                )
            if question.id in seen:
                raise ValueError(f"questions[{index}].id {question.id!r} appears twice in this file")
            seen.add(question.id)
        return self


# ---------------------------------------------------------------- reading files


def _read_text(path: Path) -> str:
    data = read_limited(path, MAX_BANK_BYTES, "a bank file")
    if b"\x00" in data:
        raise InputError(f"{path}: binary file, expected a YAML bank file")
    return decode_utf8(data, str(path))


def _node_line(node: yaml.Node | None, loc: Sequence[int | str]) -> int | None:
    """Follow a pydantic error location through a composed YAML tree; return a 1-based line."""
    line = None if node is None else node.start_mark.line + 1
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == key:
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _format_loc(loc: Sequence[int | str]) -> str:
    """``questions[3].exemplars.poor``; odd keys (spaces, newlines) are quoted so the line stays one line."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out


def _describe(error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        loc = error["loc"]
        if len(loc) >= 2 and loc[-2] == "exemplars":
            return f"unknown tier {loc[-1]!r} (tiers are great, mediocre, poor)"
        return "unknown field"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


_NAMED_LOC = re.compile(r"^questions\[(\d+)\]\.(\w+) ")


def validation_problems(path: Path, exc: ValidationError, root: yaml.Node | None) -> list[str]:
    """Turn a pydantic error into lines of ``file:line: field: problem``."""
    problems = []
    for error in exc.errors():
        loc = [part for part in error["loc"] if not isinstance(part, str) or not part.startswith("function-")]
        line = _node_line(root, loc)
        named = _NAMED_LOC.match(_describe(error)) if not loc else None
        if named:  # a whole-file check names the element in its message: point at that element's line
            line = _node_line(root, ["questions", int(named.group(1)), named.group(2)])
        where = f"{path}:{line}" if line else str(path)
        field_name = _format_loc(loc)
        prefix = f"{where}: {field_name}: " if field_name else f"{where}: "
        problems.append(prefix + _describe(error))
    return problems


def parse_bank_text(text: str, path: Path) -> BankFile:
    """Parse and validate the text of a bank file; raise InputError listing every problem."""
    problems, bank_file = check_bank_text(text, path)
    if bank_file is None:
        raise BankInvalid(problems)
    return bank_file


class BankInvalid(InputError):
    """Several problems in one bank file; the first line is the message, all are kept."""

    def __init__(self, problems: list[str]) -> None:
        more = (
            f" (and {len(problems) - 1} more problems; run 'mock-interviewer bank validate')"
            if len(problems) > 1
            else ""
        )
        super().__init__(problems[0] + more)
        self.problems = problems


def check_bank_text(text: str, path: Path) -> tuple[list[str], BankFile | None]:
    """Validate a bank file's text: every problem, one line each, or the parsed bank file."""
    if not text.strip():
        return [f"{path}: empty bank file"], None
    try:
        document = load_yaml(text)
    except YamlRefused as exc:
        return [f"{path}:{exc.line}: {exc.problem}" if exc.line else f"{path}: {exc.problem}"], None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return [f"{where}: malformed YAML: {problem}"], None
    root, data = document.root, document.data
    if not isinstance(data, dict):
        found = type(data).__name__
        return [f"{path}: expected a mapping with 'schema_version', 'track' and 'questions', found {found}"], None
    version = data.get("schema_version")
    if isinstance(version, int) and version > SCHEMA_VERSION:
        return [
            f"{path}: schema_version {version} is newer than this tool supports ({SCHEMA_VERSION}); "
            "upgrade mock-interviewer"
        ], None
    try:
        return [], BankFile.model_validate(data)
    except ValidationError as exc:
        return validation_problems(path, exc, root), None


def load_bank_file(path: Path) -> BankFile:
    return parse_bank_text(_read_text(path), path)


def bank_file_paths(path: Path) -> list[Path]:
    """A bank path is a file or a directory of ``*.yaml`` / ``*.yml`` files."""
    try:
        is_dir = path.is_dir()
        files = sorted([*path.glob("*.yaml"), *path.glob("*.yml")]) if is_dir else []
        exists = is_dir or path.exists()
    except OSError as exc:  # a name over NAME_MAX, a directory without search permission
        raise InputError(f"{path}: cannot read: {path_problem(exc)}") from None
    if is_dir:
        if not files:
            raise InputError(f"{path}: directory holds no .yaml bank files")
        for file in files:  # found, not named: a FIFO would block the read, a device never end
            kind = special_file(file)
            if kind is not None:
                raise InputError(f"{file}: is {kind}, not a regular file; not read")
        return files
    if not exists:
        raise InputError(f"{path}: no such bank file or directory")
    return [path]


def missing_notes(bank_file: BankFile, path: Path) -> list[str]:
    """What a valid bank file lacks for the offline grader to say anything about key points and red flags."""
    out = []
    for question in bank_file.questions:
        if question.key_points and not question.point_notes:
            out.append(
                f"{path}: {question.id}: no point_notes: the offline grader will name no key point as covered or missing"
            )
        if question.red_flags and not question.flag_notes:
            out.append(f"{path}: {question.id}: no flag_notes: the offline grader will name no red flag")
    return out


def validate_paths(paths: Iterable[Path], notes: list[str] | None = None) -> list[str]:
    """Every problem in the given bank files and directories (for ``bank validate``).

    Besides each file's own problems: what ``--bank`` would refuse when these files are loaded together
    with the built-in bank (a track or question id given twice). ``notes``, when given, receives what
    valid files lack for the offline grader (point and flag notes).
    """
    problems: list[str] = []
    loaded: list[tuple[Path, BankFile]] = []
    for root in paths:
        try:
            files = bank_file_paths(root)
        except InputError as exc:
            problems.append(str(exc))
            continue
        for file in files:
            try:
                found, bank_file = check_bank_text(_read_text(file), file)
            except InputError as exc:
                problems.append(str(exc))
                continue
            problems.extend(found)
            if bank_file is not None:
                loaded.append((file, bank_file))
                if bank_file.track.role is None:
                    problems.append(
                        f"{file}: track.role: missing; name the job this track interviews for, "
                        "e.g. 'role: an engineering director role'"
                    )
                problems.extend(contradicted_misconceptions(bank_file, file))
                if notes is not None:
                    notes.extend(missing_notes(bank_file, file))
    return problems + _clashes(loaded)


def contradicted_misconceptions(bank_file: BankFile, path: Path) -> list[str]:
    """Misconception phrases a question's own strong material affirms: the offline grader would count a strong
    answer's words as a wrong claim (the great and mediocre exemplars, key points, strong replies, evidence)."""
    from mock_interviewer.textmatch import find_phrase, tokens

    out = []
    for question in bank_file.questions:
        if not question.misconceptions:
            continue
        strong = [question.text, *question.key_points, question.exemplars.great, question.exemplars.mediocre]
        strong += [note.strong_reply for note in question.point_notes]
        strong += [phrase for note in question.point_notes for phrase in note.evidence]
        said = [tokens(text) for text in strong]
        for n, misconception in enumerate(question.misconceptions):
            for phrase in misconception.evidence:
                if any(hit.affirmed for found in said for hit in find_phrase(found, phrase)):
                    out.append(
                        f"{path}: {question.id}: misconceptions[{n}]: {phrase!r} is said by the question's own "
                        "exemplars or notes; a strong answer would be read as making the wrong claim"
                    )
    return out


def _clashes(loaded: list[tuple[Path, BankFile]]) -> list[str]:
    """Tracks and question ids given twice (in these files, or in these and the built-in bank), and
    siblings that name no question."""
    builtin = [] if _broken_install() else list(_builtin_files())
    given = {_resolved(file) for file, _ in loaded}
    track_origins = {bank_file.track.id: file for file, bank_file in builtin if _resolved(file) not in given}
    origins = {question.id: file for file, bank_file in builtin if _resolved(file) not in given for question in bank_file.questions}
    problems: list[str] = []
    for file, bank_file in loaded:
        track = bank_file.track.id
        if track in track_origins:  # its question ids are the other file's too: one line says it
            problems.append(
                f"{file}: duplicate track {track!r}, also in {track_origins[track]} "
                "(--bank refuses a track given twice; give this file another track id)"
            )
            continue
        track_origins[track] = file
        for question in bank_file.questions:
            if question.id in origins:
                problems.append(f"{file}: duplicate question id {question.id!r}, also in {origins[question.id]}")
            origins.setdefault(question.id, file)
    known = set(origins) | {q.id for _, bank_file in builtin for q in bank_file.questions}
    for file, bank_file in loaded:
        for question in bank_file.questions:
            problems.extend(
                f"{file}: {question.id}: siblings: no question {other!r} in these files or the built-in bank"
                for other in question.siblings
                if other not in known
            )
    return problems


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _broken_install() -> bool:
    try:
        _builtin_files()
    except (InputError, OSError):  # a broken install: only the files given count
        return True
    return False


# ---------------------------------------------------------------- the merged bank


@dataclass
class Bank:
    """All loaded questions, by id, in file order."""

    tracks: dict[str, Track] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    origins: dict[str, Path] = field(default_factory=dict)

    def add(self, bank_file: BankFile, path: Path) -> None:
        track = bank_file.track
        if track.id in self.tracks:
            raise InputError(f"{path}: duplicate track {track.id!r}, also in {self.origins[f'track:{track.id}']}")
        for question in bank_file.questions:
            if question.id in self.questions:
                raise InputError(f"{path}: duplicate question id {question.id!r}, also in {self.origins[question.id]}")
        self.tracks[track.id] = track
        self.origins[f"track:{track.id}"] = path
        for question in bank_file.questions:
            self.questions[question.id] = question
            self.origins[question.id] = path

    def get(self, question_id: str) -> Question:
        try:
            return self.questions[question_id]
        except KeyError:
            raise InputError(
                f"unknown question id {question_id!r}{self._suggest(question_id, self.questions)}"
            ) from None

    def track(self, track_id: str) -> Track:
        try:
            return self.tracks[track_id]
        except KeyError:
            known = ", ".join(self.tracks)
            raise InputError(f"unknown track {track_id!r} (tracks: {known})") from None

    def in_track(self, track_id: str | None) -> list[Question]:
        if track_id is None:
            return list(self.questions.values())
        self.track(track_id)
        return [q for q in self.questions.values() if q.track == track_id]

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions.values())

    def __len__(self) -> int:
        return len(self.questions)

    @staticmethod
    def _suggest(wanted: str, known: dict[str, Any]) -> str:
        match = re.match(r"^(.*)-(\d+)$", wanted)
        if match:
            candidate = f"{match.group(1)}-{int(match.group(2)):02d}"
            if candidate in known and candidate != wanted:
                return f" (did you mean {candidate!r}?)"
        tracks = sorted({key.rsplit("-", 1)[0] for key in known})
        return f" (ids look like {tracks[0]}-01; see 'mock-interviewer bank list')" if tracks else ""


def builtin_bank_dir() -> Path:
    return data_dir("rubric")


def load_bank(extra: Sequence[Path] = (), *, builtin: bool = True) -> Bank:
    """Load the built-in banks and any extra bank files or directories."""
    bank = Bank()
    if builtin:
        for path, bank_file in _builtin_files():
            bank.add(bank_file, path)
    for root in extra:
        for path in bank_file_paths(root):
            bank.add(load_bank_file(path), path)
    return bank


@lru_cache(maxsize=1)
def _builtin_files() -> tuple[tuple[Path, BankFile], ...]:
    """The built-in bank files, parsed once per process (a command and the offline grader both need them)."""
    return tuple((path, load_bank_file(path)) for path in bank_file_paths(builtin_bank_dir()))


# ---------------------------------------------------------------- writing files


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = ">" if len(value) > 80 and "\n" not in value and value == value.strip() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_bank_file(bank_file: BankFile) -> str:
    """Serialise a bank file as YAML: long texts as folded block scalars, which diff well."""
    data = bank_file.model_dump(mode="json")
    for question in data["questions"]:  # optional notes a file does not have are left out, not written empty
        for name in ("point_notes", "flag_notes", "misconceptions", "siblings"):
            if not question.get(name):
                question.pop(name, None)
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
