"""Anonymity audit: after a real session over HTTP, nothing on disk or in any export can tell
who answered, from where, with what, when, or which answers belong together.

METHOD.md: "Nothing that identifies a person is stored: no IP address, no user agent, no
per-answer time stamp beside the answer; the token that stops double voting is kept apart from
the answers." Participants must be able to trust that, so this test does not reason about the
code: it runs ``mognad serve`` (self-paced), lets devices with a distinctive user agent answer
every kind of question over real HTTP in a known order, approves the free texts as the
facilitator would, exports every format (Markdown with charts, JSON, CSV), and then reads every
byte of the session folder and of every export, looking for:

- IP addresses: ``127.0.0.1`` (the devices' address), any dotted quad, any IPv6 address;
- the user agent (``AuditAgent/9.9``) and aiohttp's own;
- the device tokens (the cookie values, also as hex) and the page's CSRF tokens;
- time stamps: ISO date-times, times of day, epoch seconds or milliseconds near now. Allowed:
  the session's creation *date* (``info.created`` in ``session.json``, ``session.created`` in
  the JSON export, the date in the Markdown heading), which says when the group met, not when
  anyone answered;
- links between one device's answers: answer records are exactly ``{q, k, v}``, no slot ``k``
  is shared between two records, each device's slot differs per question, and the order of
  answers in the files (after the server stopped) follows neither the arrival order nor the
  same device order from one question to the next.
"""

from __future__ import annotations

import asyncio
import base64
import csv
import io
import ipaddress
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from test_campaign_crash import ROOT, Phone, ServeProcess, assert_no_traceback, mognad

from mognad_tui.meeting import Meeting
from mognad_tui.model import Kind, Question
from mognad_tui.store import SessionStore

USER_AGENT = "AuditAgent/9.9"
QUESTION_SET = ROOT / "tests" / "data" / "question_sets" / "valid-small.sv.yaml"
DEVICES = 7
#: Free texts in arrival order; deliberately not alphabetical, so a sort cannot pass for it.
TEXTS = [
    "Mjölken tar slut i fikarummet",
    "Apelsiner vore bra på fredagar",
    "Zebrarandiga mappar hjälper inte",
    "Båten till ön går för sällan",
    "Kaffet är bättre än i fjol",
    "Ödmjukhet när tekniken krånglar",
    "Dokumenten borde delas, inte mejlas",
]

IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
IPV6_CANDIDATE = re.compile(r"(?<![0-9A-Za-z:.])[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")
ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}")
TIME_OF_DAY = re.compile(r"(?<![\d:])\d{1,2}:\d{2}:\d{2}(?![\d:])")
ISO_DATE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")
NUMBER = re.compile(r"(?<![\d.])\d{10,13}(?:\.\d+)?(?![\d.])")


def value_for(question: Question, n: int) -> Any:
    """Device ``n``'s answer: spread over the options, so orders can be told apart."""
    values = [o.value for o in question.options]
    if question.kind in (Kind.SCALE, Kind.SINGLE):
        return values[n % len(values)]
    if question.kind is Kind.MULTIPLE:
        return [values[n % len(values)], values[(n * 2 + 1) % len(values)]]
    if question.kind is Kind.DOTS:
        return {str(values[n % len(values)]): 1 + n % question.dots}
    return TEXTS[n]


def files_under(*roots: Path) -> list[Path]:
    return sorted(p for root in roots for p in ([root] if root.is_file() else root.rglob("*")))


