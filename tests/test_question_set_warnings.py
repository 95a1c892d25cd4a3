"""``mognad validate``'s warnings (issue 15, item 2) and the ``allow:`` that silences them.

A warning is advice to the author of a set that loads: a statement that likely asks two things
at once, one longer than a phone shows, a set without its translation. The author keeps an item
as it is only by writing why, and the validator prints that reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli import mognad

from mognad_tui.model import QuestionSet
from mognad_tui.question_sets import (
    MAX_STATEMENT,
    check_file,
    joined_ideas,
    load_question_set_file,
)

# The double-barrelled items of version 1.0 named by the review (QUESTION-SET-REVIEW.md), as
# version 1.0 worded them.
V1_JOINED = {
    "sv": [
        "Vi hittar den information vi behöver och ordnar den så att andra också hittar den.",
        "Vi skriver tillsammans i delade dokument och har möten digitalt när det passar.",
        "Vi vet hur känslig vår information är och var vi får spara och skicka den.",
        "Vi känner igen nätfiske och skyddar våra konton.",
        "Vi ser till att alla kan använda våra digitala tjänster, och erbjuder en annan väg för "
        "den som inte är digital.",
        "Vi tar vara på synpunkter från dem som använder våra tjänster, och gör tjänsterna bättre.",
        "Vi tar bort papper och manuella steg när det finns ett bättre digitalt sätt.",
        "Vi hittar och går de utbildningar vi behöver.",
        "Det är tydligt vem som leder vår digitala utveckling, och vi har mandat att driva den.",
        "Vi har tid och pengar för att utveckla vårt arbete digitalt.",
        "Vi har datorer, telefoner och ett nätverk som fungerar där vi arbetar.",
    ],
    "en": [
        "We find the information we need and organise it so that others can find it too.",
        "We write together in shared documents and hold meetings online when it suits.",
        "We know how sensitive our information is and where we may store and send it.",
        "We recognise phishing and protect our accounts.",
        "We make sure everyone can use our digital services, and offer another way for people "
        "who are not digital.",
        "We make use of feedback from the people who use our services, and improve the services.",
        "We remove paper and manual steps when there is a better digital way.",
        "We find and take the training we need.",
        "It is clear who leads our digital development, and we have a mandate to drive it.",
        "We have the time and money to develop our work digitally.",
        "We have computers, phones and a network that work where we work.",
    ],
}

# One idea each, with the joining word in an ordinary phrase: the review's suggested wordings.
ONE_IDEA = {
    "sv": [
        "Jag hittar den information jag behöver i våra system och på intranätet.",
        "Jag arbetar i delade dokument i stället för att mejla filer fram och tillbaka.",
        "Jag gör webbtexter tillgängliga, till exempel med rubriker, enkelt språk och text som "
        "beskriver bilder.",
        "Vi får vara med och påverka när nya system införs hos oss.",
        "Innan jag mejlar eller sparar information kontrollerar jag hur känslig den är.",
        "Vi testar nya digitala lösningar tillsammans med dem som ska använda dem.",
        "Jag använder en AI-tjänst (för att sammanfatta och formulera text) som kommunen har "
        "godkänt.",
        "Vi vet vad förvaltningens mål för digitalisering betyder för vårt arbete.",
    ],
    "en": [
        "I find the information I need in our systems and on the intranet.",
        "I work in shared documents instead of mailing files back and forth.",
        "I make web texts accessible, for example with headings, plain language and image "
        "descriptions.",
        "Before I email or save information, I check how sensitive it is.",
        "Our manager drives digital development in our unit.",
    ],
}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_double_barrelled_v1_item_is_flagged(lang: str) -> None:
    missed = [text for text in V1_JOINED[lang] if joined_ideas(text, lang) is None]
    assert missed == []


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_ordinary_phrases_are_not_flagged(lang: str) -> None:
    flagged = {text: joined_ideas(text, lang) for text in ONE_IDEA[lang]}
    assert {t: w for t, w in flagged.items() if w is not None} == {}


def test_the_flag_quotes_the_joining_words() -> None:
    assert joined_ideas("Vi har tid och pengar för att utveckla.", "sv") == "'tid och pengar'"
    assert (
        joined_ideas("Det är tydligt vem som leder, och vi har mandat.", "sv") == "'leder, och vi'"
    )


# ---------------------------------------------------------------- the command


LONG = "Jag " + "läser " * 30 + "noga."  # well over 160 characters, no joining word


def set_text(lang: str, items: str, top: str = "") -> str:
    return (
        f"id: varning\nlang: {lang}\ntitle: Varningar\n{top}"
        "scales:\n  practice:\n    labels: [Aldrig, Ibland, Ofta]\n"
        "steps:\n  - number: 2\n    title: Enkät\n    items:\n" + items
    )


def item(item_id: str, text: str, allow: str = "") -> str:
    lines = f"      - id: {item_id}\n        kind: scale\n        text: {text}\n"
    return lines + (f"        allow: {allow}\n" if allow else "")


def write_pair(tmp_path: Path, items: str, *, twin_items: str | None = None, top: str = "") -> Path:
    sv = tmp_path / "varning.sv.yaml"
    sv.write_text(set_text("sv", items, top), encoding="utf-8")
    (tmp_path / "varning.en.yaml").write_text(
        set_text("en", items if twin_items is None else twin_items), encoding="utf-8"
    )
    return sv


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def test_warnings_name_file_line_and_item_and_exit_zero(tmp_path: Path) -> None:
    items = item("ok", "Jag gör så.") + item("tva", "Jag skriver och läser.") + item("lang", LONG)
    path = write_pair(tmp_path, items)
    result = mognad("validate", str(path))
    assert result.returncode == 0, result.stderr
    joined_line = line_of(path, "Jag skriver och läser")
    long_line = line_of(path, "Jag läser")
    assert (
        f"{path}:{joined_line}: fråga 'tva': varning joined-ideas: Påståendet verkar handla om "
        "två saker på en gång ('skriver och läser')" in result.stderr
    )
    assert f"{path}:{long_line}: fråga 'lang': varning too-long: " in result.stderr
    assert f"{len(LONG)} tecken" in result.stderr
    assert "'ok'" not in result.stderr
    assert "inga fel; varningar: 2" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_warnings_in_english(tmp_path: Path) -> None:
    path = write_pair(tmp_path, item("tva", "Jag skriver och läser."))
    result = mognad("validate", "--lang", "en", str(path))
    assert result.returncode == 0
    assert "question 'tva': warning joined-ideas: The statement seems to be about two things" in (
        result.stderr
    )
    assert "no errors; warnings: 1" in result.stdout


def test_a_statement_of_exactly_the_limit_is_not_too_long(tmp_path: Path) -> None:
    text = "Jag " + "x" * (MAX_STATEMENT - 5) + "."
    assert len(text) == MAX_STATEMENT
    path = write_pair(tmp_path, item("grans", text) + item("over", text[:-1] + "x."))
    warned = [(w.item, w.code) for w in check_file(path).warnings]
    assert warned == [("fråga 'over'", "too-long")]


def test_a_reason_silences_a_warning_and_is_printed(tmp_path: Path) -> None:
    reason = "en lista med exempel, en idé"
    items = item("tva", "Jag skriver och läser.", allow=f'{{joined-ideas: "{reason}"}}')
    items += item("tre", "Jag ritar och målar.")
    path = write_pair(tmp_path, items)
    result = mognad("validate", str(path))
    assert result.returncode == 0
    assert "'tva'" not in result.stderr  # silenced
    assert "fråga 'tre': varning joined-ideas" in result.stderr  # the other one still warns
    line = line_of(path, "Jag skriver och läser")
    assert f"{path}:{line}: fråga 'tva': tystad: joined-ideas, skäl: {reason}" in result.stdout
    en = mognad("validate", "--lang", "en", str(path))
    assert f"question 'tva': silenced: joined-ideas, reason: {reason}" in en.stdout


def test_silencing_one_warning_leaves_the_other(tmp_path: Path) -> None:
    text = "Jag skriver och läser " + "mycket " * 25 + "noga."
    path = write_pair(tmp_path, item("bada", text, allow='{too-long: "citat ur lagen"}'))
    check = check_file(path)
    assert [w.code for w in check.warnings] == ["joined-ideas"]
    assert [(s.code, s.reason) for s in check.silenced] == [("too-long", "citat ur lagen")]


def test_a_set_without_its_translation_is_warned(tmp_path: Path) -> None:
    path = tmp_path / "ensam.sv.yaml"
    path.write_text(set_text("sv", item("a", "Jag gör så.")), encoding="utf-8")
    result = mognad("validate", str(path))
    assert result.returncode == 0
    line = line_of(path, "id: varning")
    assert (
        f"{path}:{line}: frågesetet 'varning': varning no-twin: ensam.en.yaml saknas"
        in result.stderr
    )


def test_twins_with_other_ids_are_warned(tmp_path: Path) -> None:
    path = write_pair(
        tmp_path,
        item("a", "Jag gör så.") + item("b", "Jag gör det."),
        twin_items=item("a", "I do so.") + item("c", "I do it."),
    )
    warnings = check_file(path).warnings
    assert [w.code for w in warnings] == ["no-twin"]
    assert "Bara här: b. Bara i varning.en.yaml: c." in warnings[0].message
    assert (
        check_file(tmp_path / "varning.en.yaml", "en")
        .warnings[0]
        .message.endswith("Only here: c. Only in varning.sv.yaml: b.")
    )


def test_twins_with_the_same_ids_are_quiet(tmp_path: Path) -> None:
    path = write_pair(tmp_path, item("a", "Jag gör så."))
    check = check_file(path)
    assert (check.problems, check.warnings, check.silenced) == ([], [], [])


def test_a_set_level_reason_silences_no_twin(tmp_path: Path) -> None:
    path = tmp_path / "ensam.sv.yaml"
    top = 'allow: {no-twin: "bara för en svensk nämnd"}\n'
    path.write_text(set_text("sv", item("a", "Jag gör så."), top), encoding="utf-8")
    result = mognad("validate", str(path))
    assert result.returncode == 0 and ": varning " not in result.stderr
    assert "tystad: no-twin, skäl: bara för en svensk nämnd" in result.stdout


def test_a_file_name_without_language_is_warned(tmp_path: Path) -> None:
    path = tmp_path / "mitt-set.yaml"
    path.write_text(set_text("sv", item("a", "Jag gör så.")), encoding="utf-8")
    warnings = check_file(path).warnings
    assert [w.code for w in warnings] == ["no-twin"]
    assert "NAMN.sv.yaml" in warnings[0].message and "NAMN.en.yaml" in warnings[0].message


# ---------------------------------------------------------------- the allow field


def test_allow_loads_onto_question_and_set(tmp_path: Path) -> None:
    top = 'allow: {no-twin: "bara på svenska"}\n'
    items = item("tva", "Jag skriver och läser.", allow='{joined-ideas: "en sak"}')
    path = write_pair(tmp_path, items, top=top)
    qset = load_question_set_file(path)
    assert qset.allow == {"no-twin": "bara på svenska"}
    question = qset.question("tva")
    assert question is not None and question.allow == {"joined-ideas": "en sak"}
    hash(question)  # frozen items stay hashable with a dict on them
    # A session's frozen copy keeps what participants answer; the author's reasons stay in
    # the YAML, and the copy still reads back.
    copy = QuestionSet.from_dict(qset.to_dict())
    assert copy.question("tva") is not None and copy.question("tva").text == question.text


@pytest.mark.parametrize(
    ("allow", "sv_words", "en_words"),
    [
        ('{two-ideas: "skäl"}', "'two-ideas' är ingen varning", "'two-ideas' is not a warning"),
        ('{no-twin: "skäl"}', "'no-twin' är ingen varning", "'no-twin' is not a warning"),
        ('{joined-ideas: ""}', "Skälet att tysta 'joined-ideas' saknas", "reason for silencing"),
        ("{joined-ideas: }", "Skälet att tysta 'joined-ideas' saknas", "reason for silencing"),
        ('{too-long: "   "}', "Skälet att tysta 'too-long' saknas", "reason for silencing"),
        ("{too-long: 7}", "'too-long' ska vara en text", "'too-long' must be text"),
        ("joined-ideas", "'allow' ska vara nycklar med värden", "'allow' must be keys"),
    ],
)
def test_a_bad_allow_is_an_error_with_its_line(
    tmp_path: Path, allow: str, sv_words: str, en_words: str
) -> None:
    path = write_pair(tmp_path, item("a", "Jag skriver och läser.", allow=allow))
    line = line_of(path, "allow:")
    result = mognad("validate", str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{path}:{line}: fråga 'a': " in result.stderr and sv_words in result.stderr
    assert ": varning " not in result.stderr  # a broken file gets errors, not advice
    en = mognad("validate", "--lang", "en", str(path))
    assert en.returncode == 1 and en_words in en.stderr


def test_set_level_allow_refuses_item_codes(tmp_path: Path) -> None:
    path = write_pair(tmp_path, item("a", "Jag gör så."), top='allow: {joined-ideas: "x"}\n')
    problems = check_file(path).problems
    assert len(problems) == 1 and problems[0].line == line_of(path, "allow:")
    assert "Här går det att tysta: no-twin" in problems[0].message


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_built_in_set_passes_validate_with_only_reasoned_silences(lang: str) -> None:
    """The set a facilitator starts from must pass its own author checks: no error, no warning,
    and every silenced warning carries the written reason the validator prints."""
    import mognad_tui

    path = Path(mognad_tui.__file__).parent / "question_sets" / f"digital-mognad.{lang}.yaml"
    check = check_file(path)
    assert check.problems == [] and check.warnings == []
    assert check.silenced and all(a.reason and len(a.reason) > 20 for a in check.silenced)
