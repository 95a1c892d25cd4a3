"""Exports of a session: Markdown for the operational plan, JSON, CSV and SVG charts.

Every figure comes from :mod:`mognad_tui.results`; every text typed in the room goes through
:mod:`mognad_tui.export.escape`. The CLI reads the session with the store and hands a
``SessionRecord`` here, so an export never touches the live session.
"""
