"""Server-sent events: the phones follow the facilitator without polling.

One subscription to the meeting fans out to every open stream. The meeting calls listeners
synchronously on the loop, so the hub only drops a ready-made frame into each stream's bounded
queue; a phone that falls behind loses frames rather than slowing the meeting, which is harmless
because every frame only says "look again" and the page then fetches its view afresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import json

from mognad_tui.meeting import Event, Meeting
from mognad_tui.model import Voting

#: Meeting events that change what a phone shows. ``count`` and ``moderation`` matter only for
#: a revealed question (a tally typed in, a text approved); forwarding them while a question is
#: open would tell the room the moment someone answered.
FORWARDED = frozenset({"voting", "agenda", "poll", "settings"})
WHEN_REVEALED = frozenset({"count", "moderation"})
#: Frames queued per stream before further ones are dropped (each only says "refresh").
QUEUE_SIZE = 8
#: Open streams the server keeps at once; more are refused with 429. A room is 3 to 30 phones;
#: the tested room limit is 1,000 (bench/streams.py holds 1,000 in about 70 MB).
MAX_STREAMS = 2000


class EventHub:
    """Turns meeting events into SSE frames for every connected phone."""

    def __init__(self, meeting: Meeting):
        self.meeting = meeting
        self._streams: set[asyncio.Queue[bytes | None]] = set()
        self._unsubscribe = None
        self.closed = False

    def start(self) -> None:
        if self._unsubscribe is None:
            self._unsubscribe = self.meeting.subscribe(self.on_event)
            self.closed = False

    def close(self) -> None:
        """Stop listening and end every stream (the server is shutting down)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.closed = True
        for queue in list(self._streams):
            _offer(queue, None, force=True)

    @property
    def count(self) -> int:
        return len(self._streams)

    def open(self) -> asyncio.Queue[bytes | None] | None:
        """A new stream's queue, or ``None`` when the server is full or closing."""
        if self.closed or len(self._streams) >= MAX_STREAMS:
            return None
        queue: asyncio.Queue[bytes | None] = asyncio.Queue(QUEUE_SIZE)
        self._streams.add(queue)
        return queue

    def release(self, queue: asyncio.Queue[bytes | None]) -> None:
        self._streams.discard(queue)

    def on_event(self, event: Event) -> None:
        if event.kind in WHEN_REVEALED:
            if not event.question or self.meeting.voting(event.question) is not Voting.REVEALED:
                return
        elif event.kind not in FORWARDED:
            return
        self.publish(frame("update", {"kind": event.kind, "question": event.question}))

    def publish(self, data: bytes) -> None:
        for queue in list(self._streams):
            _offer(queue, data)


def frame(event: str, data: dict[str, object]) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"event: {event}\ndata: {payload}\n\n".encode()


def _offer(queue: asyncio.Queue[bytes | None], item: bytes | None, *, force: bool = False) -> None:
    if force:
        while queue.full():
            queue.get_nowait()
    with contextlib.suppress(asyncio.QueueFull):
        queue.put_nowait(item)
