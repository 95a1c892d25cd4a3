"""Deterministic sessions for the results and export tests (plain helpers, no pytest fixtures).

``fixture_set`` returns the built-in "digital-mognad" question set once
``mognad_tui.question_sets.load_question_set`` can load it, else a hand-made set of the same
shape; ``demo_session`` fills either one with the same kinds of answers (hidden items, an
all-alike item, a split item, tallies, importance, polls, notes, needs, actions), so the golden
files exercise every branch of the Markdown whatever set they run on.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import strategies as st

from mognad_tui.model import (
    DONT_KNOW,
    IMPORTANCE_SUFFIX,
    ActionItem,
    ActionStatus,
    Dimension,
    Kind,
    Need,
    NeedKind,
    Option,
    Priority,
    Prompt,
    Question,
    QuestionSet,
    SessionInfo,
    SessionRecord,
    Step,
)

_PRACTICE = {
    "sv": [
        "Känner inte till",
        "Känner till, ej provat",
        "Gör ibland",
        "Gör regelbundet",
        "Kan lära ut eller utveckla",
    ],
    "en": [
        "Not familiar with it",
        "Know of it, not tried",
        "Do it sometimes",
        "Do it routinely",
        "Can teach or improve it",
    ],
}
_DONT_KNOW = {"sv": "Vet ej / ej relevant", "en": "Don't know / not relevant"}
_IMPORTANCE = {
    "sv": ("Hur viktigt är detta för oss det kommande året?", ["Låg", "Medel", "Hög"]),
    "en": ("How important is this for us in the coming year?", ["Low", "Medium", "High"]),
}


def scale_options(lang: str = "sv") -> tuple[Option, ...]:
    labels = _PRACTICE[lang]
    return (
        *(Option(i + 1, label) for i, label in enumerate(labels)),
        Option(DONT_KNOW, _DONT_KNOW[lang]),
    )


def importance_question(item: Question, lang: str = "sv") -> Question:
    text, labels = _IMPORTANCE[lang]
    return Question(
        id=item.id + IMPORTANCE_SUFFIX,
        kind=Kind.SINGLE,
        text=text,
        options=tuple(
            Option(v, label) for v, label in zip(("low", "medium", "high"), labels, strict=True)
        ),
        dimension=item.dimension,
        importance_of=item.id,
    )


_DIMENSIONS = {
    "sv": [
        (
            "everyday",
            "Digital vardag",
            "A",
            [
                "Vi hittar och ordnar information.",
                "Vi arbetar tillsammans i delade dokument.",
                "Vi löser enkla problem själva.",
            ],
        ),
        (
            "security",
            "Information, data och säkerhet",
            "A",
            [
                "Vi känner igen nätfiske och skyddar våra konton.",
                "Vi vet hur personuppgifter ska hanteras.",
                "Vi använder data för att följa upp vårt arbete.",
            ],
        ),
        (
            "digital-first",
            "Digitalt först i tjänsterna",
            "A",
            [
                "Den digitala kanalen är förstahandsval.",
                "Vi frågar bara en gång efter samma uppgift.",
            ],
        ),
        (
            "development",
            "Utveckla arbetssätt",
            "A",
            [
                "Vi känner våra processer från början till slut.",
                "Vi testar i liten skala och lär oss.",
            ],
        ),
        (
            "learning",
            "Lärande och kunskapsdelning",
            "A",
            ["Vi har tid avsatt för lärande.", "Vi lär av varandra."],
        ),
        (
            "prerequisites",
            "Förutsättningar",
            "B",
            ["Vi har utrustning och nät som fungerar.", "Vi får stöd med it och system."],
        ),
    ],
    "en": [
        (
            "everyday",
            "Everyday digital work",
            "A",
            [
                "We find and organise information.",
                "We work together in shared documents.",
                "We solve simple problems ourselves.",
            ],
        ),
        (
            "security",
            "Information, data and security",
            "A",
            [
                "We recognise phishing and protect our accounts.",
                "We know how personal data must be handled.",
                "We use data to follow up our work.",
            ],
        ),
        (
            "digital-first",
            "Digital first in our services",
            "A",
            [
                "The digital channel is the first choice.",
                "We ask for the same information only once.",
            ],
        ),
        (
            "development",
            "Developing how we work",
            "A",
            ["We know our processes end to end.", "We test small and learn."],
        ),
        (
            "learning",
            "Learning and sharing",
            "A",
            ["We have time set aside for learning.", "We learn from each other."],
        ),
        (
            "prerequisites",
            "Prerequisites",
            "B",
            ["We have equipment and a network that work.", "We get IT and system support."],
        ),
    ],
}
_PROMPTS = {
    "sv": {
        1: [
            ("s1.digital-first", "Vad betyder digitalt först för oss?"),
            ("s1.manual", "Vilka uppgifter görs fortfarande manuellt eller på papper?"),
        ],
        3: [
            ("s3.surprises", "Vad överraskade oss i resultatet?"),
            ("s3.teach", "Vem kan lära vem?"),
        ],
        4: [
            (
                "s4.prerequisites",
                "Vad behöver vi från förvaltningen (strategi, ekonomi, infrastruktur, stöd)?",
            ),
            ("s4.priorities", "Våra tre prioriteringar"),
            ("s4.next-measurement", "När mäter vi igen?"),
        ],
    },
    "en": {
        1: [
            ("s1.digital-first", "What does digital first mean for us?"),
            ("s1.manual", "Which tasks are still manual or on paper?"),
        ],
        3: [
            ("s3.surprises", "What surprised us in the results?"),
            ("s3.teach", "Who can teach whom?"),
        ],
        4: [
            (
                "s4.prerequisites",
                "What do we need from the administration"
                " (strategy, economy, infrastructure, support)?",
            ),
            ("s4.priorities", "Our three priorities"),
            ("s4.next-measurement", "When do we measure again?"),
        ],
    },
}
_STEP_TITLES = {
    "sv": [
        "Dialog om digitalt först",
        "Självskattning",
        "Dialog om resultatet",
        "Till verksamhetsplanen",
    ],
    "en": [
        "Dialogue on digital first",
        "Self-assessment",
        "Dialogue on the results",
        "Into the operational plan",
    ],
}


def handmade_set(lang: str = "sv") -> QuestionSet:
    """A small set with the built-in set's shape: six dimensions, prompts, importance items."""
    dims = []
    survey: list[Any] = []
    for d_index, (dim_id, title, part, statements) in enumerate(_DIMENSIONS[lang]):
        dims.append(Dimension(dim_id, title, part))
        for i, text in enumerate(statements):
            q = Question(
                id=f"{dim_id}.{i + 1}",
                kind=Kind.SCALE,
                text=text,
                options=scale_options(lang),
                dimension=dim_id,
            )
            survey.append(q)
            if i == 0 or d_index in (4, 5):
                survey.append(importance_question(q, lang))
    steps = []
    for number in (1, 2, 3, 4):
        items: list[Any] = [Prompt(pid, text) for pid, text in _PROMPTS[lang].get(number, [])]
        if number == 2:
            items = survey
        steps.append(Step(number, _STEP_TITLES[lang][number - 1], tuple(items)))
    return QuestionSet(
        id="digital-mognad",
        version="1.0",
        lang=lang,  # type: ignore[arg-type]
        title="Digital mognad" if lang == "sv" else "Digital maturity",
        description="",
        steps=tuple(steps),
        dimensions=tuple(dims),
    )


