"""The participants' face: a small web page and JSON API for phones on the office Wi-Fi.

``WebServer`` runs it on the caller's loop (inside the terminal app); ``serve_headless`` runs it
alone until a signal (``mognad serve``). See docs/participant-api.md for the API.
"""

from mognad_tui.web.server import DEFAULT_PORT, WebServer, lan_address, serve_headless

__all__ = ["DEFAULT_PORT", "WebServer", "lan_address", "serve_headless"]
