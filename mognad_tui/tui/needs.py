"""``v``: step 4, the needs and the action items for the operational plan.

The needs the group named (competence or change; done by the unit itself or asked of the
förvaltning), in the group's order of priority, and the actions made from them (what, owner,
due date, priority, follow-up, status). Enter edits what is selected, ``n`` makes an action from
the selected need, Delete asks before it removes and ``u`` brings the last removal back. ``p``
lets the room prioritise the needs with a dot vote on their phones while this screen shows them
in full; ``r`` ends the vote and makes its order the needs' rank (only where its figures may be
shown), ``+``/``-`` move a need by hand.

Text wraps in full, never cut: the room reads the plan it is building. At 120 columns every
field of an action has its column; narrower, each action takes two lines.
"""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label

from mognad_tui import results
from mognad_tui.meeting import Change, Meeting
from mognad_tui.model import ActionItem, Need, Voting
from mognad_tui.tui.base import Localized
from mognad_tui.tui.confirm import ConfirmRemove
from mognad_tui.tui.header import TopBar
from mognad_tui.tui.messages import (
    EditAction,
    EditNeed,
    MeetingCall,
    MeetingChanged,
    Requested,
    Say,
)

#: Below this many columns for a table (a screen of about 107) an action takes two lines,
#: in three columns of two fields each.
WIDE = 100
#: Widths of the needs table's narrow columns: rank, dots, actions; who does it, wide or not.
RANK_W, DOTS_W, COUNT_W = 3, 7, 8
WHO_W, WHO_NARROW = 30, 16
#: Each column's gap (DataTable pads a cell by one on each side).
PAD = 2


def cell(text: str, style: str = "") -> Text:
    """A literal table cell: DataTable parses plain strings as markup."""
    return Text(text, style=style, end="")


def lines(first: str, second: str) -> Text:
    """Two fields in one cell, the second dimmed: the narrow action table's layout."""
    text = Text(first, end="")
    if second:
        text.append("\n")
        text.append(second, style="dim")
    return text


