"""Every number the group sees, computed in one place.

The terminal, the phones and the exports must show the same figures, and none of them may show
a figure the anonymity threshold hides. So the faces never count answers themselves: they call
these pure functions over a :class:`~mognad_tui.model.SessionRecord` and display what comes back.
Below the threshold a result carries only its count ``n``; every other field is ``None``, so a
view cannot leak what it was never given.

API (all pure, no I/O):

- :func:`threshold_of` the session's anonymity threshold (the ONE place it is decided).
- :func:`question_result` -> :class:`QuestionResult` for any question (survey item, prompt
  question, quick poll): ``n``, ``shown``, ``distribution`` (:class:`OptionCount`), ``dont_know``,
  ``median``, ``mean``, ``spread``, ``all_alike``, ``disagreement``, ``texts``, ``held``.
- :func:`to_remember` the showings a face must have the session keep before it shows them (no
  differencing across reveals and exports); :func:`raw_below_threshold` for raw exports.
- :func:`dimension_results` -> :class:`DimensionResult` per dimension of the set.
- :func:`importance_result` -> :class:`Importance` of an item (its ``.importance`` companion).
- :func:`rank_within_parts` -> :class:`PartRanking` per part: strongest and weakest dimensions,
  never across parts (their scales differ).
- :func:`overview` -> :class:`Overview`: all of the above plus strengths, weaknesses,
  disagreements, priority gaps, participation, high-priority actions and, given the previous
  session, :class:`Comparison` (:func:`compare`).
- :func:`stable_shuffle` the deterministic, arrival-independent order of free texts (stable
  when a text is added); :func:`shuffled` the same for raw answers in exports.

Facilitator tallies (``record.tallies``) are added to the phones' answers in every figure.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import statistics
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import Any, TypeVar

from mognad_tui.model import (
    DONT_KNOW,
    IMPORTANCE_SUFFIX,
    MIN_THRESHOLD,
    ActionItem,
    ActionStatus,
    Dimension,
    Kind,
    Need,
    Priority,
    Question,
    QuestionSet,
    SessionRecord,
    clean_text,
)

T = TypeVar("T")

#: Normalised disagreement (0..1, see :attr:`QuestionResult.disagreement`) from which an item is
#: called one where "the group disagrees". 0.5 on a 1-5 scale is a standard deviation of 1.0:
#: answers spread over at least three neighbouring points, or two camps two points apart.
DISAGREEMENT_MIN = 0.5
#: How many items the overview lists under "where we disagree".
TOP_DISAGREEMENTS = 3
#: How many dimensions are named strongest and weakest (fewer when the set has few dimensions).
TOP_DIMENSIONS = 2
#: How many high-priority action items the summary names ("our three priorities").
TOP_PRIORITIES = 3
#: Share of importance answers that must be "medium" or "high" for an item to count as
#: important: a strict majority, which is what "mostly medium or high" means.
IMPORTANT_SHARE = 0.5
#: Buckets of a dimension's histogram (the sparkline beside its score).
HISTOGRAM_BUCKETS = 5

_IMPORTANCE_WEIGHT = {"low": 0.0, "medium": 0.5, "high": 1.0}


# ---------------------------------------------------------------- the threshold


def threshold_of(record: SessionRecord) -> int:
    """The anonymity threshold of this session, never below ``MIN_THRESHOLD``.

    Every "may this be shown?" decision in the product goes through :func:`is_shown`, which
    uses this value, so a session file edited to ``threshold: 0`` still hides small groups.
    """
    try:
        value = int(record.info.threshold)
    except (TypeError, ValueError):
        value = MIN_THRESHOLD
    return max(MIN_THRESHOLD, value)


def is_shown(n: int, threshold: int) -> bool:
    """Whether ``n`` answers are enough to show anything but the count."""
    return n >= max(MIN_THRESHOLD, threshold)


# ---------------------------------------------------------------- result types


@dataclass(frozen=True)
class OptionCount:
    """One row of a distribution: an option, its label and how many chose it.

    ``share`` is ``count`` divided by the question's ``n`` (for dot voting: by all dots spent),
    so the faces print percentages without dividing themselves.
    """

    value: str | int
    label: str
    count: int
    share: float


@dataclass(frozen=True)
class QuestionResult:
    """The figures of one question. When ``shown`` is false only ``n`` is set.

    - ``n``: answers counted, facilitator tallies included and "don't know" included. For
      multiple choice a show of hands cannot tell how many people raised none, so tallies add
      their largest option count (the fewest people they can stand for); for dot voting tallies
      add the fewest people who could have spent those dots. Both err towards a smaller ``n``,
      which is the safe side of the threshold.
    - ``distribution``: every option in the set's order; for scales the points then "don't
      know" last. Dot voting: dots per option. Free text: ``None`` (see ``texts``).
    - ``valued``: scale answers with a point (``n - dont_know``).
    - ``median``/``mean``/``spread`` of the scale points, "don't know" left out. ``spread`` is
      the population standard deviation: it uses every answer, so it moves smoothly in groups of
      3 to 30, where an interquartile range on a 5-point scale jumps between 0, 1 and 2 and hides
      two camps at the ends. Population, not sample, because the group describes itself.
    - ``disagreement``: ``spread`` divided by its largest possible value on this scale, half
      the range (half the group at each end), so 0 means all alike and 1 two equal camps at the
      ends, comparable across scales.
    - ``disagrees``: ``disagreement >= DISAGREEMENT_MIN``.
    - ``all_alike``: everyone who answered with a value gave the same one (or everyone said
      "don't know"): the screen must say that the result reveals each person's answer.
    - ``texts``: free text, the approved texts only, in :func:`stable_shuffle` order.
    - ``held``: the figures are the ones shown before, not today's (see :func:`question_result`
      on differencing); ``held_for`` is how many more answers it takes at least before today's
      figures may be shown (0: they may be, but nobody has recorded them as shown yet).
    """

    question: Question
    n: int
    threshold: int
    shown: bool
    distribution: tuple[OptionCount, ...] | None = None
    dont_know: int | None = None
    valued: int | None = None
    median: float | None = None
    mean: float | None = None
    spread: float | None = None
    disagreement: float | None = None
    disagrees: bool | None = None
    all_alike: bool | None = None
    texts: tuple[str, ...] | None = None
    held: bool = False
    held_for: int = 0

    #: A result answers to its question's id and kind, as the question does.
    id = property(attrgetter("question.id"))
    kind = property(attrgetter("question.kind"))

    @property
    def someone_can_teach(self) -> bool:
        """Whether to say "someone here can teach the others": a wide spread on a
        self-assessment item (an item of a dimension) means some of us already do what others
        do not. On a quick poll's 1-5 scale or an opinion it means nothing of the kind."""
        return bool(self.disagrees) and bool(self.question.dimension)

    @property
    def scale(self) -> tuple[int, int] | None:
        """(lowest, highest) point of a scale question, else ``None``."""
        return _scale_range(self.question)

    @property
    def midpoint(self) -> float | None:
        scale = self.scale
        return (scale[0] + scale[1]) / 2 if scale else None