def builtin_set(lang: str = "sv") -> QuestionSet | None:
    """The shipped set, or ``None`` while it does not load yet."""
    try:
        from mognad_tui.question_sets import load_question_set  # type: ignore[attr-defined]

        return load_question_set("digital-mognad", lang)
    except Exception:
        return None


def fixture_set(lang: str = "sv") -> QuestionSet:
    return builtin_set(lang) or handmade_set(lang)


def _polls(lang: str) -> list[Question]:
    sv = lang == "sv"
    return [
        Question(
            id="poll.1",
            kind=Kind.SINGLE,
            text="Hur känns det att börja med enkäten?"
            if sv
            else "How do we feel about the survey?",
            options=(
                Option("low", "Oroliga" if sv else "Worried"),
                Option("some", "Nyfikna" if sv else "Curious"),
                Option("high", "Taggade" if sv else "Keen"),
            ),
        ),
        Question(
            id="poll.2",
            kind=Kind.MULTIPLE,
            text="Vilka verktyg använder vi varje dag?"
            if sv
            else "Which tools do we use every day?",
            options=(
                Option("mail", "E-post" if sv else "Email"),
                Option("chat", "Chatt" if sv else "Chat"),
                Option("paper", "Papper" if sv else "Paper"),
            ),
        ),
        Question(
            id="poll.3",
            kind=Kind.TEXT,
            text="Ett ord om digitalisering" if sv else "One word about digitalisation",
        ),
        Question(
            id="poll.4",
            kind=Kind.DOTS,
            text="Vad ska vi börja med?" if sv else "What do we start with?",
            options=(
                Option("learning-time", "Tid för lärande" if sv else "Time for learning"),
                Option("equipment", "Utrustning" if sv else "Equipment"),
                Option("phishing", "Utbildning om nätfiske" if sv else "Phishing training"),
            ),
            dots=3,
        ),
        Question(
            id="poll.5",
            kind=Kind.SINGLE,
            text="Fika före eller efter?" if sv else "Coffee before or after?",
            options=(
                Option("before", "Före" if sv else "Before"),
                Option("after", "Efter" if sv else "After"),
            ),
        ),
    ]


