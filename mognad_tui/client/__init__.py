"""The participant's side, out of a browser: a client of the participant HTTP API, the
terminal answerer (``mognad answer``) and simulated phones (``mognad simulate``, the demo, the
benchmarks). It talks to the meeting only over HTTP, like a phone, so it imports no other face,
no store and no meeting."""

from mognad_tui.client.api import ApiError, JoinUrl, ParticipantClient, SseEvent, parse_join_url

__all__ = ["ApiError", "JoinUrl", "ParticipantClient", "SseEvent", "parse_join_url"]