@dataclass(frozen=True)
class Importance:
    """How important the group finds an item, from its ``<id>.importance`` companion.

    ``weight`` is (high + 0.5 * medium) / rated, 0..1; ``important`` is true when a strict
    majority of those who rated it said medium or high. ``None`` fields when below threshold.
    """

    question_id: str
    n: int
    shown: bool
    low: int | None = None
    medium: int | None = None
    high: int | None = None
    weight: float | None = None
    important: bool | None = None


@dataclass(frozen=True)
class DimensionResult:
    """A dimension's score: the mean of its shown items' means.

    Mean of item means (not of all points pooled) so every statement weighs the same, whether
    many or few answered "don't know" to it. Only items above the threshold take part: a hidden
    item inside a shown score could be recovered by subtraction. ``n`` is the largest ``n`` of
    its items (answers are anonymous per question, so people cannot be counted across items).
    ``histogram`` pools the points of the shown items into ``HISTOGRAM_BUCKETS`` buckets from
    the lowest to the highest point, for a sparkline; ``spread`` is the standard deviation of
    those pooled points and ``disagreement`` it divided by half the range.
    """

    dimension: Dimension
    items: tuple[QuestionResult, ...]
    n: int
    shown: bool
    score: float | None = None
    spread: float | None = None
    disagreement: float | None = None
    histogram: tuple[int, ...] | None = None
    scale: tuple[int, int] | None = None

    #: A score answers to its dimension's id and title, as the dimension does.
    id = property(attrgetter("dimension.id"))
    title = property(attrgetter("dimension.title"))


@dataclass(frozen=True)
class PartRanking:
    """The strongest and weakest dimensions of one part of the set (``Dimension.part``).

    Parts are answered on different scales (Part A on practice, Part B on agreement), so a
    practice score is never ranked against an agreement score: each part has its own ranking.
    """

    part: str
    strongest: tuple[DimensionResult, ...]
    weakest: tuple[DimensionResult, ...]


@dataclass(frozen=True)
class Gap:
    """A priority gap: a low score that the group finds important.

    Low: the item's mean is below the midpoint of its scale (below 3 on 1-5). Important: see
    :class:`Importance`. ``priority`` = (midpoint - mean) / half range * importance weight,
    the larger the more urgent; gaps are listed by it, ties in the set's order.
    """

    item: QuestionResult
    importance: Importance
    priority: float


@dataclass(frozen=True)
class Change:
    """One dimension or item before and after. ``delta`` only when both sides are shown."""

    id: str
    title: str
    before: float | None
    after: float | None
    delta: float | None


@dataclass(frozen=True)
class Comparison:
    """Change since the previous session of the same group, and what became of its actions.

    When the two sessions used different versions of the set, only the questions they share
    (by id) are compared, dimensions included; ``new_items`` and ``dropped_items`` say which
    survey questions the current session added and which it no longer asks.
    """

    previous_created: str
    previous_name: str
    dimensions: tuple[Change, ...]
    items: tuple[Change, ...]
    previous_actions: tuple[ActionItem, ...]
    new_items: tuple[Question, ...] = ()
    dropped_items: tuple[Question, ...] = ()

    @property
    def actions_done(self) -> tuple[ActionItem, ...]:
        return tuple(a for a in self.previous_actions if a.status is ActionStatus.DONE)


@dataclass(frozen=True)
class Overview:
    """Everything the results screen and the exports need, computed once.

    ``questions`` maps every question id (set and quick polls) to its result, in the set's
    order. ``participants`` is the largest ``n`` over the survey (step 2) questions.
    """

    threshold: int
    participants: int
    questions: dict[str, QuestionResult]
    dimensions: tuple[DimensionResult, ...]
    strongest: tuple[DimensionResult, ...]  # every part's, part after part (see ``ranking``)
    weakest: tuple[DimensionResult, ...]
    disagreements: tuple[QuestionResult, ...]
    gaps: tuple[Gap, ...]
    weakest_items: tuple[QuestionResult, ...]
    priorities: tuple[ActionItem, ...]
    polls: tuple[QuestionResult, ...]
    comparison: Comparison | None = None
    ranking: tuple[PartRanking, ...] = ()

    def question(self, question_id: str) -> QuestionResult | None:
        return self.questions.get(question_id)