def demo_session(
    lang: str = "sv",
    *,
    question_set: QuestionSet | None = None,
    name: str = "socialtjanst-nord-2026",
    title: str = "Enhet Socialtjänst Nord",
    created: str = "2026-11-26",
    seed: str = "mognad",
    participants: int = 9,
) -> SessionRecord:
    """A full, deterministic session: every branch the Markdown has, in a realistic mix."""
    qset = question_set or fixture_set(lang)
    sv = lang == "sv"
    info = SessionInfo(
        name=name,
        title=title,
        created=created,
        set_id=qset.id,
        lang=lang,
        threshold=3,
        join_code="4821",
    )  # type: ignore[arg-type]
    record = SessionRecord(info=info, question_set=qset)
    survey = [q for q in qset.questions if q.kind is Kind.SCALE and not q.importance_of]
    dims = [d.id for d in qset.dimensions]
    for index, q in enumerate(survey):
        rng = random.Random(f"{seed}:{q.id}")
        points = q.scale_values or (1, 2, 3, 4, 5)
        d_index = dims.index(q.dimension) if q.dimension in dims else 0
        centre = [3.6, 2.3, 3.1, 2.9, 3.8, 2.1][d_index % 6]
        values: list[Any] = []
        for _ in range(participants):
            v = round(rng.gauss(centre, 0.9))
            values.append(min(max(points), max(min(points), v)))
        values[-1] = DONT_KNOW if index % 4 == 1 else values[-1]
        if index == 2:
            values = values[:2]  # below the threshold
        elif index == 3:
            values = [4] * (participants - 1) + [DONT_KNOW]  # all alike
        elif index == 5:
            half = participants // 2
            values = [min(points)] * half + [max(points)] * (participants - half - 1) + [DONT_KNOW]
        elif index == 6:
            values = values[:-2]
            record.tallies[q.id] = {"3": 1, "2": 1}
        record.answers[q.id] = values
    for q in qset.questions:
        if not q.importance_of:
            continue
        item = qset.question(q.importance_of)
        weak = (
            item is not None
            and record.answers.get(item.id)
            and statistics_mean(record.answers[item.id]) < 3
        )
        rng = random.Random(f"{seed}:{q.id}")
        pool = ["high", "high", "medium", "low"] if weak else ["low", "medium", "medium", "high"]
        record.answers[q.id] = [rng.choice(pool) for _ in range(participants)]
    record.polls = _polls(lang)
    record.answers["poll.1"] = ["low", "some", "some", "high", "some", "low", "some"]
    record.tallies["poll.1"] = {"some": 2}
    record.answers["poll.2"] = [["mail", "chat"], ["mail"], ["mail", "paper"], ["mail", "chat"], []]
    texts = (
        ["Äntligen!", "Mer tid behövs", "Vi lär av varandra", "Oro för nya system"]
        if sv
        else [
            "Finally!",
            "We need more time",
            "We learn from each other",
            "Worried about new systems",
        ]
    )
    record.answers["poll.3"] = [*texts, "spam"]
    record.approved["poll.3"] = texts
    record.answers["poll.4"] = [
        {"learning-time": 2, "equipment": 1},
        {"learning-time": 3},
        {"phishing": 2, "equipment": 1},
        {"learning-time": 1, "phishing": 2},
    ]
    record.answers["poll.5"] = ["before", "after"]  # below the threshold
    _answer_other_questions(record, survey, seed, participants, sv)
    notes = _NOTES["sv" if sv else "en"]
    for step in qset.steps:
        prompts = [i for i in step.items if isinstance(i, Prompt)]
        nxt = next((p for p in prompts if _is_next(p.id)), None)
        ordinary = [p for p in prompts if p is not nxt]
        for prompt, note in zip(ordinary, notes.get(step.number, []), strict=False):
            record.notes[prompt.id] = note
        if nxt is not None:
            record.notes[nxt.id] = notes["next"][0]
    record.needs = [
        Need(
            "n1",
            NeedKind.COMPETENCE,
            "Känna igen nätfiske" if sv else "Recognising phishing",
            dims[1] if len(dims) > 1 else None,
        ),
        Need(
            "n2", NeedKind.COMPETENCE, "Dela dokument säkert" if sv else "Sharing documents safely"
        ),
        Need(
            "n3",
            NeedKind.CHANGE,
            "Tid för lärande varje månad" if sv else "Time for learning every month",
            dims[4] if len(dims) > 4 else None,
        ),
        Need("n4", NeedKind.CHANGE, "Sluta skriva ut scheman" if sv else "Stop printing schedules"),
    ]
    record.actions = [
        ActionItem(
            "a1",
            "Kurs om nätfiske för alla" if sv else "Phishing course for everyone",
            "Anna",
            "2027-03-31",
            ActionStatus.PLANNED,
            Priority.HIGH,
            "Alla har gått kursen" if sv else "Everyone has taken it",
            need="n1",
        ),
        ActionItem(
            "a2",
            "En timme lärande i månaden" if sv else "One hour of learning a month",
            "Enhetschefen" if sv else "The unit manager",
            "2027-01-31",
            ActionStatus.STARTED,
            Priority.HIGH,
            "Uppföljning på APT" if sv else "Followed up at staff meetings",
            need="n3",
        ),
        ActionItem(
            "a3",
            "Digitala scheman" if sv else "Digital schedules",
            "Omar",
            "",
            ActionStatus.PLANNED,
            Priority.MEDIUM,
            "",
            need="n4",
        ),
        ActionItem(
            "a4",
            "Be om bättre wifi" if sv else "Ask for better Wi-Fi",
            "",
            "2027-06-30",
            ActionStatus.PLANNED,
            Priority.LOW,
            "",
            dimension=dims[-1],
        ),
        ActionItem(
            "a5",
            "Prova chattbot" if sv else "Try a chatbot",
            "Lisa",
            "2027-05-01",
            ActionStatus.DROPPED,
            Priority.HIGH,
            "",
        ),
    ]
    return record


