"""The agenda: the method's four steps and their items, and the quick polls under their own
heading, with the current item highlighted and each question's voting state marked.

Labels and positions ("Steg 2 av 4", "Fråga 3 av 27", "2.3") are computed here once so the
header, the centre and the command palette number items the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.reactive import var
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from mognad_tui.meeting import POLL_STEP, AgendaEntry, Meeting
from mognad_tui.model import Prompt, Question, Voting
from mognad_tui.schedule import MeetingPlan
from mognad_tui.tui.base import Localized
from mognad_tui.tui.catalog import T
from mognad_tui.tui.messages import GoTo


@dataclass(frozen=True)
class Position:
    """Where an item sits: its step, its number among the step's items of its kind."""

    step: int
    step_title: str
    steps_total: int
    index: int  # 1-based among the step's prompts (for a prompt) or questions (for a question)
    count: int
    number: str  # "2.3": step and position among all the step's items


def position(meeting: Meeting, entry: AgendaEntry, lang: str) -> Position:
    """Number an agenda entry for the header, the centre and the agenda list."""
    steps = meeting.question_set.steps
    if entry.step == POLL_STEP:
        polls = [e for e in meeting.agenda() if e.step == POLL_STEP]
        index = next((n for n, e in enumerate(polls, 1) if e.item.id == entry.item.id), 1)
        return Position(
            POLL_STEP, T("header.polls", lang), len(steps), index, len(polls), f"S{index}"
        )
    step = next(s for s in steps if s.number == entry.step)
    same_kind = [i for i in step.items if isinstance(i, Prompt) == isinstance(entry.item, Prompt)]
    index = next((n for n, i in enumerate(same_kind, 1) if i.id == entry.item.id), 1)
    overall = next((n for n, i in enumerate(step.items, 1) if i.id == entry.item.id), 1)
    return Position(
        step.number, step.title, len(steps), index, len(same_kind), f"{step.number}.{overall}"
    )


def step_heading(meeting: Meeting, entry: AgendaEntry, lang: str) -> str:
    """ "Steg 2 av 4: Självskattning", or "Snabbfrågor" for a quick poll."""
    pos = position(meeting, entry, lang)
    if entry.step == POLL_STEP:
        return pos.step_title
    return T("header.step", lang, number=pos.step, total=pos.steps_total, title=pos.step_title)


def voting_mark(meeting: Meeting, item: Prompt | Question) -> str:
    """● voting open, ✓ results shown, ✎ notes written, blank otherwise."""
    if isinstance(item, Question):
        state = meeting.voting(item.id)
        if state is Voting.OPEN:
            return "●"
        if state is Voting.REVEALED:
            return "✓"
        return " "
    return "✎" if meeting.note(item.id) else " "


#: One agenda row: (option id, what the row shows, its text). Headers get ids "#...".
Row = tuple[str, tuple, Text]


