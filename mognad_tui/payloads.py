"""The participant API's payloads, declared once (docs/participant-api.md is the contract).

The web face builds them (``web/views.py``, ``web/app.py``, ``web/events.py``) and the terminal
client and the simulated phones read them (``client/``). Declared here, below both faces, so
the two sides name the same fields: a field the client reads must be one the server sends
(tests/test_payloads.py checks both sides against these declarations). TypedDicts cost nothing
at run time: the JSON stays plain dicts, and a newer or older server may add fields.
"""

from typing import Any, Literal, NotRequired, TypedDict


class OptionPayload(TypedDict):
    value: int | str
    label: str


class QuestionPayload(TypedDict):
    """An open question in ``GET /api/CODE/state``'s ``open``."""

    id: str
    kind: str  # a ``model.Kind`` value
    text: str
    options: NotRequired[list[OptionPayload]]  # every kind but text
    dots: NotRequired[int]  # dots: how many each person spends
    max_length: NotRequired[int]  # text
    dimension: NotRequired[str]
    dimension_title: NotRequired[str]
    importance_of: NotRequired[str]  # a "how important?" companion: the item it belongs to


class DistributionRow(TypedDict):
    value: int | str
    label: str
    count: int
    share: float


class ResultPayload(TypedDict):
    """A revealed result in ``revealed``: only ``n`` below the anonymity threshold."""

    id: str
    kind: str
    text: str
    n: int
    shown: bool
    distribution: NotRequired[list[DistributionRow]]
    median: NotRequired[float]
    mean: NotRequired[float]
    spread: NotRequired[float]
    all_alike: NotRequired[bool]
    disagrees: NotRequired[bool]
    dont_know: NotRequired[int]
    texts: NotRequired[list[str]]


class StatePayload(TypedDict):
    """``GET /api/CODE/state``."""

    open: list[QuestionPayload]
    answered: dict[str, Any]  # this device's answers to the open questions, by id
    revealed: list[ResultPayload]
    current: str | None
    self_paced: bool
    lang: str
    device_lang: str
    title: str


class AnswerPayload(TypedDict):
    """The body of ``POST /api/CODE/answers``."""

    question: str
    value: Any


class AnswerAccepted(TypedDict):
    """The answer to it once the answer is on disk."""

    ok: Literal[True]


class ErrorPayload(TypedDict):
    """Every refusal of the API: a stable code and a sentence in the device's language."""

    error: str
    message: str


class UpdatePayload(TypedDict):
    """The data of an ``update`` server-sent event: only "look again", never an answer."""

    kind: str
    question: str | None