def findings(text: str, created: str, secrets_: list[str]) -> list[str]:
    """Everything in ``text`` that could identify a device or a moment of answering."""
    found: list[str] = []
    for match in IPV4.finditer(text):
        parts = match.group(0).split(".")
        if all(int(p) <= 255 for p in parts):
            found.append(f"IPv4 {match.group(0)}")
    for match in IPV6_CANDIDATE.finditer(text):
        candidate = match.group(0).strip(":.") if "::" not in match.group(0) else match.group(0)
        try:
            ipaddress.IPv6Address(candidate)
        except ValueError:
            continue
        found.append(f"IPv6 {candidate}")
    for agent in (USER_AGENT, "AuditAgent", "aiohttp", "Python/3"):
        if agent in text:
            found.append(f"user agent {agent}")
    for secret in secrets_:
        if secret in text:
            found.append(f"device secret {secret[:8]}...")
    for match in ISO_DATETIME.finditer(text):
        found.append(f"date-time {match.group(0)}")
    for match in TIME_OF_DAY.finditer(text):
        found.append(f"time of day {match.group(0)}")
    for match in ISO_DATE.finditer(text):
        if match.group(0) != created:
            found.append(f"date {match.group(0)}")
    now = time.time()
    for match in NUMBER.finditer(text):
        number = float(match.group(0))
        for scale in (1, 1000, 1_000_000):
            if abs(number / scale - now) < 3 * 86400:
                found.append(f"epoch time {match.group(0)}")
    return found


async def run_session(data_dir: Path, name: str) -> tuple[list[Phone], list[str], list[str]]:
    """Devices join, then answer every question one after the other in device order."""
    server = ServeProcess(data_dir, name)
    phones = [Phone(USER_AGENT) for _ in range(DEVICES)]
    csrf: list[str] = []
    try:
        await asyncio.to_thread(server.wait_url)
        for phone in phones:
            await phone.join(server.base, server.code)
            async with phone.session.get(f"{server.base}/j/{server.code}") as resp:
                page = await resp.text()
            match = re.search(r'name="csrf" value="([^"]+)"', page)
            if match:
                csrf.append(match.group(1))
        open_ids = [q["id"] for q in (await phones[0].state(server.base, server.code))["open"]]
        with SessionStore.open(data_dir / name, readonly=True) as store:
            questions = [store.question_set.question(qid) for qid in open_ids]
        for question in questions:
            assert question is not None
            for n, phone in enumerate(phones):
                status, body = await phone.answer(
                    server.base, server.code, question.id, value_for(question, n)
                )
                assert (status, body) == (200, {"ok": True}), (question.id, status, body)
        # One device changes its mind: the journal then holds a replacement too.
        status, _ = await phones[2].answer(
            server.base, server.code, questions[0].id, value_for(questions[0], 3)
        )
        assert status == 200
        assert server.stop() == 0, server.output
        assert_no_traceback(server.output)
    finally:
        server.kill()
        for phone in phones:
            await phone.close()
    return phones, csrf, open_ids