_NOTES = {
    "sv": {
        1: [
            "Att e-tjänsten är förstahandsval för den som kan.\nVi hjälper den som inte kan.",
            "Journalanteckningar på papper\nUtskrifter av scheman",
        ],
        3: [
            "Att säkerheten var lägre än vi trodde.",
            "Vi är bra på delade dokument.",
            "",
            "Anna kan lära ut delade dokument.\nOmar kan lära ut e-tjänsterna.",
        ],
        4: [
            "En kurs om nätfiske.\nLära av varandra en timme i månaden.",
            "",
            "Tydligare mandat från förvaltningen.\nBudget för utbildning 2027.\n"
            "Bättre wifi i personalrummet.",
        ],
        "next": ["Vi mäter igen i november 2027."],
    },
    "en": {
        1: [
            "The e-service comes first for those who can use it.\nWe help those who cannot.",
            "Case notes on paper\nPrinted schedules",
        ],
        3: [
            "That security was lower than we thought.",
            "We are good at shared documents.",
            "",
            "Anna can teach shared documents.\nOmar can teach the e-services.",
        ],
        4: [
            "A course on phishing.\nLearning from each other one hour a month.",
            "",
            "A clearer mandate from the administration.\nA training budget for 2027.\n"
            "Better Wi-Fi in the staff room.",
        ],
        "next": ["We measure again in November 2027."],
    },
}