# ---------------------------------------------------------------- helpers


def _scale_range(question: Question) -> tuple[int, int] | None:
    if question.kind is not Kind.SCALE:
        return None
    points = question.scale_values
    if not points:
        return None
    return min(points), max(points)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def stable_shuffle(items: Iterable[T], seed: str) -> list[T]:
    """Order ``items`` by a keyed hash of their content: shuffled, but the same every time.

    The order depends only on the seed and the values, never on arrival: a text that arrives
    last lands anywhere, and the texts already on screen keep their relative order when one is
    added, so the projected list does not jump on every repaint.
    """
    prefix = seed.encode("utf-8") + b"\0"

    def key(item: T) -> tuple[str, str]:
        text = _canonical(item)
        return hashlib.sha256(prefix + text.encode("utf-8")).hexdigest(), text

    return sorted(items, key=key)


def shuffled(items: Iterable[T], seed: str) -> list[T]:
    """A deterministic shuffle that forgets the input order (for raw answers in exports).

    The items are first put in a canonical order, so the result depends only on the seed and
    the multiset of values, never on arrival; then shuffled with a seeded generator, so equal
    answers are not grouped together as they are by :func:`stable_shuffle`.
    """
    out = sorted(items, key=_canonical)
    random.Random(seed).shuffle(out)
    return out


def shuffle_seed(record: SessionRecord, question_id: str) -> str:
    """The per-session, per-question seed of :func:`stable_shuffle`."""
    return f"{record.info.name}\0{record.info.created}\0{question_id}"


def shown_texts(approved: Iterable[Any], answers: Iterable[Any]) -> list[str]:
    """The free texts the room may see: approved by the facilitator AND still someone's answer.

    A person who replaces an approved text takes the old one off the screen, the phones and
    every export; this is the one place that rule lives.
    """
    current = {a for a in answers if isinstance(a, str)}
    return [t for t in dict.fromkeys(approved) if isinstance(t, str) and t in current]


def raw_answers(record: SessionRecord, question: Question) -> list[Any]:
    """The raw anonymous answers an export may list, in an order that says nothing of arrival.

    Free text is shown only once the facilitator approved it (METHOD.md), and an export is a
    showing too: unapproved and hidden texts stay out of every export.
    """
    values = list(record.answers.get(question.id) or [])
    if question.kind is Kind.TEXT:
        approved = set(shown_texts(record.approved.get(question.id) or [], values))
        values = [v for v in values if v in approved]
    return shuffled(values, shuffle_seed(record, question.id) + "\0raw")


def _option_lookup(question: Question) -> dict[Any, str | int]:
    """Every accepted spelling of an option (``3`` and ``"3"``) mapped to its value."""
    lookup: dict[Any, str | int] = {}
    for option in reversed(question.options):  # the first option wins a clash
        lookup[option.value] = option.value
        lookup[str(option.value)] = option.value
    if question.kind is Kind.SCALE:
        lookup.setdefault(DONT_KNOW, DONT_KNOW)
    return lookup


def _match_option(
    question: Question, value: Any, lookup: dict[Any, str | int] | None = None
) -> str | int | None:
    """The option value an answer or tally key stands for, or ``None`` if it is none.

    A dict lookup rather than a scan: a session of 500 people has 15,000 answers to match.
    Booleans are refused first because ``True == 1`` would otherwise match the point 1.
    """
    if isinstance(value, bool):
        return None
    table = lookup if lookup is not None else _option_lookup(question)
    try:
        found = table.get(value)
    except TypeError:  # an unhashable answer (a list posted to a scale) matches nothing
        return None
    if found is None and not isinstance(value, str):
        found = table.get(str(value))  # an int posted for an option spelled "3"
    return found


def _weighted_stats(counts: dict[Any, int]) -> tuple[float, float, float, int]:
    """Median, mean, population standard deviation and total of points given as counts.

    Working from counts (a handful of scale points) instead of the expanded list of answers
    keeps the cost independent of the number of participants.
    """
    items = sorted((v, c) for v, c in counts.items() if c > 0)
    total = sum(c for _, c in items)
    mean = sum(v * c for v, c in items) / total
    variance = sum(c * (v - mean) ** 2 for v, c in items) / total
    lower_rank, upper_rank = (total - 1) // 2, total // 2
    lower = upper = None
    seen = 0
    for v, c in items:
        if lower is None and seen + c > lower_rank:
            lower = v
        if seen + c > upper_rank:
            upper = v
            break
        seen += c
    return (lower + upper) / 2, mean, math.sqrt(variance), total


def _tally_counts(record: SessionRecord, question: Question) -> dict[str | int, int]:
    counts: dict[str | int, int] = {}
    lookup = _option_lookup(question)
    for key, raw in (record.tallies.get(question.id) or {}).items():
        option = _match_option(question, key, lookup)
        try:
            n = int(raw)
        except (TypeError, ValueError):
            continue
        if option is None or n <= 0:
            continue
        counts[option] = counts.get(option, 0) + n
    return counts


def _ordered_options(question: Question) -> list[tuple[str | int, str]]:
    """Options in display order: for scales the points, then anything else, "don't know" last."""
    options = [(o.value, o.label) for o in question.options]
    if question.kind is Kind.SCALE:
        points = [o for o in options if isinstance(o[0], int) and not isinstance(o[0], bool)]
        others = [o for o in options if o not in points and o[0] != DONT_KNOW]
        dont_know = [o for o in options if o[0] == DONT_KNOW] or [(DONT_KNOW, DONT_KNOW)]
        options = points + others + dont_know
    return options


