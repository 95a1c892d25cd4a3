"""Fixtures of the web tests (the harness itself lives in ``web_harness``)."""

from web_harness import live, make_live, paced

__all__ = ["live", "make_live", "paced"]