def _is_next(item_id: str) -> bool:
    return any(hint in item_id for hint in ("next", "again", "measure", "matning"))


def _answer_other_questions(
    record: SessionRecord, survey: list[Question], seed: str, participants: int, sv: bool
) -> None:
    """Answers to the set's own non-scale questions (warm-up poll, free text, dot voting)."""
    done = {q.id for q in survey}
    for q in record.question_set.questions:
        if q.id in done or q.importance_of:
            continue
        rng = random.Random(f"{seed}:{q.id}")
        values = [o.value for o in q.options]
        if q.kind in (Kind.SINGLE, Kind.SCALE) and values:
            record.answers[q.id] = [rng.choice(values) for _ in range(participants)]
        elif q.kind is Kind.MULTIPLE and values:
            record.answers[q.id] = [
                [v for v in values if rng.random() < 0.5] for _ in range(participants)
            ]
        elif q.kind is Kind.DOTS and values:
            answers = []
            for _ in range(participants):
                spent: dict[str, int] = {}
                for _ in range(q.dots):
                    key = str(rng.choice(values))
                    spent[key] = spent.get(key, 0) + 1
                answers.append(spent)
            record.answers[q.id] = answers
        elif q.kind is Kind.TEXT:
            texts = (
                ["Bra att vi pratar om det här.", "Mer tid för utbildning, tack.", "Fler skärmar."]
                if sv
                else [
                    "Good that we talk about this.",
                    "More time for training, please.",
                    "More screens.",
                ]
            )
            record.answers[q.id] = [*texts, "Ej godkänd" if sv else "Not approved"]
            record.approved[q.id] = texts


def statistics_mean(values: list[Any]) -> float:
    points = [v for v in values if isinstance(v, int)]
    return sum(points) / len(points) if points else 0.0


def previous_session(lang: str = "sv", *, question_set: QuestionSet | None = None) -> SessionRecord:
    """The same group a year earlier, with last year's actions and their status."""
    record = demo_session(
        lang,
        question_set=question_set,
        name="socialtjanst-nord-2025",
        created="2025-11-20",
        seed="last-year",
        participants=8,
    )
    sv = lang == "sv"
    record.actions = [
        ActionItem(
            "p1",
            "Delade dokument i stället för e-post" if sv else "Shared documents instead of email",
            "Anna",
            "2026-03-01",
            ActionStatus.DONE,
            Priority.HIGH,
        ),
        ActionItem(
            "p2",
            "Utbildning i e-tjänsterna" if sv else "Training in the e-services",
            "Omar",
            "2026-06-01",
            ActionStatus.STARTED,
            Priority.MEDIUM,
        ),
        ActionItem(
            "p3", "Ny skrivare" if sv else "New printer", "", "", ActionStatus.DROPPED, Priority.LOW
        ),
    ]
    return record