def _distribution(
    options: Sequence[tuple[str | int, str]], counts: dict[str | int, int], total: int
) -> tuple[OptionCount, ...]:
    return tuple(
        OptionCount(
            value, label, counts.get(value, 0), counts.get(value, 0) / total if total else 0
        )
        for value, label in options
    )


def _hidden(question: Question, n: int, threshold: int) -> QuestionResult:
    return QuestionResult(question=question, n=n, threshold=threshold, shown=False)


def _shown(question: Question, n: int, threshold: int, **figures: Any) -> QuestionResult:
    return QuestionResult(question=question, n=n, threshold=threshold, shown=True, **figures)


# ---------------------------------------------------------------- per question


@dataclass(frozen=True)
class Counted:
    """The counts a question's figures are made of: everything a view can show, and no more.

    ``counts`` per option value (tallies added; dots for dot voting); ``alike`` only for dot
    voting, where "everyone spent their dots alike" cannot be told from the counts.
    """

    n: int
    counts: dict[str | int, int]
    alike: bool | None = None


def count(record: SessionRecord, question: Question) -> Counted:
    """Today's counts of a choice, scale, multiple-choice or dot-voting question."""
    answers = list(record.answers.get(question.id) or [])
    tallies = _tally_counts(record, question)
    lookup = _option_lookup(question)
    counts: dict[str | int, int] = dict(tallies)
    if question.kind.one_choice:
        for value in answers:
            option = _match_option(question, value, lookup)
            if option is not None:
                counts[option] = counts.get(option, 0) + 1
        return Counted(sum(counts.values()), counts)
    respondents = 0
    if question.kind is Kind.MULTIPLE:
        for value in answers:
            if not isinstance(value, list | tuple):
                continue
            respondents += 1
            for option in {_match_option(question, v, lookup) for v in value} - {None}:
                counts[option] = counts.get(option, 0) + 1  # type: ignore[index]
        return Counted(respondents + max(tallies.values(), default=0), counts)
    allocations: set[str] = set()
    for value in answers:
        if not isinstance(value, dict):
            continue
        respondents += 1
        spent: dict[str, int] = {}
        for key, raw in value.items():
            option = _match_option(question, key, lookup)
            if option is None or isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
                continue
            counts[option] = counts.get(option, 0) + raw
            spent[str(option)] = spent.get(str(option), 0) + raw
        allocations.add(_canonical(spent))
    tallied = sum(tallies.values())
    n = respondents + (math.ceil(tallied / question.dots) if question.dots > 0 else 0)
    return Counted(n, counts, alike=not tallies and len(allocations) == 1)


def _figures(question: Question, counted: Counted, threshold: int) -> QuestionResult:
    """The figures of counts, or only ``n`` below the threshold."""
    n, counts = counted.n, counted.counts
    if not is_shown(n, threshold):
        return _hidden(question, n, threshold)
    if question.kind is Kind.MULTIPLE:
        distribution = _distribution(_ordered_options(question), counts, n)
        return _shown(
            question,
            n,
            threshold,
            distribution=distribution,
            # Every option chosen by all or by none: the result tells what each person picked.
            all_alike=all(c.count in (0, n) for c in distribution),
        )
    if question.kind is Kind.DOTS:
        dots = _distribution(_ordered_options(question), counts, sum(counts.values()))
        return _shown(question, n, threshold, distribution=dots, all_alike=bool(counted.alike))
    distribution = _distribution(_ordered_options(question), counts, n)
    if question.kind is Kind.SINGLE:
        alike = any(c.count == n for c in distribution)
        return _shown(question, n, threshold, distribution=distribution, all_alike=alike)
    dont_know = counts.get(DONT_KNOW, 0)
    points = {v: c for v, c in counts.items() if isinstance(v, int) and c > 0}
    valued = sum(points.values())
    scale = _scale_range(question)
    median = mean = spread = disagreement = None
    if valued:
        median, mean, spread, _ = _weighted_stats(points)
        if scale and scale[1] > scale[0]:
            disagreement = min(1.0, spread / ((scale[1] - scale[0]) / 2))
    alike = len(points) == 1 if valued else dont_know == n
    return _shown(
        question,
        n,
        threshold,
        distribution=distribution,
        dont_know=dont_know,
        valued=valued,
        median=median,
        mean=mean,
        spread=spread,
        disagreement=disagreement,
        disagrees=disagreement is not None and disagreement >= DISAGREEMENT_MIN,
        all_alike=alike,
    )


# ---------------------------------------------------------------- no differencing across showings


def signature(counted: Counted) -> dict[str, Any]:
    """Counts as the JSON the session keeps of a showing: aggregates only, no device, no order."""
    pairs = sorted(([v, c] for v, c in counted.counts.items() if c > 0), key=_canonical)
    return {"n": counted.n, "counts": pairs, "alike": counted.alike}


