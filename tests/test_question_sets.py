"""Question sets: the built-in "Digital mognad" set, the YAML format and its checks.

A facilitator edits these files by hand, so the checks matter as much as the happy path:
every broken file must give problems that name the file, the line and the item, in Swedish
and in English, and nothing may ever raise anything but ``QuestionSetError``.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mognad_tui import question_sets as qs
from mognad_tui.model import (
    DONT_KNOW,
    IMPORTANCE_SUFFIX,
    IMPORTANCE_VALUES,
    Kind,
    Prompt,
    Question,
    QuestionSet,
)
from mognad_tui.question_sets import (
    Problem,
    QuestionSetError,
    available_sets,
    load_question_set,
    load_question_set_file,
    validate_file,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "question_sets"
VALID = DATA / "valid-small.sv.yaml"
INTERNAL = {qs.messages("file.internal", lang) for lang in ("sv", "en")}


def builtin(lang: str) -> QuestionSet:
    return load_question_set_file(Path(str(qs.builtin_dir() / f"digital-mognad.{lang}.yaml")))


def check(path: Path, lang: str) -> list[Problem]:
    """validate_file, asserting the invariants every answer must keep."""
    problems = validate_file(path, lang)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.path == str(path)
        assert problem.message not in INTERNAL, problem
        assert "\n" not in str(problem)
    return problems


# ---------------------------------------------------------------- the built-in set


@pytest.fixture(scope="module")
def sv() -> QuestionSet:
    return builtin("sv")


@pytest.fixture(scope="module")
def en() -> QuestionSet:
    return builtin("en")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_builtin_sets_are_valid(lang: str) -> None:
    path = Path(str(qs.builtin_dir() / f"digital-mognad.{lang}.yaml"))
    assert check(path, lang) == []
    question_set = load_question_set("digital-mognad", lang, cwd=DATA)
    assert question_set.lang == lang
    assert question_set.id == "digital-mognad"


def test_builtin_sets_have_the_same_ids(sv: QuestionSet, en: QuestionSet) -> None:
    assert [i.id for i in sv.items] == [i.id for i in en.items]
    assert [d.id for d in sv.dimensions] == [d.id for d in en.dimensions]
    assert [d.part for d in sv.dimensions] == [d.part for d in en.dimensions]
    assert [s.number for s in sv.steps] == [s.number for s in en.steps] == [1, 2, 3, 4]
    for a, b in zip(sv.items, en.items, strict=True):
        assert type(a) is type(b)
        if isinstance(a, Question):
            assert isinstance(b, Question)
            assert (a.kind, a.dimension, a.importance_of, a.dots, a.max_length) == (
                b.kind,
                b.dimension,
                b.importance_of,
                b.dots,
                b.max_length,
            )
            assert [o.value for o in a.options] == [o.value for o in b.options]
        else:
            assert isinstance(b, Prompt)
            assert a.minutes == b.minutes


def test_builtin_texts_are_translated(sv: QuestionSet, en: QuestionSet) -> None:
    """Every text differs between the languages: no half-translated mix."""
    for a, b in zip(sv.items, en.items, strict=True):
        assert a.text != b.text, a.id
    assert sv.title != en.title
    for a, b in zip(sv.dimensions, en.dimensions, strict=True):
        assert a.title != b.title


def test_builtin_survey_follows_the_method(sv: QuestionSet) -> None:
    scale_items = [q for q in sv.survey if q.kind is Kind.SCALE]
    # METHOD.md: part A five dimensions x five items, part B six items = 31 ("about 25-30").
    assert 25 <= len(scale_items) <= 31
    assert len(sv.dimensions) == 6
    assert {q.dimension for q in scale_items} == {d.id for d in sv.dimensions}
    part_a = [d.id for d in sv.dimensions if d.part == "A"]
    part_b = [d.id for d in sv.dimensions if d.part == "B"]
    assert len(part_a) == 5 and len(part_b) == 1
    for dim in part_a:
        assert sum(q.dimension == dim for q in scale_items) == 5
    assert sum(q.dimension in part_b for q in scale_items) == 6
    # Part A on the practice scale, part B on the agreement scale.
    practice = {q.options for q in scale_items if q.dimension in part_a}
    agreement = {q.options for q in scale_items if q.dimension in part_b}
    assert len(practice) == 1 and len(agreement) == 1 and practice != agreement


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_scale_has_dont_know(lang: str) -> None:
    for question in builtin(lang).questions:
        if question.kind is Kind.SCALE:
            assert question.options[-1].value == DONT_KNOW
            assert question.scale_values == (1, 2, 3, 4, 5)
            assert question.options[-1].label


def test_prompts_in_steps_1_3_4(sv: QuestionSet) -> None:
    prompts = {s.number: [i for i in s.items if isinstance(i, Prompt)] for s in sv.steps}
    assert (len(prompts[1]), len(prompts[3]), len(prompts[4])) == (5, 7, 5)
    for step_prompts in (prompts[1], prompts[3], prompts[4]):
        for prompt in step_prompts:
            assert prompt.text.endswith("?")
            assert 2 <= prompt.help.count("?") <= 3, prompt.id
            assert prompt.minutes


def test_importance_companions(sv: QuestionSet) -> None:
    items = list(sv.items)
    companions = [q for q in sv.questions if q.importance_of]
    assert 6 <= len(companions) <= 10
    for companion in companions:
        parent = sv.question(companion.importance_of or "")
        assert parent is not None and parent.kind is Kind.SCALE
        assert companion.id == parent.id + IMPORTANCE_SUFFIX
        assert companion.kind is Kind.SINGLE
        assert tuple(o.value for o in companion.options) == IMPORTANCE_VALUES
        assert [o.label for o in companion.options] == ["Låg", "Medel", "Hög"]
        assert items.index(companion) == items.index(parent) + 1
    marked = {c.importance_of for c in companions}
    assert {"lar-tid", "fs-utrustning", "fs-tid-pengar", "fs-stod"} <= marked


def test_builtin_wording_is_plain_swedish(sv: QuestionSet) -> None:
    statements = [q.text for q in sv.survey if q.kind is Kind.SCALE]
    for text in statements:
        assert re.match(r"^(Vi|Vår|Våra|Det|Digital) ", text), text
        assert len(text) <= 120, text
    words = " ".join(i.text + " " + getattr(i, "help", "") for i in sv.items).lower()
    for loan in ("survey", "feedback", "workshop", "skills", "action", "champion"):
        assert loan not in words


@pytest.mark.parametrize("path", [VALID, "sv", "en"])
def test_round_trip(path: Path | str) -> None:
    question_set = builtin(path) if isinstance(path, str) else load_question_set_file(path)
    data = question_set.to_dict()
    assert QuestionSet.from_dict(data) == question_set
    assert QuestionSet.from_dict(json.loads(json.dumps(data))) == question_set


def test_small_set_builds_every_kind() -> None:
    question_set = load_question_set_file(VALID)
    assert question_set.version == "2.10"  # written as 2.10, kept as written
    kinds = {q.id: q for q in question_set.questions}
    assert [o.value for o in kinds["q-single"].options] == ["o1", "o2"]
    assert [o.value for o in kinds["q-multiple"].options] == ["a", 7, "o3"]
    assert kinds["q-dots"].dots == 3
    assert kinds["q-text"].max_length == 100
    assert kinds["q-agree"].options[-1].label == "Vet ej / ej relevant"  # the default
    assert kinds["q-scale"].options[-1].label == "Vet ej"
    assert kinds["q-scale.importance"].text == "Hur viktigt?"


# ---------------------------------------------------------------- broken files

# fixture: (line, part of the item or None, a word of the Swedish and of the English message)
BROKEN = {
    "not-yaml.yaml": (3, None, "YAML", "YAML"),
    "tab-indent.yaml": (3, None, "Tabbtecken", "Tabs"),
    "colon-in-text.yaml": (3, None, "kolon", "colon"),
    "top-list.yaml": (1, None, "en lista", "a list"),
    "top-scalar.yaml": (1, None, "en text", "text"),
    "empty.yaml": (None, None, "tom", "empty"),
    "only-comments.yaml": (None, None, "tom", "empty"),
    "not-utf8.yaml": (3, None, "UTF-8", "UTF-8"),
    "two-documents.yaml": (3, None, "dokument", "documents"),
    "alias-bomb.yaml": (3, None, "komplex", "complex"),  # where &a, the root of it, is
    "duplicate-ids.yaml": (10, "samma", "används redan", "already used"),
    "duplicate-keys.yaml": (10, "p1", "två gånger", "twice"),
    "scale-without-labels.yaml": (6, "practice", "'labels' saknas", "'labels' is missing"),
    "unknown-kind.yaml": (9, "q1", "slider", "slider"),
    "unknown-scale.yaml": (13, "q1", "Skalan 'agreement' finns inte", "does not exist"),
    "unknown-dimension.yaml": (15, "q1", "'sakerhet' finns inte", "does not exist"),
    "question-without-text.yaml": (8, "q1", "'text' saknas", "'text' is missing"),
    "dots-not-positive.yaml": (11, "prio", "heltal", "whole number"),
    "options-missing.yaml": (8, "val", "options", "options"),
    "wrong-types.yaml": (3, None, "heltal", "whole number"),
    "step-number.yaml": (5, "1", "1, 2, 3 eller 4", "1, 2, 3 or 4"),
    "unknown-key.yaml": (9, "p1", "promt", "promt"),
}


def test_every_fixture_is_listed() -> None:
    broken = {p.name for p in DATA.glob("*.yaml")} - {VALID.name}
    assert broken == set(BROKEN)


@pytest.mark.parametrize("name", sorted(BROKEN))
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_broken_file_gives_problems(name: str, lang: str) -> None:
    line, item, sv_word, en_word = BROKEN[name]
    path = DATA / name
    problems = check(path, lang)
    assert problems, name
    word = sv_word if lang == "sv" else en_word
    hits = [p for p in problems if word in p.message and p.line == line]
    assert hits, [str(p) for p in problems]
    if item is not None:
        assert any(item in (p.item or "") for p in hits), [str(p) for p in hits]
    with pytest.raises(QuestionSetError) as caught:
        load_question_set_file(path, lang)
    assert caught.value.problems == problems


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_problems_follow_the_language(name: str) -> None:
    sv_problems = check(DATA / name, "sv")
    en_problems = check(DATA / name, "en")
    assert len(sv_problems) == len(en_problems)
    for a, b in zip(sv_problems, en_problems, strict=True):
        assert (a.line, a.message != b.message) == (b.line, True)


def test_item_names_use_the_language() -> None:
    sv_problem = check(DATA / "unknown-kind.yaml", "sv")[0]
    en_problem = check(DATA / "unknown-kind.yaml", "en")[0]
    assert sv_problem.item == "fråga 'q1'"
    assert en_problem.item == "question 'q1'"
    path = DATA / "unknown-kind.yaml"
    assert str(sv_problem) == f"{path}:9: fråga 'q1': " + sv_problem.message


def test_wrong_types_are_all_reported() -> None:
    messages = [(p.line, p.item, p.message) for p in check(DATA / "wrong-types.yaml", "sv")]
    assert messages[0][:2] == (3, None) and 'title: "2026"' in messages[0][2]
    assert any(line == 10 and "en lista" in m for line, _, m in messages)
    assert any(line == 11 and '- "5"' in m for line, _, m in messages)
    assert any(line == 15 and "max_length" in m for line, _, m in messages)


def write(tmp_path: Path, text: str | bytes, name: str = "set.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


HEADER = "id: t\nlang: sv\ntitle: T\n"


ODD_FILES = [
    (b"\x00\x01\x02binary", None, "inte text", "not contain text"),
    (b"\xff\xfeid: x\n", 1, "UTF-8", "UTF-8"),
    (b"id: x\ntitle: a\x07b\n", 2, "styrtecken", "control character"),
    ("a: " + "[" * 3000 + "]" * 3000 + "\n", 1, "nivåer", "levels"),
    ("a: &a [*a]\n", 1, "nivåer", "levels"),
    ("id: *missing\n", 1, "hänvisning", "reference"),
    ('id: x\ntitle: "open\n', 3, "citattecken", "quote"),
    ("id: !!python/object:os.system x\n", 1, "!!python/object:os.system", "not supported"),
    ("id: !!binary aGVq\n", 1, "!!binary", "not supported"),
    ("id: !custom x\n", 1, "!custom", "not supported"),
    (HEADER + "? [a, b]\n: c\n", 4, "inte ett ord", "not a word"),
    (HEADER + "<<: {x: 1}\n", 4, "'<<'", "'<<'"),
    (HEADER + "steps:\n", 4, "inga steg", "no steps"),
    (HEADER + "steps: []\n", 4, "inga steg", "no steps"),
    (HEADER + "steps: {}\n", 4, "inga steg", "no steps"),
    (HEADER + "steps: hej\n", 4, "en lista", "a list"),
    (HEADER + "steps:\n  - number: 1\n    title: A\n", 4, "varken", "neither"),
    ("lang: de\n", 1, "sv eller en", "sv or en"),
    ("id: inte ett id\n", 1, "som id", "as an id"),
    ("id: 7\n", 1, 'id: "7"', 'id: "7"'),
    ("id: t\nlang: sv\ntitle: No\n", 3, 'title: "No"', 'title: "No"'),
    ("id: t\nlang: sv\ntitle: 2026-01-01\n", 3, "ett datum", "a date"),
    ("id: t\nlang: sv\ntitle: '   '\n", 3, "'title' är tom", "'title' is empty"),
    ("id: t\nlang: sv\ntitle: " + "x" * 300 + "\n", 3, "för lång", "too long"),
    ("id: t\nlang: sv\ntitle: 1" + "0" * 5000 + "\n", 3, "går inte att läsa", "cannot be"),
]
ODD_IDS = [
    "binary", "utf16", "control-char", "deep", "recursive-alias", "undefined-alias",
    "open-quote", "python-tag", "binary-tag", "custom-tag", "complex-key", "merge-key",
    "steps-null", "steps-empty-list", "steps-empty-map", "steps-text", "no-items",
    "bad-lang", "bad-id", "number-id", "no-is-false", "date-title", "blank-title",
    "long-title", "huge-number",
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "sv_word", "en_word"), ODD_FILES, ids=ODD_IDS)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_odd_files(
    tmp_path: Path, text: str | bytes, line: int | None, sv_word: str, en_word: str, lang: str
) -> None:
    path = write(tmp_path, text)
    problems = check(path, lang)
    word = sv_word if lang == "sv" else en_word
    assert any(word in p.message and p.line == line for p in problems), [str(p) for p in problems]


STEP = HEADER + (
    "scales:\n  s: {labels: [A, B, C]}\n"
    "dimensions:\n  - {id: d, title: D}\n"
    "steps:\n  - number: 2\n    title: Enkät\n    items:\n"
)


@pytest.mark.parametrize(
    ("item", "sv_word", "en_word"),
    [
        ("{id: x, kind: scale, text: T, scale: 3}", "'scale' ska vara en text", "'scale' must"),
        ("{id: x, kind: scale, text: T, importance: ja}", "true eller false", "true or false"),
        ("{id: x, kind: single, text: T, importance: true}", "kind: scale", "kind: scale"),
        ("{id: x, kind: text, text: T, options: [a, b]}", "kind: text", "kind: text"),
        ("{id: x, kind: text, text: T, max_length: 0}", "max_length", "max_length"),
        ("{id: x, kind: text, text: T, max_length: 99999}", "max_length", "max_length"),
        ("{id: x, kind: dots, text: T, options: [a, b]}", "'dots'", "'dots'"),
        ("{id: x, kind: dots, text: T, dots: -2, options: [a, b]}", "'dots'", "'dots'"),
        ("{id: x, kind: dots, text: T, dots: true, options: [a, b]}", "'dots'", "'dots'"),
        ("{id: x, kind: dots, text: T, dots: '3', options: [a, b]}", "'dots'", "'dots'"),
        ("{id: x, kind: single, text: T, options: [a]}", "från 2", "2 to"),
        ("{id: x, kind: single, text: T, options: a}", "en lista", "a list"),
        ("{id: x, kind: single, text: T, options: [a, a]}", "samma text", "same text"),
        (
            "{id: x, kind: single, text: T, options: [{value: o2, label: A}, B]}",
            "samma värde",
            "same value",
        ),
        (
            "{id: x, kind: single, text: T, options: [{label: A}, B]}",
            "value: och label:",
            "value: and label:",
        ),
        (
            "{id: x, kind: single, text: T, options: [{value: true, label: A}, B]}",
            "'value'",
            "'value'",
        ),
        ("{id: x, kind: single, text: T, options: [[a], B]}", "Alternativ 1", "Choice 1"),
        ("{id: x, kind: 3, text: T}", "Okänd kind '3'", "Unknown kind '3'"),
        ("{id: x, prompt: P, kind: text}", "både", "both"),
        ("{id: x, prompt: P, minutes: 0}", "minutes", "minutes"),
        ("{id: x, prompt: P, minutes: ten}", "minutes", "minutes"),
        ("{id: x, prompt: [P]}", "'prompt' ska vara en text", "'prompt' must be text"),
        ("{id: x, prompt: P, help: 5}", "'help'", "'help'"),
        ("{id: x.importance, prompt: P}", "som id", "as an id"),
        ("{id: x, kind: scale, text: T, dimension: [d]}", "'dimension'", "'dimension'"),
        ("just a text", "nycklar med värden", "keys with values"),
        ("{prompt: P}", "'id' saknas", "'id' is missing"),
    ],
)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_broken_items(tmp_path: Path, item: str, sv_word: str, en_word: str, lang: str) -> None:
    path = write(tmp_path, STEP + "      - " + item + "\n")
    problems = check(path, lang)
    word = sv_word if lang == "sv" else en_word
    hits = [p for p in problems if word in p.message]
    assert hits, [str(p) for p in problems]
    assert all(p.line == 12 for p in hits), [str(p) for p in hits]
    assert all(p.item for p in hits)


@pytest.mark.parametrize(
    ("text", "sv_word"),
    [
        ("scales:\n  s: {labels: [A]}\n", "från 2 till 10"),
        ("scales:\n  s: {labels: [A, A]}\n", "samma text"),
        ("scales:\n  s: {labels: [A, 5]}\n", '- "5"'),
        ("scales:\n  s: {labels: A}\n", "en lista"),
        ("scales:\n  s: [A, B]\n", "nycklar med värden"),
        ("scales:\n  s k: {labels: [A, B]}\n", "som id"),
        ("scales: [a]\n", "nycklar med värden"),
        ("importance: {text: [x]}\n", "'text' ska vara en text"),
        ("importance: {labels: {low: L}}\n", "'medium' saknas"),
        ("importance: {labels: {low: L, medium: M, high: H, top: T}}\n", "'top'"),
        ("dimensions: [{id: d}]\n", "'title' saknas"),
        ("dimensions: [{id: d, title: D}, {id: d, title: E}]\n", "används redan"),
        ("dimensions: [d]\n", "nycklar med värden"),
        ("dimensions: {d: D}\n", "en lista"),
        ("steps: [{number: 1, number: 2, title: A}]\n", "två gånger"),
        ("steps: [{number: 1, title: A}, {number: 1, title: B}]\n", "Steg 1 finns redan"),
        ("steps: [{number: '2', title: A}]\n", 'är "2"'),
        ("steps: [{number: 0, title: A}]\n", "är 0"),
        ("steps: [{number: 2.5, title: A}]\n", "är 2.5"),
        ("steps: [{number: 1}]\n", "'title' saknas"),
        ("steps: [{number: 1, title: A, items: x}]\n", "en lista"),
        ("steps: [hej]\n", "nycklar med värden"),
        ("description: [a]\n", "'description'"),
        ("version: [1]\n", "'version'"),
        ("titel: X\n", "Okänd nyckel 'titel'"),
    ],
)
def test_broken_structure(tmp_path: Path, text: str, sv_word: str) -> None:
    path = write(tmp_path, HEADER + text)
    problems = check(path, "sv")
    assert any(sv_word in p.message for p in problems), [str(p) for p in problems]
    assert all(p.line for p in problems if "saknas" not in p.message or "'" in p.message)


def test_missing_top_keys(tmp_path: Path) -> None:
    problems = check(write(tmp_path, "description: Bara en beskrivning.\n"), "sv")
    missing = {p.message for p in problems}
    assert {"'id' saknas.", "'lang' saknas.", "'title' saknas.", "'steps' saknas."} <= missing


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(20_000_000)  # sparse: 20 MB without writing them
    sv_problems = check(path, "sv")
    en_problems = check(path, "en")
    assert [p.message for p in sv_problems] == [
        "Filen är för stor (20,0 MB). Ett frågeset får vara högst 1 MB. Är det rätt fil?"
    ]
    assert "20.0 MB" in en_problems[0].message


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert "finns inte" in check(tmp_path / "nope.yaml", "sv")[0].message
    assert "cannot be opened" in check(tmp_path, "en")[0].message


def test_edited_file_is_checked_again(tmp_path: Path) -> None:
    """The cache must not hide an edit saved within the same second."""
    path = write(tmp_path, VALID.read_text(encoding="utf-8"))
    assert check(path, "sv") == []
    write(tmp_path, VALID.read_text(encoding="utf-8").replace("kind: text", "kind: txet"))
    assert check(path, "sv")


# ---------------------------------------------------------------- never a traceback

_YAMLISH = st.text(
    alphabet=st.sampled_from(list("abc:- \n\t[]{},'\"&*!|>#?%@`01.é\x00\x1b")),
    max_size=200,
)
_KEYS = st.sampled_from(
    [
        "id", "lang", "title", "steps", "number", "items", "kind", "text", "prompt",
        "help", "minutes", "scale", "scales", "labels", "dont_know", "dimension",
        "dimensions", "options", "value", "label", "dots", "max_length", "importance",
        "low", "medium", "high", "part", "version", "description", "x",
    ]
)  # fmt: skip
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 30),
    st.floats(allow_nan=True),
    st.sampled_from(["sv", "en", "scale", "single", "multiple", "text", "dots", "s", "d", ""]),
    st.text(max_size=8),
)
_TREES = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_KEYS, children, max_size=6),
    max_leaves=30,
)
_FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def fuzz_dir() -> object:
    folder = Path(tempfile.mkdtemp(prefix="mognad-fuzz-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@_FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes_give_only_problems(fuzz_dir: Path, data: bytes) -> None:
    path = write(fuzz_dir, data)
    for lang in ("sv", "en"):
        check(path, lang)


@_FUZZ
@given(text=_YAMLISH)
def test_random_yamlish_text_gives_only_problems(fuzz_dir: Path, text: str) -> None:
    check(write(fuzz_dir, text), "sv")


@_FUZZ
@given(tree=st.dictionaries(_KEYS, _TREES, max_size=8))
def test_random_structures_give_only_problems(fuzz_dir: Path, tree: dict[str, object]) -> None:
    check(write(fuzz_dir, yaml.safe_dump(tree, allow_unicode=True)), "en")


@_FUZZ
@given(cut=st.integers(0, 10_000), junk=st.text(max_size=20))
def test_damaged_valid_file_gives_only_problems(fuzz_dir: Path, cut: int, junk: str) -> None:
    text = VALID.read_text(encoding="utf-8")
    cut %= len(text)
    path = write(fuzz_dir, text[:cut] + junk + text[cut + len(junk) :])
    problems = check(path, "sv")
    if not problems:
        load_question_set_file(path)


def _paths(node: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


_VALID_TREE = yaml.safe_load(VALID.read_text(encoding="utf-8"))
_VALID_PATHS = _paths(_VALID_TREE)[1:]


@_FUZZ
@given(
    changes=st.lists(
        st.tuples(st.integers(0, len(_VALID_PATHS) - 1), st.one_of(st.just(...), _TREES)),
        min_size=1,
        max_size=3,
    )
)
def test_mutated_valid_set_gives_only_problems(
    fuzz_dir: Path, changes: list[tuple[int, object]]
) -> None:
    """Replace or delete values deep inside a valid set: reaches every check of an item."""
    tree = copy.deepcopy(_VALID_TREE)
    for index, value in changes:
        *parents, last = _VALID_PATHS[index]
        node = tree
        try:
            for step in parents:
                node = node[step]
            if value is ...:
                del node[last]
            else:
                node[last] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this path
    path = write(fuzz_dir, yaml.safe_dump(tree, allow_unicode=True))
    for lang in ("sv", "en"):
        problems = check(path, lang)
        if not problems:
            load_question_set_file(path, lang)


# ---------------------------------------------------------------- finding sets


def own_set(cwd: Path, name: str, text: str) -> Path:
    folder = cwd / "question_sets"
    folder.mkdir(exist_ok=True)
    return write(folder, text, name)


def test_available_sets_lists_builtin_sets(tmp_path: Path) -> None:
    infos = available_sets(tmp_path)
    assert [(i.id, i.lang, i.builtin) for i in infos] == [
        ("digital-mognad", "sv", True),
        ("digital-mognad", "en", True),
    ]
    assert infos[0].title == "Digital mognad" and infos[0].version == "1.0"
    assert infos[0].path.is_file()


def test_own_sets_are_found_and_broken_ones_skipped(tmp_path: Path) -> None:
    own_set(tmp_path, "mine.sv.yaml", VALID.read_text(encoding="utf-8"))
    own_set(tmp_path, "broken.yaml", "id: [\n")
    own_set(tmp_path, "README.md", "# not a set")
    own_set(tmp_path, "other.yml", VALID.read_text(encoding="utf-8").replace("test-set", "o"))
    infos = available_sets(tmp_path)
    own = [(i.id, i.lang, i.path.name) for i in infos if not i.builtin]
    assert own == [("o", "sv", "other.yml"), ("test-set", "sv", "mine.sv.yaml")]
    assert load_question_set("test-set", "sv", cwd=tmp_path).title == "Testset"
    assert validate_file(tmp_path / "question_sets" / "broken.yaml")


def test_own_set_overrides_builtin(tmp_path: Path) -> None:
    text = (ROOT / "mognad_tui" / "question_sets" / "digital-mognad.sv.yaml").read_text("utf-8")
    own_set(tmp_path, "dm.yaml", text.replace("title: Digital mognad", "title: Vår egen"))
    assert load_question_set("digital-mognad", "sv", cwd=tmp_path).title == "Vår egen"
    assert load_question_set("digital-mognad", "en", cwd=tmp_path).title == "Digital maturity"
    assert load_question_set("digital-mognad", "sv", cwd=ROOT / "tests").title == "Digital mognad"


def test_broken_override_is_reported_not_skipped(tmp_path: Path) -> None:
    own_set(tmp_path, "dm.yaml", "id: digital-mognad\nlang: sv\ntitle: [\n")
    own_set(tmp_path, "dm2.yaml", "id: digital-mognad\nlang: en\ntitle: X\nsteps: 3\n")
    with pytest.raises(QuestionSetError) as caught:
        load_question_set("digital-mognad", "en", cwd=tmp_path)
    assert caught.value.problems[0].path.endswith("dm2.yaml")


def test_other_language_is_the_fallback(tmp_path: Path) -> None:
    own_set(tmp_path, "mine.sv.yaml", VALID.read_text(encoding="utf-8"))
    assert load_question_set("test-set", "en", cwd=tmp_path).lang == "sv"
    assert load_question_set("digital-mognad.en", "sv", cwd=tmp_path).lang == "en"


def test_load_by_path(tmp_path: Path) -> None:
    own_set(tmp_path, "mine.sv.yaml", VALID.read_text(encoding="utf-8"))
    assert load_question_set("question_sets/mine.sv.yaml", cwd=tmp_path).id == "test-set"
    assert load_question_set(str(VALID)).id == "test-set"
    with pytest.raises(QuestionSetError) as caught:
        load_question_set("nowhere.yaml", "en", cwd=tmp_path)
    assert "does not exist" in caught.value.problems[0].message


@pytest.mark.parametrize(("lang", "word"), [("sv", "Frågeset som finns"), ("en", "that exist")])
def test_unknown_set_lists_what_exists(tmp_path: Path, lang: str, word: str) -> None:
    own_set(tmp_path, "mine.sv.yaml", VALID.read_text(encoding="utf-8"))
    with pytest.raises(QuestionSetError) as caught:
        load_question_set("digital-mongad", lang, cwd=tmp_path)
    (problem,) = caught.value.problems
    assert word in problem.message
    assert "digital-mognad (sv, en)" in problem.message
    assert "test-set (sv)" in problem.message


def test_two_own_files_with_one_id_are_reported(tmp_path: Path) -> None:
    own_set(tmp_path, "a.yaml", VALID.read_text(encoding="utf-8"))
    own_set(tmp_path, "b.yaml", VALID.read_text(encoding="utf-8"))
    with pytest.raises(QuestionSetError) as caught:
        load_question_set("test-set", "sv", cwd=tmp_path)
    assert "a.yaml, b.yaml" in caught.value.problems[0].message


# ---------------------------------------------------------------- the facilitator's folder


def test_project_example_and_readme_are_valid(tmp_path: Path) -> None:
    assert check(ROOT / "question_sets" / "example.sv.yaml", "sv") == []
    ids = {(i.id, i.builtin) for i in available_sets(ROOT)}
    assert ("exempel-uppfoljning", False) in ids
    readme = (ROOT / "question_sets" / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", readme, re.S)
    assert block is not None
    assert check(write(tmp_path, block.group(1)), "sv") == []


def test_catalogue_is_complete() -> None:
    assert qs.messages.missing() == {}
    for lang in ("sv", "en"):
        for key in qs.messages.messages[lang]:
            assert qs.messages.messages[lang][key].strip()


def test_builtin_folder_is_data_not_a_package() -> None:
    folder = qs.builtin_dir()
    names = {entry.name for entry in folder.iterdir()}
    assert {"digital-mognad.sv.yaml", "digital-mognad.en.yaml"} <= names
    assert "__init__.py" not in names
    assert qs.__file__.endswith("question_sets.py")