@pytest.mark.timeout(120)
async def test_nothing_identifies_a_device(tmp_path: Path) -> None:
    data_dir = tmp_path / "sessions"
    created = mognad("new", "--name", "Revision", "--set", str(QUESTION_SET), data_dir=data_dir)
    assert created.returncode == 0, created.stderr
    name = created.stdout.strip()
    folder = data_dir / name
    phones, csrf, open_ids = await run_session(data_dir, name)
    tokens = [p.token for p in phones]
    assert all(tokens) and len(set(tokens)) == DEVICES
    assert len(csrf) == DEVICES

    # The facilitator approves every free text (as in the moderation view), then closes.
    with SessionStore.open(folder) as store:
        meeting = Meeting(store)
        text_questions = [q for q in store.question_set.survey if q.kind is Kind.TEXT]
        for q in text_questions:
            for text in meeting.pending_texts(q.id):
                await meeting.moderate(q.id, text, True)
        created_date = store.info.created
        secret = store.secret

    exports = tmp_path / "exports"
    for args in (
        ("--format", "md", "-o", str(exports / "plan.md")),
        ("--format", "md", "--charts", "-o", str(exports / "charts" / "plan.md")),
        ("--format", "json", "-o", str(exports / "plan.json")),
        ("--format", "csv", "-o", str(exports / "plan.csv")),
    ):
        done = mognad("export", name, *args, data_dir=data_dir)
        assert done.returncode == 0, done.stderr
        assert_no_traceback(done.stderr)

    # Nothing beside the session in the data folder; whatever the session folder holds is
    # scanned below, byte by byte.
    assert sorted(p.name for p in data_dir.iterdir()) == [name]
    scanned = files_under(folder, exports)
    assert any(p.suffix == ".svg" for p in scanned) and len(scanned) >= 8

    # 1-4: addresses, user agents, tokens, time stamps, in every byte of every file.
    secrets_ = [t for t in tokens if t] + csrf
    for token in tokens:
        assert token
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        secrets_ += [raw.hex(), raw.hex().upper()]
    secrets_.append(secret.hex())  # the session secret stays in session.json only
    report: dict[str, list[str]] = {}
    for path in scanned:
        if path.is_dir():
            continue
        text = path.read_bytes().decode("utf-8", "replace")
        allowed_secret = path.name == "session.json"
        found = findings(text, created_date, secrets_[:-1] if allowed_secret else secrets_)
        if found:
            report[str(path.relative_to(tmp_path))] = found
    assert not report, json.dumps(report, indent=1, ensure_ascii=False)

    # 5: nothing links one device's answers across questions.
    snapshot = json.loads((folder / "session.json").read_text(encoding="utf-8"))
    answers = snapshot["tables"]["answers"]
    records = [answers[k] for k in sorted(answers, key=int)]
    assert records and all(set(r) == {"q", "k", "v"} for r in records), records[:3]
    slots = [r["k"] for r in records]
    assert len(slots) == len(set(slots)), "one slot under two answers links them"
    journal = (folder / "journal.log").read_bytes().splitlines()
    assert len(journal) == 1, "after a clean stop the journal is folded away"

    with SessionStore.open(folder, readonly=True) as store:
        meeting = Meeting(store)
        device_of: dict[tuple[str, str], int] = {}
        for n, token in enumerate(tokens):
            assert token
            mine = [meeting.slot(token, qid) for qid in open_ids]
            assert len(set(mine)) == len(mine), "a device's slots must differ per question"
            assert token not in mine
            for qid, slot in zip(open_ids, mine, strict=True):
                device_of[(qid, slot)] = n
    assert set(device_of) == {(r["q"], r["k"]) for r in records}

    # 6: the stored order is not the arrival order (device 0, 1, 2...), and a device does not
    # sit at the same place in every question (which would link its answers by position).
    arrival = list(range(DEVICES))
    orders = {qid: [device_of[(qid, r["k"])] for r in records if r["q"] == qid] for qid in open_ids}
    assert all(len(order) == DEVICES for order in orders.values()), orders
    assert all(order != arrival for order in orders.values()), orders
    assert len({tuple(order) for order in orders.values()}) > 1, orders

    # The exports list free texts in neither arrival nor device order either.
    exported = json.loads((exports / "plan.json").read_text(encoding="utf-8"))
    by_id = {q["id"]: q for q in exported["questions"]}
    for q in text_questions:
        listed = by_id[q.id]["answers"]
        assert sorted(listed) == sorted(TEXTS), listed
        assert listed != TEXTS, "the JSON export lists free texts in arrival order"
    markdown = (exports / "plan.md").read_text(encoding="utf-8")
    positions = [markdown.find(text) for text in TEXTS]
    assert all(p >= 0 for p in positions), "approved texts belong in the plan"
    assert positions != sorted(positions), "the plan lists free texts in arrival order"
    raw_text = (exports / "plan-answers.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw_text), delimiter=";" if ";" in raw_text else ","))
    # question, value, below-threshold mark: no respondent column, and the mark is the same for
    # every answer to a question, so it tells nothing about one answer.
    assert all(len(row) == 3 for row in rows), rows[:3]
    marks: dict[str, set[str]] = {}
    for qid, _, mark in rows[1:]:
        marks.setdefault(qid, set()).add(mark)
    assert all(len(m) == 1 for m in marks.values()), marks
    csv_texts = [value for qid, value, _ in rows if qid == "q-text"]
    assert sorted(csv_texts) == sorted(TEXTS) and csv_texts != TEXTS, csv_texts