def _from_signature(data: Any) -> Counted | None:
    """A kept showing back as counts; ``None`` for anything malformed (a hand-edited file)."""
    try:
        counts: dict[str | int, int] = {}
        for value, c in data["counts"]:
            if isinstance(value, bool) or not isinstance(value, str | int) or type(c) is not int:
                return None
            counts[value] = c
        n, alike = data["n"], data.get("alike")
        if type(n) is not int or alike not in (None, True, False):
            return None
        return Counted(n, counts, alike)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def distance(question: Question, a: Counted, b: Counted) -> int:
    """The fewest people whose answers could turn one showing into the other.

    Counted on the safe side: the fewer people it could be, the more a comparison of the two
    could tell about each of them. One person adding, removing or changing an answer moves each
    option's count by at most one (by at most ``dots`` in a dot vote) and ``n`` by at most one,
    and a changed single answer moves one count up and another down. Any difference at all is
    at least one person (a dot vote's ``alike`` can change with equal counts).
    """
    keys = set(a.counts) | set(b.counts)
    deltas = [b.counts.get(k, 0) - a.counts.get(k, 0) for k in keys]
    dn = abs(b.n - a.n)
    if question.kind.one_choice:
        people = max(sum(d for d in deltas if d > 0), -sum(d for d in deltas if d < 0))
    elif question.kind is Kind.DOTS and question.dots > 0:
        moved = sum(abs(d) for d in deltas)
        people = max(dn, math.ceil(moved / (2 * question.dots)))
    else:
        people = max([dn, *(abs(d) for d in deltas)])
    if people == 0 and (a.counts != b.counts or a.n != b.n or a.alike != b.alike):
        people = 1
    return people


def _kept(record: SessionRecord, question: Question) -> list[Counted]:
    kept = (record.shown or {}).get(question.id) or []
    out = [_from_signature(s) for s in kept] if isinstance(kept, list) else []
    return [c for c in out if c is not None]


def _shortfall(question: Question, counted: Counted, kept: list[Counted], threshold: int) -> int:
    """How many more people must differ before ``counted`` may be shown beside every kept
    showing (0: it may be shown now)."""
    limit = max(MIN_THRESHOLD, threshold)
    gaps = [limit - d for k in kept if 0 < (d := distance(question, k, counted)) < limit]
    return max(gaps, default=0)


def to_remember(record: SessionRecord, questions: Iterable[Question]) -> dict[str, dict[str, Any]]:
    """The showings a face is about to make that the session must keep first, by question id.

    A question's counts of today may be shown when they are above the threshold and differ by
    0 or by at least the threshold from every showing kept (see :func:`question_result`).
    """
    threshold = threshold_of(record)
    out: dict[str, dict[str, Any]] = {}
    for question in questions:
        if not question.kind.counted:
            continue
        counted = count(record, question)
        if not is_shown(counted.n, threshold):
            continue
        kept = _kept(record, question)
        if any(k == counted for k in kept) or _shortfall(question, counted, kept, threshold):
            continue
        out[question.id] = signature(counted)
    return out


def question_result(record: SessionRecord, question: Question | str) -> QuestionResult:
    """The figures of one question, tallies added, hidden below the threshold.

    No differencing: when the reveal at 3 answers is followed by a latecomer's answer and a
    second reveal, comparing the two would tell the room exactly what the latecomer answered.
    So a session read from its store (``record.shown`` set) shows only counts it has kept as
    shown (the meeting keeps them before it shows them, see ``Meeting.remember_shown``), and
    any two ever kept differ by 0 answers or by at least the threshold: counts that differ
    less from one shown before are held (``held``), and the last showing kept stays on view.
    Tallies count like answers: paper ballots are as secret as a phone's vote. Showings are
    kept by question id, so a quick poll deleted and made again under the same id (its answers
    are filed under that id too) is held against what it showed before; an importance
    companion is a question of its own and held on its own. The threshold applied is the one
    in force when a showing is kept. Free text is shown only once approved, one text at a time,
    so it is not held. A record not from a store (``shown`` is ``None``: examples, tests)
    shows today's counts.

    Answers that match no option (a question set edited after the meeting) are not counted.
    A closed session has no answers left: its figures are the ones kept when it was closed.
    """
    if isinstance(question, str):
        found = record.question(question)
        if found is None:
            raise KeyError(question)
        question = found
    threshold = threshold_of(record)
    if record.closed:
        return _kept_result(question, record.kept.get(question.id), threshold)
    if not question.kind.counted:
        return _text_result(record, question, threshold)
    counted = count(record, question)
    if record.shown is None or not is_shown(counted.n, threshold):
        return _figures(question, counted, threshold)
    kept = _kept(record, question)
    if any(k == counted for k in kept):
        return _figures(question, counted, threshold)
    held_for = _shortfall(question, counted, kept, threshold)
    if not kept:
        return replace(_hidden(question, counted.n, threshold), held=True, held_for=held_for)
    return replace(_figures(question, kept[-1], threshold), held=True, held_for=held_for)


def _text_result(record: SessionRecord, question: Question, threshold: int) -> QuestionResult:
    answers = list(record.answers.get(question.id) or [])
    texts = shown_texts(record.approved.get(question.id) or [], answers)
    n = len(answers)
    if not is_shown(n, threshold):
        return _hidden(question, n, threshold)
    shuffled_texts = tuple(stable_shuffle(texts, shuffle_seed(record, question.id)))
    return _shown(question, n, threshold, texts=shuffled_texts)


#: What ``kept_figures`` keeps of a result besides ``n`` and ``shown`` (everything but the
#: question, the threshold, the session's, read again, and the free texts, deleted), with the
#: type each must have: a kept figure edited by hand into anything else is shown as its count
#: only (the safe side), never passed on to a face that would choke on it.
_KEPT_TYPES: dict[str, tuple[type, ...]] = {
    "dont_know": (int, type(None)),
    "valued": (int, type(None)),
    "median": (int, float, type(None)),
    "mean": (int, float, type(None)),
    "spread": (int, float, type(None)),
    "disagreement": (int, float, type(None)),
    "disagrees": (bool, type(None)),
    "all_alike": (bool, type(None)),
}
_KEPT_FIELDS = ("n", "shown", *_KEPT_TYPES)


