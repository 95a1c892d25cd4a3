"""The participant API's payloads are declared once (``mognad_tui.payloads``), and both sides
keep to the declaration: the real server sends exactly the declared fields, and the terminal
client and the simulator read no field the server does not send."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

from test_web_api import open_stream, read_until
from web_harness import Live

import mognad_tui.client
from mognad_tui import payloads
from mognad_tui.model import Kind, Voting


def assert_fits(data: dict[str, Any], declared: Any) -> None:
    """Every field sent is declared, and every required one is sent."""
    assert set(data) <= set(declared.__annotations__), (declared.__name__, sorted(data))
    assert declared.__required_keys__ <= set(data), (declared.__name__, sorted(data))


def test_the_server_sends_the_declared_payloads(paced: Live) -> None:
    live = paced
    for kind, options in ((Kind.TEXT, []), (Kind.MULTIPLE, ["A", "B"]), (Kind.DOTS, ["X", "Y"])):
        live.call(live.meeting.add_poll("Fråga", kind, options, dots=2))
    phones = [live.device() for _ in range(3)]
    state = phones[0].state()
    assert_fits(state, payloads.StatePayload)
    assert {q["kind"] for q in state["open"]} == {k.value for k in Kind}
    for question in state["open"]:
        assert_fits(question, payloads.QuestionPayload)
        for option in question.get("options", []):
            assert_fits(option, payloads.OptionPayload)

    scale = next(q["id"] for q in state["open"] if q["kind"] == "scale")
    sock = open_stream(live)
    try:
        for n, phone in enumerate(phones, 1):
            reply = phone.answer(scale, n)
            assert reply.status == 200
            assert_fits(reply.json(), payloads.AnswerAccepted)
        live.set_voting(scale, Voting.REVEALED)
        data = read_until(sock, b'"kind":"voting"')
    finally:
        sock.close()
    update = next(line for line in data.decode().splitlines() if line.startswith("data: "))
    assert_fits(json.loads(update.removeprefix("data: ")), payloads.UpdatePayload)

    (revealed,) = phones[0].state()["revealed"]
    assert revealed["shown"] and revealed["distribution"]
    assert_fits(revealed, payloads.ResultPayload)
    for row in revealed["distribution"]:
        assert_fits(row, payloads.DistributionRow)

    refused = phones[0].answer("no-such-question", 1)
    assert refused.status == 404
    assert_fits(refused.json(), payloads.ErrorPayload)


def _fields_read(source: str) -> set[str]:
    """String keys read with ``x["key"]`` or ``x.get("key")`` (not environment or headers)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            found.add(node.slice.value)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and ast.unparse(node.func.value) not in ("os.environ", "resp.headers")
        ):
            found.add(node.args[0].value)
    return found


def test_the_client_reads_only_fields_the_server_sends() -> None:
    declared = {
        field
        for shape in vars(payloads).values()
        if isinstance(shape, type) and hasattr(shape, "__required_keys__")
        for field in shape.__annotations__
    }
    folder = Path(mognad_tui.client.__file__).parent
    read = {
        (path.name, field)
        for path in sorted(folder.glob("*.py"))
        for field in _fields_read(path.read_text(encoding="utf-8"))
    }
    assert read, "the scan found nothing: it no longer sees how the client reads fields"
    assert {(name, field) for name, field in read if field not in declared} == set()
