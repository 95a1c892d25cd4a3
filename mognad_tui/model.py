"""The domain as plain data: question sets, the four steps, questions, sessions and what a
meeting produces (answers, notes, needs, action items).

Everything here is pure: no Textual, aiohttp, TinyDB or questionary, so every face (terminal,
web page, exports) and every test can use it without starting anything. Objects convert to and
from plain dicts (``to_dict``/``from_dict``) because the store freezes a question set inside
each session, and a session must still open after the YAML it came from has changed.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from typing import Any, Literal

Lang = Literal["sv", "en"]
LANGS: tuple[Lang, ...] = ("sv", "en")

#: The value every scale offers for "don't know / not relevant". It is counted, never averaged.
DONT_KNOW = "dont_know"
#: The companion question asking how important an item is has this suffix after the item's id.
IMPORTANCE_SUFFIX = ".importance"
IMPORTANCE_VALUES = ("low", "medium", "high")
#: Warnings ``mognad validate`` gives an author, and which of them an ``allow:`` with a written
#: reason may silence on a question (``ITEM_WARNINGS``) or on the set as a whole
#: (``SET_WARNINGS``). A warning is advice, never an error: the set still loads.
ITEM_WARNINGS = ("joined-ideas", "too-long")
SET_WARNINGS = ("no-twin",)

#: Anonymity threshold: below it only the count of answers is shown, in every view and export.
DEFAULT_THRESHOLD = 3
MIN_THRESHOLD = 2

#: Where the participants' page listens when no port is given; taken, it moves to a free one.
DEFAULT_PORT = 8765

#: Free text is capped where it enters (web, keyboard, notes): long enough for a thought.
MAX_FREE_TEXT = 500
MAX_NOTE_TEXT = 20_000
MAX_SHORT_TEXT = 200


class Kind(str, enum.Enum):
    """Question kinds. The string values are part of the participant API and the JSON export."""

    SCALE = "scale"
    SINGLE = "single"
    MULTIPLE = "multiple"
    TEXT = "text"
    DOTS = "dots"

    # What each kind allows is decided here once, as the importance rule lives on Question,
    # so the meeting, the results, the exports and the faces cannot disagree about it.

    @property
    def one_choice(self) -> bool:
        """An answer is one of the options (so a changed answer moves one count to another)."""
        return self in (Kind.SCALE, Kind.SINGLE)

    @property
    def tallied(self) -> bool:
        """Raised hands or paper votes can be counted in: one count per option, per person."""
        return self in (Kind.SCALE, Kind.SINGLE, Kind.MULTIPLE)

    @property
    def typed_privately(self) -> bool:
        """One person at a time can answer on the facilitator's keyboard (a dot vote cannot:
        spending dots takes a screen of its own)."""
        return self is not Kind.DOTS

    @property
    def counted(self) -> bool:
        """Results are counts per option; free text is shown as the texts themselves."""
        return self is not Kind.TEXT


class Voting(str, enum.Enum):
    """Where a question is in the meeting. Results show only once REVEALED."""

    CLOSED = "closed"
    OPEN = "open"
    REVEALED = "revealed"


class NeedKind(str, enum.Enum):
    COMPETENCE = "competence"
    CHANGE = "change"


class Prerequisite(str, enum.Enum):
    """What the förvaltning provides and a unit can only ask for (METHOD.md, step 4)."""

    STRATEGY = "strategy"
    ECONOMY = "economy"
    INFRASTRUCTURE = "infrastructure"
    SUPPORT = "support"


class ActionStatus(str, enum.Enum):
    PLANNED = "planned"
    STARTED = "started"
    DONE = "done"
    DROPPED = "dropped"


class Priority(str, enum.Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


def clean_text(text: str, limit: int = MAX_FREE_TEXT, *, multiline: bool = False) -> str:
    """Strip what a hostile participant could use against a terminal, page or document.

    Unicode category C (controls, format characters such as bidi overrides, private use,
    unassigned) is removed, not escaped: escape sequences would reach the projector's terminal
    and bidi overrides would make an approved text read differently than it was approved.
    Newlines and tabs survive only where ``multiline`` allows (notes); elsewhere they become a
    space. The result is capped at ``limit`` characters.
    """
    text = str(text)
    # The common case at C speed: nothing to remove (isprintable is false for category C and
    # for every separator but the ASCII space, the only whitespace left to fold or strip).
    if (
        text.isprintable()
        and len(text) <= limit
        and text == text.strip()
        and (multiline or "  " not in text)
    ):
        return text
    out: list[str] = []
    for ch in text:
        if ch in "\n\t" and multiline:
            out.append(ch)
        elif ch in "\r\n\t\v\f":
            out.append(" ")
        elif unicodedata.category(ch).startswith("C"):
            continue
        else:
            out.append(ch)
    cleaned = "".join(out)
    if not multiline:
        cleaned = " ".join(cleaned.split())
    return cleaned.strip()[:limit].rstrip()  # cleaning twice gives the same text


#: Long enough for any text a session or a server may legitimately hold; ``clean_tree`` and
#: the catalogues clean for the terminal's sake, not to shorten anything.
TERMINAL_LIMIT = 100_000


def clean_tree(data: Any, *, multiline: bool = True, limit: int = TERMINAL_LIMIT) -> Any:
    """``clean_text`` applied to every string (keys included) of plain JSON data.

    A session folder or a participant server is as hostile as a participant: a title or a
    question text holding ``ESC ]0;...`` would retitle or wipe the facilitator's terminal. Data
    read from either passes through here before any face sees it; clean data comes back equal.
    """
    if isinstance(data, str):
        return clean_text(data, limit, multiline=multiline)
    if isinstance(data, dict):
        return {
            (clean_tree(k, multiline=multiline, limit=limit) if isinstance(k, str) else k): (
                clean_tree(v, multiline=multiline, limit=limit)
            )
            for k, v in data.items()
        }
    if isinstance(data, list | tuple):
        return [clean_tree(v, multiline=multiline, limit=limit) for v in data]
    return data


# ---------------------------------------------------------------- question sets


@dataclass(frozen=True)
class Option:
    """A fixed choice. ``value`` is what a device posts and what the export lists."""

    value: str | int
    label: str


@dataclass(frozen=True)
class Dimension:
    id: str
    title: str
    part: str = ""  # e.g. "A" (what we can do) or "B" (what we have)


@dataclass(frozen=True)
class Prompt:
    """A discussion prompt shown large on the shared screen (steps 1, 3 and 4)."""

    id: str
    text: str
    help: str = ""
    minutes: int | None = None
    # Optional prompts are the ones a 60-minute meeting drops first; the essential ones stay.
    optional: bool = False

    @property
    def is_question(self) -> bool:
        return False


@dataclass(frozen=True)
class Question:
    """One thing participants answer.

    Scale options run 1..N with the anchored labels, then ``DONT_KNOW``. ``dots`` is the number
    of dots each person spends (dot voting). ``max_length`` caps free text.
    """

    id: str
    kind: Kind
    text: str
    options: tuple[Option, ...] = ()
    dimension: str | None = None
    dots: int = 0
    max_length: int = MAX_FREE_TEXT
    importance_of: str | None = None  # set on the generated "how important?" companion
    #: Warning code -> the author's reason for keeping the item as it is (``ITEM_WARNINGS``).
    #: Kept out of the hash: a dict cannot be hashed, and the reasons do not make the item.
    allow: dict[str, str] = field(default_factory=dict, hash=False)

    @property
    def is_question(self) -> bool:
        return True

    @property
    def importance_base(self) -> str | None:
        """The item this "how important is this?" companion belongs to; ``None`` for any other
        question. Sets made by the loader say so in ``importance_of``; the id suffix covers a
        hand-written companion."""
        if self.importance_of:
            return self.importance_of
        if self.id.endswith(IMPORTANCE_SUFFIX):
            return self.id[: -len(IMPORTANCE_SUFFIX)]
        return None

    @property
    def scale_values(self) -> tuple[int, ...]:
        """The numeric points of a scale (``DONT_KNOW`` left out), for medians and means."""
        return tuple(o.value for o in self.options if isinstance(o.value, int))

    def option_label(self, value: Any) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        return str(value)

    def validate_value(self, value: Any) -> Any:
        """Return the normalised value, or raise ``ValueError`` with a reason code.

        The reason codes (``bad_value``, ``too_long``, ``too_many_dots``...) are looked up in the
        messages catalogue by the faces, so the participant sees a sentence in their language.
        """
        allowed = [o.value for o in self.options]
        if self.kind.one_choice:
            # Phones post JSON numbers, plain forms post strings: accept "3" for 3.
            if isinstance(value, bool):
                raise ValueError("bad_value")
            for a in allowed:
                if value == a or (
                    isinstance(a, int) and isinstance(value, str) and value == str(a)
                ):
                    return a
            raise ValueError("bad_value")
        if self.kind is Kind.MULTIPLE:
            if not isinstance(value, list) or len(value) > len(allowed):
                raise ValueError("bad_value")
            picked = []
            for v in value:
                norm = next((a for a in allowed if a == v or str(a) == str(v)), None)
                if norm is None or isinstance(v, bool):
                    raise ValueError("bad_value")
                if norm not in picked:
                    picked.append(norm)
            return sorted(picked, key=allowed.index)
        if self.kind is Kind.DOTS:
            if not isinstance(value, dict):
                raise ValueError("bad_value")
            spent: dict[str, int] = {}
            for key, n in value.items():
                norm = next((a for a in allowed if str(a) == str(key)), None)
                if norm is None or isinstance(n, bool) or not isinstance(n, int) or n < 0:
                    raise ValueError("bad_value")
                if n:
                    spent[str(norm)] = n
            if sum(spent.values()) > self.dots:
                raise ValueError("too_many_dots")
            if not spent:
                raise ValueError("empty")  # no dot placed is no answer, not a respondent
            return spent
        if self.kind is Kind.TEXT:
            if not isinstance(value, str):
                raise ValueError("bad_value")
            text = clean_text(value, limit=self.max_length)
            if not text:
                raise ValueError("empty")
            return text
        raise ValueError("bad_value")  # pragma: no cover - every kind handled above


Item = Prompt | Question


@dataclass(frozen=True)
class Step:
    """One of the method's four steps, with its agenda items in order."""

    number: int
    title: str
    items: tuple[Item, ...] = ()

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(i for i in self.items if isinstance(i, Question))