def kept_figures(record: SessionRecord) -> dict[str, dict[str, Any]]:
    """What a closed session keeps of each question: the figures the plan shows, as plain data.

    ``mognad close`` stores this in place of the raw answers. It is computed by
    :func:`question_result`, so the threshold is already applied: a question below it keeps
    only its count. Approved free texts are not kept (closing deletes every free text).

    The plan is a showing like any export: what it may show now is kept as shown first
    (:func:`to_remember`), so the kept figures differ from every earlier showing by 0 answers
    or by at least the threshold, and a question nobody revealed keeps the figures an export
    would show.
    """
    if record.shown is not None:
        shown = {q: list(s) for q, s in record.shown.items() if isinstance(s, list)}
        for question_id, counted in to_remember(record, record.all_questions).items():
            shown.setdefault(question_id, []).append(counted)
        record = replace(record, shown=shown)
    out: dict[str, dict[str, Any]] = {}
    for question in record.all_questions:
        result = question_result(record, question)
        data = {name: getattr(result, name) for name in _KEPT_FIELDS}
        if result.shown and result.distribution is not None:
            data["distribution"] = [vars(c) for c in result.distribution]
        out[question.id] = data
    return out


def _kept_result(question: Question, kept: Any, threshold: int) -> QuestionResult:
    kept = kept if isinstance(kept, dict) else {}
    n = kept.get("n")
    n = n if isinstance(n, int) and not isinstance(n, bool) and n >= 0 else 0
    if not kept.get("shown") or not is_shown(n, threshold):
        return _hidden(question, n, threshold)
    fields = {name: kept.get(name) for name in _KEPT_TYPES}
    distribution = kept.get("distribution")
    try:
        if any(not isinstance(fields[k], t) for k, t in _KEPT_TYPES.items()):
            raise TypeError("a kept figure is not of its type")
        rows = tuple(_kept_row(c) for c in distribution) if isinstance(distribution, list) else None
    except (KeyError, TypeError, ValueError):
        return _hidden(question, n, threshold)
    return QuestionResult(
        question=question,
        threshold=threshold,
        n=n,
        shown=True,
        **fields,
        distribution=rows,
        texts=() if question.kind is Kind.TEXT else None,
    )


def _kept_row(row: Any) -> OptionCount:
    if not isinstance(row, dict):
        raise TypeError("a kept distribution row is not an object")
    value, label, count, share = row["value"], row["label"], row["count"], row["share"]
    if (
        not isinstance(value, str | int)
        or not isinstance(label, str)
        or not isinstance(count, int)
        or not isinstance(share, int | float)
    ):
        raise TypeError("a kept distribution row is not of its type")
    return OptionCount(value=value, label=clean_text(label), count=count, share=float(share))


def raw_below_threshold(record: SessionRecord, question: Question) -> bool:
    """Whether an export's raw answers to ``question`` are fewer than the threshold allows
    to show: the owner keeps them for analysis, but must be told they are that few.

    Counted both ways, the safe side wins: the answers recorded (a show of hands lists no raw
    answers, so 2 phones beside 10 hands are still 2 raw answers) and the figures' ``n``.
    A closed session lists no raw answers: the mark then follows the count it kept.
    """
    if record.closed:
        return not is_shown(question_result(record, question).n, threshold_of(record))
    answered = len(record.answers.get(question.id) or [])
    n = count(record, question).n if question.kind.counted else answered
    return not is_shown(min(answered, n), threshold_of(record))


def raw_answers_below_threshold(record: SessionRecord) -> list[Question]:
    """The questions whose raw answers a raw export lists although they are below the
    threshold: what ``mognad export`` warns about."""
    return [
        q for q in record.all_questions if raw_below_threshold(record, q) and raw_answers(record, q)
    ]


def importance_result(record: SessionRecord, item_id: str) -> Importance | None:
    """The importance the group gave an item, or ``None`` when the item has no companion."""
    question = record.question(item_id + IMPORTANCE_SUFFIX)
    if question is None:
        return None
    # The companion is an ordinary question: its counts (tallies added, threshold applied)
    # come from question_result like every other figure.
    result = question_result(record, question)
    n = result.n
    counts = dict.fromkeys(_IMPORTANCE_WEIGHT, 0)
    for row in result.distribution or ():
        if row.value in counts:
            counts[str(row.value)] += row.count
    rated = sum(counts.values())
    if not result.shown or not is_shown(rated, threshold_of(record)):
        return Importance(question_id=question.id, n=n, shown=False)
    weight = sum(_IMPORTANCE_WEIGHT[k] * c for k, c in counts.items()) / rated
    return Importance(
        question_id=question.id,
        n=n,
        shown=True,
        low=counts["low"],
        medium=counts["medium"],
        high=counts["high"],
        weight=weight,
        important=(counts["medium"] + counts["high"]) / rated > IMPORTANT_SHARE,
    )


def is_importance(question: Question) -> bool:
    """Whether a question is the generated "how important?" companion of another item."""
    return question.importance_base is not None


# ---------------------------------------------------------------- per dimension


def _to_scale(value: float, source: tuple[int, int], target: tuple[int, int]) -> float:
    if source == target or source[1] == source[0]:
        return value
    return target[0] + (value - source[0]) / (source[1] - source[0]) * (target[1] - target[0])


