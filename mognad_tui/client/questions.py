"""Reading the questions the participant API sends (``mognad_tui.payloads``), tolerant of what
an older or newer server adds or leaves out, so the terminal client and the simulator read them
the same way. Only fields the server sends are read: the payloads module declares them."""

from __future__ import annotations

from typing import Any

from mognad_tui.model import DONT_KNOW, MAX_FREE_TEXT, Kind
from mognad_tui.payloads import QuestionPayload, StatePayload

DEFAULT_DOTS = 3
#: The kinds whose answer is one option (``Kind.one_choice``), as the API spells them.
ONE_CHOICE = frozenset(k.value for k in Kind if k.one_choice)


def qid(question: QuestionPayload) -> str:
    return str(question.get("id", ""))


def kind(question: QuestionPayload) -> str:
    return str(question.get("kind", "single"))


def options(question: QuestionPayload) -> list[tuple[Any, str]]:
    """``(value, label)`` pairs in the server's order; an option without a label reads as its
    value, and anything that is not an option object is left out."""
    out = []
    for option in question.get("options") or []:
        if isinstance(option, dict) and "value" in option:
            out.append((option["value"], str(option.get("label", option["value"]))))
    return out


def text_limit(question: QuestionPayload) -> int:
    value = question.get("max_length")
    return value if isinstance(value, int) and value > 0 else MAX_FREE_TEXT


def dots_total(question: QuestionPayload) -> int:
    value = question.get("dots")
    return value if isinstance(value, int) and value > 0 else DEFAULT_DOTS


def is_dont_know(value: Any) -> bool:
    return value == DONT_KNOW


def describe(question: QuestionPayload, value: Any, nothing: str = "-") -> str:
    """An answer as the person would say it: the option labels rather than the values."""
    labels = {str(v): label for v, label in options(question)}
    if isinstance(value, list):
        return ", ".join(labels.get(str(v), str(v)) for v in value) or nothing
    if isinstance(value, dict):
        parts = [f"{labels.get(str(k), str(k))}: {n}" for k, n in value.items() if n]
        return ", ".join(parts) or nothing
    if value is None or value == "":
        return nothing
    return labels.get(str(value), str(value))


def is_self_paced(state: StatePayload) -> bool:
    """Whether the meeting runs at each person's own pace (the survey before the meeting)."""
    return bool(state.get("self_paced"))
