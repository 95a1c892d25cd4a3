"""``o``: the results overview after the survey.

Every dimension as a bar of its mean with its spread (a sparkline of the answers' histogram),
the strongest and weakest dimensions, the items where the group disagrees most ("någon här kan
lära de andra") and the priority gaps (low score, high importance). All figures come from
``results.overview``; the computation runs in a thread worker on a plain copy of the session,
so a large session never freezes the screen. ``s`` saves the screen as an SVG in the session's
folder.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Label, Sparkline, Static

from mognad_tui import results
from mognad_tui.i18n import format_number
from mognad_tui.meeting import AnswerRefused, Change, Meeting
from mognad_tui.model import SessionRecord
from mognad_tui.tui.base import Localized
from mognad_tui.tui.distribution import bar
from mognad_tui.tui.header import TopBar
from mognad_tui.tui.messages import MeetingChanged, Say

TITLE_WIDTH = 32


class DimensionRow(Horizontal):
    """One dimension: title, a bar of its mean, the mean, its spread, and a tag."""

    def __init__(
        self, dim: results.DimensionResult, tags: list[str], lang: str, too_few: str, bar_width: int
    ):
        super().__init__(classes="dim-row")
        self.bar_width = bar_width
        self.dim = dim
        self.tags = tags
        self.lang = lang
        self.too_few = too_few

    def compose(self) -> ComposeResult:
        yield Label(Content(self.dim.title), classes="dim-title")
        if self.dim.shown and self.dim.score is not None and self.dim.scale:
            low, high = self.dim.scale
            fraction = (self.dim.score - low) / (high - low) if high > low else 1.0
            yield Static(
                Content.assemble((bar(fraction, self.bar_width), "$accent")), classes="dim-bar"
            )
            yield Label(
                Content(format_number(self.dim.score, self.lang, decimals=1)), classes="dim-mean"
            )
            yield Sparkline(list(self.dim.histogram or ()), classes="dim-spark")
            yield Label(Content(" ".join(self.tags)), classes="dim-tag")
        else:
            yield Label(Content(self.too_few), classes="dim-too-few")


class OverviewScreen(Localized, Screen[None]):
    BINDINGS = [
        Binding("escape,o", "close", "key.back"),
        Binding("s", "save_svg", "key.save_svg"),
    ]

    def __init__(self, meeting: Meeting, *, session_dir: Path | None = None) -> None:
        super().__init__(id="overview")
        self.meeting = meeting
        self.session_dir = session_dir
        self.overview: results.Overview | None = None

    def compose(self) -> ComposeResult:
        yield TopBar(id="top")
        with VerticalScroll(id="overview-body"):
            yield Label(self.t("overview.title"), classes="screen-title", markup=False)
            yield Label(self.t("overview.loading"), id="overview-participants", markup=False)
            yield VerticalScroll(id="overview-dims")
            yield Static(id="overview-highlights")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(TopBar).set_title(self.meeting.info.title, self.t("overview.title"))
        self.recompute()

    def recompute(self) -> None:
        self._keep_then_compute()

    @work(exclusive=True, group="overview-keep", exit_on_error=False)
    async def _keep_then_compute(self) -> None:
        """The overview shows every question: the meeting keeps those showings first (no two
        showings of a question may differ by fewer answers than the threshold)."""
        with contextlib.suppress(AnswerRefused):  # a full disk: only what was kept is shown
            await self.meeting.remember_shown()
        self._compute(self.meeting.record())

    @work(thread=True, exclusive=True, group="overview")
    def _compute(self, record: SessionRecord) -> None:
        overview = results.overview(record)
        self.app.call_from_thread(self._show, overview)

    async def _show(self, overview: results.Overview) -> None:
        self.overview = overview
        lang = self.mognad.lang
        self.query_one("#overview-participants", Label).update(
            Content(
                self.t(
                    "overview.participants", n=overview.participants, threshold=overview.threshold
                )
            )
        )
        strongest = {d.id for d in overview.strongest}
        weakest = {d.id for d in overview.weakest}
        rows: list[DimensionRow] = []
        for dim in overview.dimensions:
            tags = []
            if dim.id in strongest:
                tags.append(self.t("overview.strongest"))
            if dim.id in weakest:
                tags.append(self.t("overview.weakest"))
            if (
                dim.shown
                and dim.disagreement is not None
                and dim.disagreement >= results.DISAGREEMENT_MIN
            ):
                tags.append(self.t("overview.disagree"))
            bar_width = 10 if self.size.width < 110 else 20
            rows.append(DimensionRow(dim, tags, lang, self.t("overview.too_few"), bar_width))
        dims = self.query_one("#overview-dims", VerticalScroll)
        await dims.remove_children()
        header = Horizontal(
            Label(self.t("overview.dimension"), classes="dim-title", markup=False),
            Label("", classes="dim-bar"),
            Label(self.t("overview.mean"), classes="dim-mean", markup=False),
            Label(self.t("overview.spread"), classes="dim-spark", markup=False),
            classes="dim-row dim-head",
        )
        await dims.mount_all([header, *rows])
        self.query_one("#overview-highlights", Static).update(self._highlights(overview))

    def _highlights(self, overview: results.Overview) -> Content:
        parts: list[tuple[str, str] | str] = []
        if not any(d.shown for d in overview.dimensions):
            parts.append(self.t("overview.empty", threshold=overview.threshold) + "\n")
        # Ranked within each part (practice and agreement are different scales); the part is
        # named only when the set has more than one.
        named = len(overview.ranking) > 1
        for ranking in overview.ranking:
            for key, dims in (("strongest", ranking.strongest), ("weakest", ranking.weakest)):
                if not dims:
                    continue
                names = ", ".join(d.title for d in dims)
                line = (
                    self.t(f"overview.{key}_part_line", part=ranking.part, names=names)
                    if named
                    else self.t(f"overview.{key}_line", names=names)
                )
                parts.append((line + "\n", "bold"))
        parts.append("\n")
        parts.append((self.t("overview.disagreements") + "\n", "bold $text-warning"))
        if overview.disagreements:
            for r in overview.disagreements:
                parts.append("  • " + r.question.text + "\n")
        else:
            parts.append(("  " + self.t("overview.no_disagreements") + "\n", "dim"))
        parts.append("\n")
        parts.append((self.t("overview.gaps") + "\n", "bold $text-accent"))
        if overview.gaps:
            for gap in overview.gaps:
                parts.append("  • " + gap.item.question.text + "\n")
        else:
            parts.append(("  " + self.t("overview.no_gaps") + "\n", "dim"))
        return Content.assemble(*parts)

    @on(MeetingChanged)
    def _meeting_changed(self, message: MeetingChanged) -> None:
        if message.touches(Change.VOTING, Change.COUNT, Change.SETTINGS, Change.POLL):
            self.recompute()

    def action_close(self) -> None:
        self.dismiss()

    def action_save_svg(self) -> None:
        folder = self.session_dir or Path.cwd()
        stamp = self.mognad.clock().strftime("%Y%m%d-%H%M%S")
        name = f"resultat-{stamp}.svg" if self.mognad.lang == "sv" else f"results-{stamp}.svg"
        try:
            path = self.app.save_screenshot(filename=name, path=str(folder))
        except OSError as exc:
            self.post_message(Say(self.t("overview.save_failed", error=str(exc)), "error"))
            return
        self.post_message(Say(self.t("overview.saved_svg", path=path)))