def dimension_results(
    record: SessionRecord,
    questions: dict[str, QuestionResult] | None = None,
    only: Collection[str] | None = None,
) -> tuple[DimensionResult, ...]:
    """One result per dimension of the set, in the set's order.

    ``questions`` may pass results already computed (the overview does) to avoid recounting.
    ``only`` limits the items to these ids (a comparison across set versions uses the items
    both sessions asked). Items of a dimension on a different scale are mapped linearly onto
    the first item's scale.
    """
    threshold = threshold_of(record)
    out: list[DimensionResult] = []
    for dimension in record.question_set.dimensions:
        items: list[QuestionResult] = []
        for q in record.question_set.questions:
            if q.dimension != dimension.id or q.kind is not Kind.SCALE or is_importance(q):
                continue
            if only is not None and q.id not in only:
                continue
            items.append(
                questions[q.id] if questions and q.id in questions else question_result(record, q)
            )
        n = max((r.n for r in items), default=0)
        shown_items = [r for r in items if r.shown and r.mean is not None and r.scale]
        scale = shown_items[0].scale if shown_items else (items[0].scale if items else None)
        if not shown_items or scale is None or not is_shown(n, threshold):
            out.append(DimensionResult(dimension, tuple(items), n, False, scale=scale))
            continue
        means = [_to_scale(r.mean, r.scale, scale) for r in shown_items]  # type: ignore[arg-type]
        pooled: dict[float, int] = {}
        for r in shown_items:
            for row in r.distribution or ():
                if isinstance(row.value, int) and row.count:
                    point = _to_scale(row.value, r.scale, scale)  # type: ignore[arg-type]
                    pooled[point] = pooled.get(point, 0) + row.count
        histogram = [0] * HISTOGRAM_BUCKETS
        width = scale[1] - scale[0]
        for point, count in pooled.items():
            index = round((point - scale[0]) / width * (HISTOGRAM_BUCKETS - 1)) if width else 0
            histogram[min(HISTOGRAM_BUCKETS - 1, max(0, index))] += count
        spread = _weighted_stats(pooled)[2] if pooled else 0.0
        out.append(
            DimensionResult(
                dimension=dimension,
                items=tuple(items),
                n=n,
                shown=True,
                score=statistics.fmean(means),
                spread=spread,
                disagreement=min(1.0, spread / (width / 2)) if width else 0.0,
                histogram=tuple(histogram),
                scale=scale,
            )
        )
    return tuple(out)


# ---------------------------------------------------------------- the overview


def _rank_dimensions(
    dimensions: Sequence[DimensionResult],
) -> tuple[tuple[DimensionResult, ...], tuple[DimensionResult, ...]]:
    """Strongest and weakest dimensions of this group (never a ranking of units).

    Shown dimensions are ordered by score; equal scores keep the set's order, so the same data
    always names the same dimensions. Up to ``TOP_DIMENSIONS`` each, never more than half of
    the shown dimensions. A dimension whose score equals that of the first one left out is not
    named either: naming one of two equal dimensions "strongest" would mislead, and this also
    keeps any dimension from being both strongest and weakest.
    """
    shown = [d for d in dimensions if d.shown and d.score is not None]
    k = min(TOP_DIMENSIONS, len(shown) // 2)
    order = {d.id: i for i, d in enumerate(dimensions)}

    def top(sign: int) -> tuple[DimensionResult, ...]:
        ranked = sorted(shown, key=lambda d: (sign * (d.score or 0.0), order[d.id]))
        if len(ranked) <= k:
            return ()
        cut = ranked[k].score
        return tuple(d for d in ranked[:k] if not math.isclose(d.score or 0.0, cut or 0.0))

    return top(-1), top(1)


def rank_within_parts(dimensions: Sequence[DimensionResult]) -> tuple[PartRanking, ...]:
    """Strongest and weakest dimensions ranked within each part, parts in the set's order.

    The one ranking every view uses (the screen, the exports, the roll-up). A set without
    parts is one part, ``""``. Only shown dimensions are ranked, so the threshold holds.
    """
    parts: dict[str, list[DimensionResult]] = {}
    for d in dimensions:
        parts.setdefault(d.dimension.part, []).append(d)
    return tuple(PartRanking(part, *_rank_dimensions(group)) for part, group in parts.items())


def _survey_items(
    record: SessionRecord, questions: dict[str, QuestionResult]
) -> list[QuestionResult]:
    return [
        questions[q.id]
        for q in record.question_set.questions
        if q.kind is Kind.SCALE and not is_importance(q)
    ]


def priority_actions(record: SessionRecord) -> tuple[ActionItem, ...]:
    """The group's top priorities: the first ``TOP_PRIORITIES`` high-priority live actions."""
    return tuple(
        a
        for a in record.actions
        if a.priority is Priority.HIGH and a.status is not ActionStatus.DROPPED
    )[:TOP_PRIORITIES]


_PRIORITY_ORDER = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}


def _need_rank(record: SessionRecord, need_id: str | None) -> int:
    need = next((n for n in record.needs if n.id == need_id), None)
    return need.rank if need is not None and need.rank is not None else 10**6


def plan_actions(record: SessionRecord) -> tuple[ActionItem, ...]:
    """The plan's live actions, the most important first: by their need's rank (the dot vote
    or the facilitator), then by priority, then in the order typed."""
    live = [a for a in record.actions if a.status is not ActionStatus.DROPPED]
    live.sort(key=lambda a: (_need_rank(record, a.need), _PRIORITY_ORDER.get(a.priority, 1)))
    return tuple(live)