class NeedsScreen(Localized, Screen[None]):
    BINDINGS = [
        Binding("escape,v", "close", "key.back"),
        # Priority: the focused table's own Enter would hide the key from the footer.
        Binding("enter", "edit", "key.edit", priority=True),
        Binding("n", "new_action", "key.new_action"),
        Binding("delete,backspace", "remove", "key.delete"),
        Binding("u", "undo", "key.undo"),
        Binding("p", "dot_vote", "key.dot_vote"),
        Binding("r", "rank_from_vote", "key.rank_from_vote"),
        Binding("plus,shift+up", "move(-1)", "key.move_up", key_display="+"),
        Binding("minus,shift+down", "move(1)", "key.move_down", key_display="-"),
        Binding("tab", "switch_table", "key.switch_table", show=False),
    ]

    def __init__(self, meeting: Meeting) -> None:
        super().__init__(id="needs")
        self.meeting = meeting
        #: The width the tables were laid out for; a resize past it lays them out again.
        self._laid_out: int | None = None

    def compose(self) -> ComposeResult:
        yield TopBar(id="top")
        with VerticalScroll(id="needs-body"):
            yield Label(self.t("needs.needs"), classes="section-title", markup=False)
            yield Label(self.t("needs.empty"), id="needs-empty", classes="muted", markup=False)
            yield DataTable(id="needs-table", cursor_type="row", zebra_stripes=True)
            yield Label("", id="needs-groups", classes="muted", markup=False)
            yield Label("", id="needs-vote", classes="muted", markup=False)
            yield Label(self.t("needs.actions"), classes="section-title", markup=False)
            yield Label(
                self.t("needs.actions_empty"), id="actions-empty", classes="muted", markup=False
            )
            yield DataTable(id="actions-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(TopBar).set_title(self.meeting.info.title, self.t("needs.title"))
        self.reload()
        self.query_one("#needs-table", DataTable).focus()

    def on_resize(self, event: Resize) -> None:
        if self._width() != self._laid_out:
            self.reload()

    def _width(self) -> int:
        """The columns a table's cells have: the screen less the body's padding and the scroll
        bars of the body and of the table (each two columns), so no table scrolls sideways."""
        return max(40, (self.size.width or self.app.size.width) - 7)

    # ------------------------------------------------------------ drawing

    def reload(self) -> None:
        width = self._width()
        if width != self._laid_out:
            self._laid_out = width
            self._columns(width)
        self._fill_needs()
        self._fill_actions(width >= WIDE)

    def _columns(self, width: int) -> None:
        """Fixed widths, so long text wraps inside its column instead of pushing the table
        off the screen (a DataTable sizes a column to its longest cell otherwise)."""
        needs = self.query_one("#needs-table", DataTable)
        needs.clear(columns=True)
        wide = width >= WIDE
        # Narrow, the count of actions gives way to the need's own words.
        who_w, count_w = (WHO_W, COUNT_W) if wide else (WHO_NARROW, 0)
        fixed = RANK_W + who_w + DOTS_W + count_w + (5 if wide else 4) * PAD
        needs.add_column(self.t("needs.col_rank"), width=RANK_W, key="rank")
        needs.add_column(self.t("needs.col_text"), width=max(20, width - fixed), key="text")
        needs.add_column(self.t("needs.col_who"), width=who_w, key="who")
        needs.add_column(self.t("needs.col_dots"), width=DOTS_W, key="dots")
        if wide:
            needs.add_column(self.t("needs.col_actions"), width=count_w, key="count")
        actions = self.query_one("#actions-table", DataTable)
        actions.clear(columns=True)
        if width >= WIDE:
            # what, owner, due, priority, follow-up, status: text columns share what is left.
            owner_w, due_w, prio_w, status_w = 16, 12, 9, 9
            rest = width - owner_w - due_w - prio_w - status_w - 6 * PAD
            what_w = rest // 2
            columns = [
                ("col_what", what_w),
                ("col_owner", owner_w),
                ("col_due", due_w),
                ("col_priority", prio_w),
                ("col_follow_up", rest - what_w),
                ("col_status", status_w),
            ]
            for key, w in columns:
                actions.add_column(self.t(f"needs.{key}"), width=w)
        else:
            owner_w, prio_w = 16, 18
            what_w = width - owner_w - prio_w - 3 * PAD
            actions.add_column(self.t("needs.col_what_follow_up"), width=what_w)
            actions.add_column(self.t("needs.col_owner_due"), width=owner_w)
            actions.add_column(self.t("needs.col_priority_status"), width=prio_w)

    def _who(self, need: Need) -> str:
        if need.request is None:
            return self.t("needs.unit")
        return self.t(f"needs.request_{need.request.value}")

    def _vote(self) -> dict[str, int] | None:
        """Dots per need from the latest dot vote, only where its figures may be shown."""
        poll = self.meeting.needs_dot_vote()
        if poll is None:
            self._say_vote("")
            return None
        result = results.question_result(self.meeting.record(), poll)
        if self.meeting.voting(poll.id) is Voting.OPEN:  # no figures while people vote
            self._say_vote(self.t("needs.vote_open", n=result.n))
            return None
        if not result.shown or result.distribution is None:
            self._say_vote(self.t("needs.vote_hidden", n=result.n))
            return None
        self._say_vote(self.t("needs.vote_shown", n=result.n))
        return {str(row.value): row.count for row in result.distribution}

    def _say_vote(self, text: str) -> None:
        label = self.query_one("#needs-vote", Label)
        label.update(text)
        label.display = bool(text)

    def _fill_needs(self) -> None:
        needs_list = self.meeting.needs()
        actions_list = self.meeting.actions()
        dims = {d.id: d.title for d in self.meeting.question_set.dimensions}
        dots = self._vote()
        table = self.query_one("#needs-table", DataTable)
        row, selected = table.cursor_row, self._selected_key("#needs-table")
        table.clear()
        for need in needs_list:
            count = sum(1 for a in actions_list if a.need == need.id)
            kind = self.t(f"needs.{need.kind.value}")
            area = dims.get(need.dimension or "", "")
            voted = dots.get(need.id) if dots is not None else None
            cells = [
                cell(str(need.rank) if need.rank is not None else ""),
                lines(need.text, " · ".join(x for x in (kind, area) if x)),
                cell(self._who(need)),
                cell(str(voted) if voted is not None else ""),
                cell(str(count) if count else ""),
            ]
            table.add_row(*cells[: len(table.columns)], key=need.id, height=None)
        ids = [n.id for n in needs_list]
        if needs_list:
            # The cursor follows its need (moved by + and -), else keeps its place.
            row = ids.index(selected) if selected in ids else min(row, len(ids) - 1)
            table.move_cursor(row=row)
        self.query_one("#needs-empty").display = not needs_list
        table.display = bool(needs_list)
        own = sum(1 for n in needs_list if n.request is None)
        asked = len(needs_list) - own
        groups = self.query_one("#needs-groups", Label)
        groups.update(self.t("needs.groups", own=own, asked=asked))
        groups.display = bool(needs_list)

    def _fill_actions(self, wide: bool) -> None:
        actions_list = self.meeting.actions()
        table = self.query_one("#actions-table", DataTable)
        row = table.cursor_row
        table.clear()
        for action in actions_list:
            priority = self.t(f"priority.{action.priority.value}")
            status = self.t(f"status.{action.status.value}")
            if wide:
                cells = [
                    cell(action.what),
                    cell(action.owner),
                    cell(action.due),
                    cell(priority),
                    cell(action.follow_up),
                    cell(status),
                ]
            else:
                cells = [
                    lines(action.what, action.follow_up),
                    lines(action.owner, action.due),
                    lines(priority, status),
                ]
            table.add_row(*cells, key=action.id, height=None)
        if actions_list:
            table.move_cursor(row=min(row, len(actions_list) - 1))
        self.query_one("#actions-empty").display = not actions_list
        table.display = bool(actions_list)

    @on(MeetingChanged)
    def _meeting_changed(self, message: MeetingChanged) -> None:
        if message.touches(Change.NEEDS, Change.ACTIONS, Change.COUNT, Change.VOTING):
            self.reload()

    # ------------------------------------------------------------ selection

    def _selected_key(self, table_id: str) -> str | None:
        table = self.query_one(table_id, DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None

    def selected_need(self) -> Need | None:
        key = self._selected_key("#needs-table")
        return next((n for n in self.meeting.needs() if n.id == key), None)

    def selected_action(self) -> ActionItem | None:
        key = self._selected_key("#actions-table")
        return next((a for a in self.meeting.actions() if a.id == key), None)

    @property
    def on_actions(self) -> bool:
        return self.focused is self.query_one("#actions-table")

    # ------------------------------------------------------------ actions

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_switch_table(self) -> None:
        target = "#needs-table" if self.on_actions else "#actions-table"
        self.query_one(target, DataTable).focus()

    def action_new_action(self) -> None:
        need = None if self.on_actions else self.selected_need()
        draft = ActionItem(
            id="",
            what=need.text if need else "",
            need=need.id if need else None,
            dimension=need.dimension if need else None,
        )
        self.post_message(EditAction(draft))

    def action_edit(self) -> None:
        if self.on_actions:
            action = self.selected_action()
            if action is not None:
                self.post_message(EditAction(action))
            return
        need = self.selected_need()
        if need is not None:
            self.post_message(EditNeed(need))

    def action_remove(self) -> None:
        """Asks first; removed rows disappear with the meeting's change notice."""
        item: Need | ActionItem | None
        if self.on_actions:
            item = self.selected_action()
            text = item.what if item is not None else ""
        else:
            item = self.selected_need()
            text = item.text if item is not None else ""
        if item is not None:
            self.app.push_screen(ConfirmRemove(text), partial(self._remove, item))

    def _remove(self, item: Need | ActionItem, sure: bool | None) -> None:
        if not sure:
            return
        if isinstance(item, Need):
            call = partial(self.meeting.remove_need, item.id)
        else:
            call = partial(self.meeting.remove_action, item.id)
        self.post_message(MeetingCall(call, done=self.t("needs.removed")))

    def action_undo(self) -> None:
        if self.meeting.removed is None:
            self.post_message(Say(self.t("needs.nothing_to_undo"), severity="warning"))
            return
        self.post_message(MeetingCall(self.meeting.undo_remove, done=self.t("needs.undone")))

    def action_move(self, step: int) -> None:
        need = None if self.on_actions else self.selected_need()
        if need is None:
            return
        call = partial(self.meeting.move_need, need.id, step)
        self.post_message(MeetingCall(call))

    def action_rank_from_vote(self) -> None:
        self.post_message(
            MeetingCall(self.meeting.rank_needs_from_vote, done=self.t("needs.ranked"))
        )

    def action_dot_vote(self) -> None:
        self.post_message(Requested("dot_vote"))

    def action_close(self) -> None:
        self.dismiss()
