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
from collections.abc import Mapping

from mognad_tui.meeting import Change, Event, Meeting
from mognad_tui.model import Voting
from mognad_tui.payloads import UpdatePayload
from mognad_tui.web.connections import FairShare, address_key

#: Meeting events that change what a phone shows. ``count`` and ``moderation`` matter only for
#: a revealed question (a tally typed in, a text approved); forwarding them while a question is
#: open would tell the room the moment someone answered.
FORWARDED = frozenset({Change.VOTING, Change.AGENDA, Change.POLL, Change.SETTINGS})
WHEN_REVEALED = frozenset({Change.COUNT, Change.MODERATION})
#: Frames queued per stream before further ones are dropped (each only says "refresh").
QUEUE_SIZE = 8
#: Open streams the server keeps at once. A room is 3 to 30 phones; the tested room limit is
#: 1,000 (bench/streams.py holds 1,000 in about 70 MB). One address may hold them all while
#: nobody else wants one; when they are all taken, a stream from an address holding less than
#: its fair share (MAX_STREAMS / addresses) ends the oldest stream of the busiest address, and
#: any other new stream is refused with 429. A room of 300 behind one address therefore keeps
#: its streams unless more than six addresses each fill a share (2,000 / 7 > 285 is the least
#: any of them keeps).
MAX_STREAMS = 2000


class EventHub:
    """Turns meeting events into SSE frames for every connected phone."""

    def __init__(self, meeting: Meeting):
        self.meeting = meeting
        self._streams: FairShare[asyncio.Queue[bytes | None]] = FairShare(MAX_STREAMS)
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
        for queue in self._streams:
            _offer(queue, None, force=True)

    @property
    def count(self) -> int:
        return len(self._streams)

    def count_from(self, address: str | None) -> int:
        return self._streams.count(address_key(address))

    def open(self, address: str | None = None) -> asyncio.Queue[bytes | None] | None:
        """A new stream's queue for a device at ``address``, or ``None`` when the streams are
        all taken fairly or the server is closing."""
        if self.closed:
            return None
        key = address_key(address)
        self._streams.capacity = MAX_STREAMS  # read at each open, so tests may lower it
        if self._streams.full():
            oldest = self._streams.victim_for(key)
            if oldest is None:
                return None
            _offer(oldest, None, force=True)  # its handler ends the stream; the browser retries
        queue: asyncio.Queue[bytes | None] = asyncio.Queue(QUEUE_SIZE)
        self._streams.add(key, queue)
        return queue

    def release(self, queue: asyncio.Queue[bytes | None]) -> None:
        self._streams.remove(queue)

    def on_event(self, event: Event) -> None:
        if event.kind in WHEN_REVEALED:
            if not event.question or self.meeting.voting(event.question) is not Voting.REVEALED:
                return
        elif event.kind not in FORWARDED:
            return
        update: UpdatePayload = {"kind": event.kind.value, "question": event.question}
        self.publish(frame("update", update))

    def publish(self, data: bytes) -> None:
        for queue in self._streams:
            _offer(queue, data)


def frame(event: str, data: Mapping[str, object]) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"event: {event}\ndata: {payload}\n\n".encode()


def _offer(queue: asyncio.Queue[bytes | None], item: bytes | None, *, force: bool = False) -> None:
    if force:
        while queue.full():
            queue.get_nowait()
    with contextlib.suppress(asyncio.QueueFull):
        queue.put_nowait(item)