def plan_priorities(record: SessionRecord) -> tuple[Need | ActionItem, ...]:
    """The plan's priorities: the ranked needs, first ``TOP_PRIORITIES`` by rank; when no need
    has a rank, the live actions by priority. Up to three, so that "our three priorities"
    lists three whenever the group has three."""
    ranked = sorted((n for n in record.needs if n.rank is not None), key=lambda n: n.rank or 0)
    if ranked:
        return tuple(ranked[:TOP_PRIORITIES])
    actions = sorted(plan_actions(record), key=lambda a: _PRIORITY_ORDER.get(a.priority, 1))
    return tuple(actions[:TOP_PRIORITIES])


def overview(record: SessionRecord, previous: SessionRecord | None = None) -> Overview:
    """All results of a session, for the results screen and every export."""
    questions = {q.id: question_result(record, q) for q in record.all_questions}
    dimensions = dimension_results(record, questions)
    ranking = rank_within_parts(dimensions)
    items = _survey_items(record, questions)
    order = {r.id: i for i, r in enumerate(items)}
    disagreements = sorted(
        (r for r in items if r.shown and r.disagrees),
        key=lambda r: (-(r.disagreement or 0.0), order[r.id]),
    )[:TOP_DISAGREEMENTS]
    low = [
        r
        for r in items
        if r.shown and r.mean is not None and r.midpoint is not None and r.mean < r.midpoint
    ]
    weakest_items = sorted(low, key=lambda r: (r.mean, order[r.id]))
    gaps: list[Gap] = []
    for r in low:
        importance = importance_result(record, r.id)
        if importance is None or not importance.shown or not importance.important:
            continue
        scale = r.scale
        half = (scale[1] - scale[0]) / 2 if scale else 1.0
        lack = (r.midpoint - r.mean) / half if half else 0.0  # type: ignore[operator]
        gaps.append(Gap(r, importance, lack * (importance.weight or 0.0)))
    gaps.sort(key=lambda g: (-g.priority, order[g.item.id]))
    survey_ids = {q.id for q in record.question_set.survey}
    participants = max((r.n for r in questions.values() if r.id in survey_ids), default=0)
    return Overview(
        threshold=threshold_of(record),
        participants=participants,
        questions=questions,
        dimensions=dimensions,
        strongest=tuple(d for r in ranking for d in r.strongest),
        weakest=tuple(d for r in ranking for d in r.weakest),
        disagreements=tuple(disagreements),
        gaps=tuple(gaps),
        weakest_items=tuple(weakest_items),
        priorities=priority_actions(record),
        polls=tuple(questions[p.id] for p in record.polls if p.id in questions),
        comparison=_compare(record, previous, questions) if previous is not None else None,
        ranking=ranking,
    )


# ---------------------------------------------------------------- change since last time


def _change(id_: str, title: str, before: Any, after: Any) -> Change:
    b = before.mean if isinstance(before, QuestionResult) else before.score
    a = after.mean if isinstance(after, QuestionResult) else after.score
    b = b if before.shown else None
    a = a if after.shown else None
    return Change(id_, title, b, a, a - b if a is not None and b is not None else None)


def compare(current: SessionRecord, previous: SessionRecord) -> Comparison:
    """Change per dimension and per item, matched by id, and the previous session's actions.

    A delta exists only when both sides are shown (each under its own session's threshold) and,
    for items, the scale is the same: a 1-5 mean and a 1-6 mean are not comparable.
    """
    return _compare(current, previous)


def _compare(
    current: SessionRecord,
    previous: SessionRecord,
    computed: dict[str, QuestionResult] | None = None,
) -> Comparison:
    """:func:`compare`, reusing the current session's results when the overview has them."""
    now_q = {
        q.id: computed[q.id] if computed and q.id in computed else question_result(current, q)
        for q in current.question_set.questions
    }
    then_q = {q.id: question_result(previous, q) for q in previous.question_set.questions}
    shared = now_q.keys() & then_q.keys()  # another version of the set: only what both asked
    now_d = dimension_results(current, now_q, only=shared)
    then_d = {d.id: d for d in dimension_results(previous, then_q, only=shared)}
    new_items, dropped_items = set_changes(current.question_set, previous.question_set)
    dims = tuple(
        _change(d.id, d.title, then_d[d.id], d)
        if d.scale == then_d[d.id].scale
        else Change(d.id, d.title, None, None, None)
        for d in now_d
        if d.id in then_d
    )
    items: list[Change] = []
    for r in _survey_items(current, now_q):
        before = then_q.get(r.id)
        if before is None or before.kind is not Kind.SCALE:
            continue
        if before.scale != r.scale:
            items.append(Change(r.id, r.question.text, None, None, None))
        else:
            items.append(_change(r.id, r.question.text, before, r))
    return Comparison(
        previous_created=previous.info.created,
        previous_name=previous.info.name,
        dimensions=dims,
        items=tuple(items),
        previous_actions=tuple(previous.actions),
        new_items=new_items,
        dropped_items=dropped_items,
    )


def set_changes(
    current: QuestionSet, previous: QuestionSet
) -> tuple[tuple[Question, ...], tuple[Question, ...]]:
    """The survey questions ``current`` asks that ``previous`` did not, and those it dropped.

    Matched by id: an id carries over between versions only where the item keeps its
    meaning, so a rewritten item is new. "How important?" companions go with their item.
    """
    now = [q for q in current.survey if not is_importance(q)]
    then = [q for q in previous.survey if not is_importance(q)]
    now_ids, then_ids = {q.id for q in now}, {q.id for q in then}
    return (
        tuple(q for q in now if q.id not in then_ids),
        tuple(q for q in then if q.id not in now_ids),
    )
