"""``v``: needs and action items for the operational plan (step 4).

Two tables: the needs the group named (competence or change) and the actions made from them
(what, owner, due date, priority, follow-up, status). ``n`` makes an action from the selected
need, Enter edits an action, Delete removes, ``p`` lets the room prioritise the needs with a dot
vote on their phones (it becomes the current item, shown like any poll).
"""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label

from mognad_tui.meeting import Change, Meeting
from mognad_tui.model import ActionItem, Need
from mognad_tui.tui.base import Localized
from mognad_tui.tui.header import TopBar
from mognad_tui.tui.messages import EditAction, MeetingCall, MeetingChanged, Requested


def cell(text: str) -> Text:
    """A literal table cell: DataTable parses plain strings as markup."""
    return Text(text, end="")


class NeedsScreen(Localized, Screen[None]):
    BINDINGS = [
        Binding("escape,v", "close", "key.back"),
        Binding("n", "new_action", "key.new_action"),
        Binding("enter", "edit", "key.edit"),
        Binding("delete,backspace", "remove", "key.delete"),
        Binding("p", "dot_vote", "key.dot_vote"),
        Binding("tab", "switch_table", "key.switch_table", show=False),
    ]

    def __init__(self, meeting: Meeting) -> None:
        super().__init__(id="needs")
        self.meeting = meeting

    def compose(self) -> ComposeResult:
        yield TopBar(id="top")
        with Vertical(id="needs-body"):
            yield Label(self.t("needs.needs"), classes="section-title", markup=False)
            yield Label(self.t("needs.empty"), id="needs-empty", classes="muted", markup=False)
            yield DataTable(id="needs-table", cursor_type="row", zebra_stripes=True)
            yield Label(self.t("needs.actions"), classes="section-title", markup=False)
            yield Label(
                self.t("needs.actions_empty"), id="actions-empty", classes="muted", markup=False
            )
            yield DataTable(id="actions-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(TopBar).set_title(self.meeting.info.title, self.t("needs.title"))
        needs = self.query_one("#needs-table", DataTable)
        needs.add_columns(
            self.t("needs.col_kind"),
            self.t("needs.col_text"),
            self.t("needs.col_dimension"),
            self.t("needs.col_actions"),
        )
        actions = self.query_one("#actions-table", DataTable)
        actions.add_columns(
            self.t("needs.col_what"),
            self.t("needs.col_owner"),
            self.t("needs.col_due"),
            self.t("needs.col_priority"),
            self.t("needs.col_follow_up"),
            self.t("needs.col_status"),
        )
        self.reload()
        needs.focus()

    def reload(self) -> None:
        needs_list = self.meeting.needs()
        actions_list = self.meeting.actions()
        dims = {d.id: d.title for d in self.meeting.question_set.dimensions}
        needs = self.query_one("#needs-table", DataTable)
        row = needs.cursor_row
        needs.clear()
        for need in needs_list:
            count = sum(1 for a in actions_list if a.need == need.id)
            needs.add_row(
                cell(self.t(f"needs.{need.kind.value}")),
                cell(need.text),
                cell(dims.get(need.dimension or "", "")),
                cell(str(count) if count else ""),
                key=need.id,
            )
        if needs_list:
            needs.move_cursor(row=min(row, len(needs_list) - 1))
        self.query_one("#needs-empty").display = not needs_list
        actions = self.query_one("#actions-table", DataTable)
        row = actions.cursor_row
        actions.clear()
        for action in actions_list:
            actions.add_row(
                cell(action.what),
                cell(action.owner),
                cell(action.due),
                cell(self.t(f"priority.{action.priority.value}")),
                cell(action.follow_up),
                cell(self.t(f"status.{action.status.value}")),
                key=action.id,
            )
        if actions_list:
            actions.move_cursor(row=min(row, len(actions_list) - 1))
        self.query_one("#actions-empty").display = not actions_list

    @on(MeetingChanged)
    def _meeting_changed(self, message: MeetingChanged) -> None:
        if message.touches(Change.NEEDS, Change.ACTIONS):
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
        else:
            self.action_new_action()

    def action_remove(self) -> None:
        """Removed rows disappear with the meeting's change notice (``_meeting_changed``)."""
        if self.on_actions:
            action = self.selected_action()
            if action is not None:
                self.post_message(MeetingCall(partial(self.meeting.remove_action, action.id)))
        else:
            need = self.selected_need()
            if need is not None:
                self.post_message(MeetingCall(partial(self.meeting.remove_need, need.id)))

    def action_dot_vote(self) -> None:
        self.post_message(Requested("dot_vote"))

    def action_close(self) -> None:
        self.dismiss()