@dataclass(frozen=True)
class QuestionSet:
    id: str
    version: str
    lang: Lang
    title: str
    description: str
    steps: tuple[Step, ...]
    dimensions: tuple[Dimension, ...] = ()
    #: Set-level warning code -> the author's reason (``SET_WARNINGS``), as on ``Question``.
    allow: dict[str, str] = field(default_factory=dict, hash=False)

    # Cached: a set never changes, and every answer from every phone looks its question up.
    @cached_property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for step in self.steps for item in step.items)

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(i for i in self.items if isinstance(i, Question))

    @cached_property
    def survey(self) -> tuple[Question, ...]:
        """The self-assessment (step 2): what ``serve --self-paced`` opens."""
        return tuple(q for s in self.steps if s.number == 2 for q in s.questions)

    @cached_property
    def survey_ids(self) -> frozenset[str]:
        return frozenset(q.id for q in self.survey)

    @cached_property
    def _by_id(self) -> dict[str, Item]:
        return {i.id: i for i in reversed(self.items)}  # the first of a duplicate id wins

    def item(self, item_id: str) -> Item | None:
        return self._by_id.get(item_id) if isinstance(item_id, str) else None

    def question(self, question_id: str) -> Question | None:
        item = self.item(question_id)
        return item if isinstance(item, Question) else None

    def dimension(self, dimension_id: str | None) -> Dimension | None:
        return next((d for d in self.dimensions if d.id == dimension_id), None)

    def step_of(self, item_id: str) -> Step | None:
        return next((s for s in self.steps if any(i.id == item_id for i in s.items)), None)

    def asks_the_same(self, other: QuestionSet) -> bool:
        """Whether ``other`` (the set in another language) asks exactly what this one asks:
        the same items in the same order, each question of the same kind with the same option
        values. Only then may a phone show one set's texts for the other's answers."""

        def shape(qs: QuestionSet) -> list[tuple[Any, ...]]:
            return [
                (i.id, i.kind, tuple(o.value for o in i.options), i.dots, i.importance_base)
                if isinstance(i, Question)
                else (i.id,)
                for i in qs.items
            ]

        return self.id == other.id and shape(self) == shape(other)

    # Plain-dict form: the frozen copy a session keeps. Stable and versioned with the store.
    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "lang": self.lang,
            "title": self.title,
            "description": self.description,
            "dimensions": [vars_of(d) for d in self.dimensions],
            "steps": [
                {"number": s.number, "title": s.title, "items": [item_to_dict(i) for i in s.items]}
                for s in self.steps
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QuestionSet:
        data = clean_tree(data)  # the frozen copy in a session folder may have been edited
        return cls(
            id=data["id"],
            version=str(data.get("version", "")),
            lang=data.get("lang", "sv"),
            title=data["title"],
            description=data.get("description", ""),
            dimensions=tuple(Dimension(**d) for d in data.get("dimensions", [])),
            steps=tuple(
                Step(s["number"], s["title"], tuple(item_from_dict(i) for i in s["items"]))
                for s in data["steps"]
            ),
        )


def vars_of(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def item_to_dict(item: Item) -> dict[str, Any]:
    if isinstance(item, Prompt):
        return {"type": "prompt", **vars_of(item)}
    data = vars_of(item)
    data["kind"] = item.kind.value
    data["options"] = [{"value": o.value, "label": o.label} for o in item.options]
    return {"type": "question", **data}


def item_from_dict(data: dict[str, Any]) -> Item:
    data = dict(clean_tree(data))
    if data.pop("type") == "prompt":
        return Prompt(**data)
    data["kind"] = Kind(data["kind"])
    data["options"] = tuple(Option(o["value"], o["label"]) for o in data.get("options", []))
    return Question(**data)


# ---------------------------------------------------------------- what a meeting produces


@dataclass(frozen=True)
class Need:
    """A competence need or change need the group named (steps 3 and 4)."""

    id: str
    kind: NeedKind
    text: str
    dimension: str | None = None
    #: The group's order of priority (1 first), from the dot vote or set by the facilitator.
    rank: int | None = None
    #: A request to the förvaltning for one of its prerequisites; ``None``: the unit does it.
    request: Prerequisite | None = None

    def to_dict(self) -> dict[str, Any]:
        request = self.request.value if self.request is not None else None
        return {**vars_of(self), "kind": self.kind.value, "request": request}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Need:
        data = clean_tree(data)
        request = data.get("request")
        return cls(
            **{
                **data,
                "kind": NeedKind(data["kind"]),
                "request": Prerequisite(request) if request is not None else None,
            }
        )


@dataclass(frozen=True)
class ActionItem:
    """An action for the operational plan: what, who, by when, and how we follow it up."""

    id: str
    what: str
    owner: str = ""
    due: str = ""  # ISO date (YYYY-MM-DD) or empty
    status: ActionStatus = ActionStatus.PLANNED
    priority: Priority = Priority.MEDIUM
    follow_up: str = ""
    need: str | None = None  # the Need.id it answers
    dimension: str | None = None  # or the dimension it came from

    def to_dict(self) -> dict[str, Any]:
        return {**vars_of(self), "status": self.status.value, "priority": self.priority.value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ActionItem:
        data = clean_tree(data)
        return cls(
            **{
                **data,
                "status": ActionStatus(data.get("status", "planned")),
                "priority": Priority(data.get("priority", "medium")),
            }
        )

    def with_changes(self, **changes: Any) -> ActionItem:
        return replace(self, **changes)


@dataclass(frozen=True)
class SessionInfo:
    """What identifies a session and what it was created with. Never participant data."""

    name: str  # the folder name (a slug), what `mognad list` shows and commands take
    title: str  # the group, as typed: "Enhet Socialtjänst Nord"
    created: str  # ISO date
    set_id: str
    lang: Lang
    threshold: int = DEFAULT_THRESHOLD
    follow_up: str | None = None  # name of the earlier session of the same group
    join_code: str = ""
    # The agenda's plan (``schedule.fit_meetings``): each meeting's length in minutes, and
    # the method's two meetings or everything in one. Older sessions read as 60 and 2.
    minutes: int = 60
    meetings: int = 2

    def to_dict(self) -> dict[str, Any]:
        return vars_of(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionInfo:
        known = {f.name for f in fields(cls)}
        # One line each: the title is what `mognad list` and the run header print.
        return cls(**{k: clean_tree(v, multiline=False) for k, v in data.items() if k in known})


@dataclass
class Tally:
    """Counts typed by the facilitator (show of hands, paper), added to the phones' votes."""

    question: str
    counts: dict[str, int] = field(default_factory=dict)  # str(option value) -> count


@dataclass
class SessionRecord:
    """A consistent, plain-data read of a whole session: what results and exports work from.

    The store builds it (``SessionStore.record()``); results and exports never touch the store,
    so an export mid-meeting reads a copy and cannot disturb the live session.
    """

    info: SessionInfo
    question_set: QuestionSet
    answers: dict[str, list[Any]] = field(default_factory=dict)  # question id -> values
    tallies: dict[str, dict[str, int]] = field(default_factory=dict)  # question -> option -> n
    notes: dict[str, str] = field(default_factory=dict)  # item id -> the facilitator's notes
    needs: list[Need] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    approved: dict[str, list[str]] = field(default_factory=dict)  # text question -> shown texts
    polls: list[Question] = field(default_factory=list)  # quick polls made during the meeting
    voting: dict[str, Voting] = field(default_factory=dict)  # question id -> state
    #: ``mognad close`` deleted the raw answers and free texts for good; ``kept`` holds, per
    #: question, the figures the plan showed then (see ``results.kept_figures``).
    closed: bool = False
    kept: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Question id -> the counts shown so far (aggregates, see results.question_result); None
    # for a record not read from a session, which then shows today's counts.
    shown: dict[str, list[Any]] | None = None

    def question(self, question_id: str) -> Question | None:
        return self.question_set.question(question_id) or next(
            (p for p in self.polls if p.id == question_id), None
        )

    @property
    def all_questions(self) -> tuple[Question, ...]:
        return self.question_set.questions + tuple(self.polls)