def tiny_record(
    questions: list[Question] | Question,
    answers: dict[str, list[Any]] | None = None,
    *,
    threshold: int = 3,
    tallies: dict[str, dict[str, int]] | None = None,
    approved: dict[str, list[str]] | None = None,
    dimensions: tuple[Dimension, ...] = (),
    lang: str = "sv",
    name: str = "tiny",
) -> SessionRecord:
    """A one-step session around a few questions, for hand-computed examples."""
    if isinstance(questions, Question):
        questions = [questions]
    qset = QuestionSet(
        id="tiny",
        version="1",
        lang=lang,  # type: ignore[arg-type]
        title="Tiny",
        description="",
        steps=(Step(2, "Survey", tuple(questions)),),
        dimensions=dimensions,
    )
    info = SessionInfo(
        name=name,
        title="Group",
        created="2026-11-26",
        set_id="tiny",
        lang=lang,
        threshold=threshold,
    )  # type: ignore[arg-type]
    return SessionRecord(
        info=info,
        question_set=qset,
        answers=dict(answers or {}),
        tallies=dict(tallies or {}),
        approved=dict(approved or {}),
    )


def scale_question(qid: str = "q", dimension: str | None = None, lang: str = "sv") -> Question:
    return Question(
        id=qid,
        kind=Kind.SCALE,
        text=f"Statement {qid}",
        options=scale_options(lang),
        dimension=dimension,
    )


# ---------------------------------------------------------------- random sessions (hypothesis)


def choice_question(
    qid: str = "c", kind: Kind = Kind.SINGLE, options: str = "abc", dots: int = 0
) -> Question:
    return Question(
        id=qid,
        kind=kind,
        text=f"Choice {qid}",
        options=tuple(Option(o, f"Label {qid} {o.upper()}") for o in options),
        dots=dots,
    )


VALUES = st.sampled_from([1, 2, 3, 4, 5, DONT_KNOW])


@st.composite
def random_records(draw: Any) -> SessionRecord:
    """Small sessions of every kind of question, answer counts around the threshold."""
    threshold = draw(st.integers(min_value=0, max_value=6))
    dims = (Dimension("d1", "One"), Dimension("d2", "Two"))
    questions = [
        scale_question(f"s{i}", draw(st.sampled_from(["d1", "d2", None]))) for i in range(4)
    ]
    questions += [
        choice_question("single"),
        choice_question("multi", Kind.MULTIPLE),
        choice_question("dots", Kind.DOTS, dots=3),
        Question(id="text", kind=Kind.TEXT, text="Text"),
    ]
    questions.append(importance_question(questions[0]))
    answers: dict[str, list] = {}
    tallies: dict[str, dict[str, int]] = {}
    small = st.integers(min_value=0, max_value=7)
    for q in questions[:4]:
        answers[q.id] = draw(st.lists(VALUES, max_size=7))
        if draw(st.booleans()):
            tallies[q.id] = {str(v): draw(small) for v in draw(st.lists(VALUES, max_size=2))}
    answers["single"] = draw(st.lists(st.sampled_from("abc"), max_size=7))
    answers["multi"] = draw(st.lists(st.lists(st.sampled_from("abc"), unique=True), max_size=7))
    dot = st.dictionaries(st.sampled_from("abc"), st.integers(min_value=1, max_value=3), max_size=2)
    answers["dots"] = draw(st.lists(dot, max_size=7))
    answers["text"] = draw(st.lists(st.text(min_size=1, max_size=5), max_size=7))
    answers["s0.importance"] = draw(
        st.lists(st.sampled_from(["low", "medium", "high"]), max_size=7)
    )
    for qid in ("single", "multi", "dots"):
        if draw(st.booleans()):
            tallies[qid] = {"a": draw(small)}
    approved = {"text": answers["text"][: draw(st.integers(0, 7))]}
    return tiny_record(
        questions, answers, threshold=threshold, tallies=tallies, approved=approved, dimensions=dims
    )