class Agenda(Localized, OptionList):
    """The agenda list. Not focusable: the arrow keys belong to the facilitator's navigation;
    clicking an item (or picking it from the command palette) goes to it."""

    can_focus = False
    #: The rows drawn. ``watch_shown`` redraws only rows whose text changed (a key press must
    #: stay cheap), the whole list only when items were added.
    shown: var[tuple[Row, ...]] = var((), init=False)

    DEFAULT_CSS = """
    Agenda {
        text-wrap: nowrap;
        text-overflow: ellipsis;
        & > .option-list--option-disabled {
            color: $text-primary;
        }
    }
    """

    def __init__(self, meeting: Meeting, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        self.meeting = meeting

    def on_mount(self) -> None:
        self.rebuild()

    def rebuild(self) -> None:
        """Bring the list up to date: only rows whose text changed are redrawn (a key press
        must stay cheap), the whole list only when items were added."""
        self.shown = tuple(self._rows())
        ids = [row_id for row_id, _key, _prompt in self.shown]
        current = self.meeting.current
        if current is not None and current.item.id in ids:
            index = ids.index(current.item.id)
            if self.highlighted != index:
                self.highlighted = index
            self.scroll_to_highlight(top=False)

    def watch_shown(self, old: tuple[Row, ...], new: tuple[Row, ...]) -> None:
        if [row[0] for row in old] != [row[0] for row in new]:
            self.set_options(
                Option(prompt, id=row_id, disabled=row_id.startswith("#"))
                for row_id, _key, prompt in new
            )
            return
        for index, (before, after) in enumerate(zip(old, new, strict=True)):
            if before[1] != after[1]:
                self.replace_option_prompt_at_index(index, after[2])

    def _rows(self) -> list[Row]:
        """(option id, what the row shows, its text) for every row; headers get ids "#...".

        Headers are disabled options so the highlight skips them."""
        lang = self.mognad.lang
        meeting = self.meeting
        current = meeting.current
        dims = {d.id: d.title for d in meeting.question_set.dimensions}
        steps = {s.number: s for s in meeting.question_set.steps}
        rows: list[tuple[str, tuple, Text]] = []
        last_step: int | None = None
        last_dim: str | None = None
        last_plan: int | None = None
        current_plan = meeting.plan_of(current) if current is not None else None
        for entry in meeting.agenda():
            item = entry.item
            plan = meeting.plan_of(entry) if entry.step != POLL_STEP else None
            if plan is not None and plan.number != last_plan:
                last_plan = plan.number
                rows += self._meeting_rows(
                    plan, current_plan is not None and plan.number == current_plan.number
                )
            if entry.step != last_step:
                last_step = entry.step
                last_dim = None
                if entry.step == POLL_STEP:
                    title = T("agenda.polls", lang)
                else:
                    step = steps[entry.step]
                    title = T("agenda.step", lang, number=step.number, title=step.title)
                mark = " "
                if current is not None and current.step != POLL_STEP and entry.step != POLL_STEP:
                    if entry.step < current.step:
                        mark = "✓"
                    elif entry.step == current.step:
                        mark = "●"
                key = ("step", mark, title)
                rows.append((f"#step-{entry.step}", key, Text(f"{mark} {title}", style="bold")))
            if (
                isinstance(item, Question)
                and entry.step != POLL_STEP
                and item.dimension
                and item.dimension != last_dim
                and dims
            ):
                last_dim = item.dimension
                title = dims.get(item.dimension, item.dimension)
                rows.append(
                    (
                        f"#dim-{entry.step}-{item.dimension}",
                        ("dim", title),
                        Text("  " + title, style="italic"),
                    )
                )
            is_current = current is not None and current.item.id == item.id
            mark = voting_mark(meeting, item)
            text = item.text
            if isinstance(item, Question) and item.importance_of:
                text = "↳ " + text
            slot = plan.slot(item.id) if plan is not None else None
            dropped = slot is not None and not slot.kept
            key = ("item", is_current, mark, text, dropped)
            label = Text(end="")
            label.append("▸ " if is_current else "  ", style="bold")
            label.append(mark + " ", style="bold")
            if dropped:  # outside the plan's time: still there to go to, shown as optional
                label.append(f"({T('agenda.optional', lang)}) ", style="dim italic")
            label.append(text, style="bold" if is_current else ("dim" if dropped else ""))
            rows.append((item.id, key, label))
        return rows

    def _meeting_rows(self, plan: MeetingPlan, is_current: bool) -> list[Row]:
        """A meeting's heading, and one quiet line: the plan's minutes left (in the meeting
        under way), how many optional items do not fit, or by how much the plan runs over."""
        lang = self.mognad.lang
        meeting = self.meeting
        steps = plan.steps
        span = f"{steps[0]}–{steps[-1]}" if len(steps) > 1 else str(steps[0]) if steps else ""
        key = "agenda.meeting" if len(meeting.plans()) > 1 else "agenda.one_meeting"
        title = T(key, lang, number=plan.number, steps=span, minutes=plan.minutes)
        rows: list[Row] = [
            (f"#meeting-{plan.number}", ("meeting", title), Text(title, style="bold reverse"))
        ]
        notes = []
        current = meeting.current
        if is_current and current is not None:
            left = plan.left_from(current.step, current.item.id)
            notes.append(T("agenda.left", lang, minutes=left))
        if plan.dropped:
            notes.append(T("agenda.dropped", lang, count=plan.dropped))
        if plan.over:
            notes.append(T("agenda.over", lang, minutes=plan.over))
        if notes:
            line = " · ".join(notes)
            rows.append((f"#plan-{plan.number}", ("plan", line), Text("  " + line, style="italic")))
        return rows

    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(GoTo(event.option.id))
