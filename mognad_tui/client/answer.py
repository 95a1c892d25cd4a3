"""``mognad answer URL``: answer from any terminal, for people without a phone.

It goes through the participant API exactly like a phone (same cookie, same anonymity, same
rules), so the facilitator's screen cannot tell the two apart. On a terminal it asks with
questionary; when the input is piped (a script, a test, a screen reader's line mode) it falls
back to plain numbered prompts read line by line, because questionary needs a real terminal.
When piped input runs out, the client says goodbye once nothing is left to answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol, TextIO

from mognad_tui.client import questions as Q
from mognad_tui.client.api import ApiError, ParticipantClient
from mognad_tui.client.messages import MESSAGES
from mognad_tui.i18n import resolve_lang
from mognad_tui.payloads import QuestionPayload, StatePayload

#: What a prompt returns when the person chooses not to answer this question.
SKIP: Any = type("Skip", (), {"__repr__": lambda self: "SKIP"})()


class InputEnded(Exception):
    """Piped input ran out in the middle of a question: nobody is left to answer it."""


class Interrupted(Exception):
    """Ctrl-C in a questionary prompt. An ordinary exception, not ``KeyboardInterrupt``: the
    prompt runs in a task, and a task ending in ``KeyboardInterrupt`` escapes the event loop and
    leaves a "Task exception was never retrieved" traceback on the screen at exit."""


async def _asked(question: Any) -> Any:
    try:
        return await question.unsafe_ask_async()
    except KeyboardInterrupt:
        raise Interrupted from None


class Prompter(Protocol):
    """How the client asks: questionary on a terminal, numbered lines otherwise."""

    def say(self, text: str) -> None: ...

    async def select(self, message: str, choices: list[tuple[str, Any]], default: Any) -> Any: ...

    async def checkbox(
        self, message: str, choices: list[tuple[str, Any]], default: list[Any]
    ) -> Any: ...

    async def text(
        self, message: str, hint: str, validate: Callable[[str], str | None], default: str
    ) -> Any: ...

    async def number(self, message: str, low: int, high: int, invalid: str) -> int: ...

    async def confirm(self, message: str) -> bool: ...

    @property
    def exhausted(self) -> bool:
        """True once the input has ended and nothing typed is still waiting to be read."""
        ...

    async def wait_exhausted(self) -> None: ...


class TerminalPrompter:
    """questionary prompts. ``unsafe_ask_async`` so that Ctrl-C ends the program cleanly (as
    ``Interrupted``) instead of printing questionary's own "Cancelled" message."""

    def __init__(self, lang: str, *, pt_input: Any = None, pt_output: Any = None):
        self.lang = lang
        # prompt_toolkit's input and output, for tests (``create_pipe_input``, ``DummyOutput``).
        self._io = {k: v for k, v in (("input", pt_input), ("output", pt_output)) if v}

    def say(self, text: str) -> None:
        print(text, flush=True)

    async def select(self, message: str, choices: list[tuple[str, Any]], default: Any) -> Any:
        import questionary

        items = [questionary.Choice(label, value=value) for label, value in choices]
        values = [value for _, value in choices]
        return await _asked(
            questionary.select(
                message,
                choices=items,
                default=default if default in values else None,
                instruction=MESSAGES("select_hint", self.lang),
                **self._io,
            )
        )

    async def checkbox(
        self, message: str, choices: list[tuple[str, Any]], default: list[Any]
    ) -> Any:
        import questionary

        items = [
            questionary.Choice(label, value=value, checked=value in default)
            for label, value in choices
        ]
        picked = await _asked(
            questionary.checkbox(
                message, choices=items, instruction=MESSAGES("checkbox_hint", self.lang), **self._io
            )
        )
        return picked or SKIP

    async def text(
        self, message: str, hint: str, validate: Callable[[str], str | None], default: str
    ) -> Any:
        import questionary

        def check(value: str) -> bool | str:
            error = validate(value)
            return True if error is None else error

        value = await _asked(
            questionary.text(
                message, default=default, instruction=f"({hint})", validate=check, **self._io
            )
        )
        return value.strip() or SKIP

    async def number(self, message: str, low: int, high: int, invalid: str) -> int:
        import questionary

        def check(value: str) -> bool | str:
            value = value.strip() or "0"
            return True if value.isdigit() and low <= int(value) <= high else invalid

        value = await _asked(questionary.text(message, default="0", validate=check, **self._io))
        return int(value.strip() or "0")

    async def confirm(self, message: str) -> bool:
        # A choice of two rather than questionary.confirm, whose "(y/N)" keys are English.
        no, yes = MESSAGES("no", self.lang), MESSAGES("yes", self.lang)
        return bool(await self.select(message, [(no, False), (yes, True)], False))

    @property
    def exhausted(self) -> bool:
        return False

    async def wait_exhausted(self) -> None:
        await asyncio.Event().wait()  # a terminal never runs out: Ctrl-C ends it


class LinePrompter:
    """Numbered prompts over plain lines, for piped input.

    One daemon thread reads the input into a queue: a blocked ``readline`` can then be abandoned
    when the program ends (a worker of the loop's executor could not, and would hang the exit),
    and a prompt can be cancelled without losing a line meant for the next question.
    """

    def __init__(self, lang: str, stdin: TextIO | None = None, stdout: TextIO | None = None):
        self.lang = lang
        self._in = stdin or sys.stdin
        self._out = stdout or sys.stdout
        self._buffer: deque[str] = deque()
        self._eof = False
        self._arrived = asyncio.Event()
        loop = asyncio.get_running_loop()

        def pump() -> None:
            try:
                for line in iter(self._in.readline, ""):
                    loop.call_soon_threadsafe(self._push, line.rstrip("\r\n"))
            except (OSError, ValueError):
                pass
            with contextlib.suppress(RuntimeError):  # the loop closed first: nothing to tell
                loop.call_soon_threadsafe(self._push, None)

        threading.Thread(target=pump, name="mognad-answer-stdin", daemon=True).start()

    def _push(self, line: str | None) -> None:
        if line is None:
            self._eof = True
        else:
            self._buffer.append(line)
        self._arrived.set()

    def say(self, text: str) -> None:
        print(text, file=self._out, flush=True)

    async def _line(self, prompt: str) -> str:
        self._out.write(prompt)
        self._out.flush()
        while not self._buffer:
            if self._eof:
                self._out.write("\n")
                raise InputEnded
            self._arrived.clear()
            await self._arrived.wait()
        line = self._buffer.popleft().strip()
        self._out.write(line + "\n")  # piped input is not echoed: keep the transcript readable
        return line

    async def select(self, message: str, choices: list[tuple[str, Any]], default: Any) -> Any:
        self.say(message)
        for n, (label, value) in enumerate(choices, 1):
            mark = " *" if value == default and default is not None else ""
            self.say(f"  {n}) {label}{mark}")
        while True:
            line = await self._line(MESSAGES("choose_one", self.lang))
            if not line:
                return SKIP
            if line.isdigit() and 1 <= int(line) <= len(choices):
                label, value = choices[int(line) - 1]
                self.say(f"  → {label}")
                return value
            self.say(MESSAGES("invalid_choice", self.lang, count=len(choices)))

    async def checkbox(
        self, message: str, choices: list[tuple[str, Any]], default: list[Any]
    ) -> Any:
        self.say(message)
        for n, (label, value) in enumerate(choices, 1):
            mark = " *" if value in default else ""
            self.say(f"  {n}) {label}{mark}")
        while True:
            line = await self._line(MESSAGES("choose_many", self.lang))
            if not line:
                return SKIP
            parts = [p for p in line.replace(",", " ").split() if p]
            if all(p.isdigit() and 1 <= int(p) <= len(choices) for p in parts):
                picked = []
                for p in parts:
                    value = choices[int(p) - 1][1]
                    if value not in picked:
                        picked.append(value)
                labels = [label for label, value in choices if value in picked]
                self.say("  → " + ", ".join(labels))
                return picked
            self.say(MESSAGES("invalid_choice", self.lang, count=len(choices)))

    async def text(
        self, message: str, hint: str, validate: Callable[[str], str | None], default: str
    ) -> Any:
        self.say(message)
        while True:
            line = await self._line(f"({hint}): ")
            if not line:
                return SKIP
            error = validate(line)
            if error is None:
                return line
            self.say(error)

    async def number(self, message: str, low: int, high: int, invalid: str) -> int:
        while True:
            line = await self._line(f"{message}: ")
            line = line or "0"
            if line.isdigit() and low <= int(line) <= high:
                return int(line)
            self.say(invalid)

    async def confirm(self, message: str) -> bool:
        line = await self._line(message + MESSAGES("yes_no", self.lang))
        return line.lower() in MESSAGES("yes_words", self.lang).split(",")

    @property
    def exhausted(self) -> bool:
        return self._eof and not self._buffer

    async def wait_exhausted(self) -> None:
        while not self.exhausted:
            self._arrived.clear()
            await self._arrived.wait()


class _Watcher:
    """Follows the event stream in the background and keeps a fresh copy of the state.

    Waiters (the waiting screen, a prompt that should stop when its question closes) wake on
    every new state. A fatal refusal (the meeting is gone) is kept and re-raised to them.
    """

    def __init__(self, client: ParticipantClient, say: Callable[[str], None], lang: str):
        self.client = client
        self.say = say
        self.lang = lang
        self.state: StatePayload | None = None
        self.version = 0
        self.fatal: ApiError | None = None
        self._changed = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None
        self._offline = False

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    def _status(self, what: str) -> None:
        # Say it once per drop, not at every attempt to come back.
        if what == "reconnecting" and self._offline:
            return
        self._offline = what == "reconnecting"
        self.say(MESSAGES(what, self.lang))

    async def _run(self) -> None:
        try:
            async with contextlib.aclosing(self.client.events(on_status=self._status)) as events:
                async for _event in events:
                    # Coalesce a burst of events into one read of the state.
                    await asyncio.sleep(0.05)
                    try:
                        state = await self.client.state()
                    except ApiError as exc:
                        if exc.status in (403, 404):
                            raise
                        continue
                    async with self._changed:
                        self.state = state
                        self.version += 1
                        self._changed.notify_all()
        except ApiError as exc:
            async with self._changed:
                self.fatal = exc
                self.version += 1
                self._changed.notify_all()

    async def next_state(self, after: int) -> StatePayload:
        """Wait for a state newer than version ``after``."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.version > after)
        if self.fatal:
            raise self.fatal
        assert self.state is not None
        return self.state

    async def wait_closed(self, question_id: str) -> None:
        """Return once ``question_id`` is no longer open."""
        seen = self.version
        while True:
            state = await self.next_state(seen)
            seen = self.version
            if question_id not in {Q.qid(q) for q in state["open"]}:
                return


class AnswerSession:
    """One person answering: join, ask what is open, post, wait for the next question."""

    def __init__(self, url: str, lang: str, prompter: Prompter):
        self.lang = lang
        self.prompter = prompter
        self.client = ParticipantClient(url, lang=lang)
        self.skipped: set[str] = set()
        self.visited: set[str] = set()
        self.change_mode = False  # walk answered questions again, to change them

    def t(self, key: str, **fields: Any) -> str:
        return MESSAGES(key, self.lang, **fields)

    async def run(self) -> int:
        say = self.prompter.say
        watcher = _Watcher(self.client, say, self.lang)
        try:
            say(self.t("joining"))
            await self.client.join()
            state = await self.client.state()
            say(self.t("joined"))
            watcher.start()
            while True:
                asked = await self._ask_round(state, watcher)
                if asked:
                    fresh = await self._fresh_state()
                    if fresh is None:  # the meeting is out of reach: wait until it is back
                        state = await self._wait(watcher)
                        if state is None:
                            return 0
                        continue
                    state = fresh
                    if self._todo(state):
                        continue
                if Q.is_self_paced(state) and state["open"]:
                    # At one's own pace the walk is the whole task: offer another pass to
                    # change answers, else done. (A new run is a new anonymous device, so
                    # changing must happen now.)
                    done, total = self._progress(state)
                    say("")
                    say(self.t("walk_done", done=done, total=total))
                    if await self.prompter.confirm(self.t("change_answers")):
                        self.change_mode = True
                        self.visited.clear()
                        self.skipped.clear()
                        continue
                    return 0
                say(self.t("waiting"))
                state = await self._wait(watcher)
                if state is None:
                    return 0
        except ApiError as exc:
            say(exc.message)
            return 1
        except InputEnded:
            return 0
        except Interrupted:
            say("")
            return 0
        finally:
            await watcher.stop()
            await self.client.close()

    async def _fresh_state(self) -> StatePayload | None:
        """The state now, or None (said once) when the meeting cannot be reached; the event
        stream keeps trying and brings the next state when it is back."""
        try:
            return await self.client.state()
        except ApiError as exc:
            if exc.status != 0:
                raise
            self.prompter.say(exc.message)
            return None

    async def _wait(self, watcher: _Watcher) -> StatePayload | None:
        """Until something new is open (a state with questions left to ask), or the piped
        input has run out with nothing typed left for later questions (``None``)."""
        seen = watcher.version
        while True:
            if self.prompter.exhausted:
                return None
            nxt = asyncio.ensure_future(watcher.next_state(seen))
            end = asyncio.ensure_future(self.prompter.wait_exhausted())
            done, _ = await asyncio.wait({nxt, end}, return_when=asyncio.FIRST_COMPLETED)
            for task in (nxt, end):
                if task not in done:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            if nxt in done:
                state = nxt.result()  # raises a fatal ApiError
                seen = watcher.version
                if self._todo(state):
                    return state
            elif end in done:
                return None

    @staticmethod
    def _pages(state: StatePayload) -> list[tuple[int, QuestionPayload]]:
        """Open questions numbered as the phone page numbers them: a "how important is this?"
        companion shares its item's number (it is the same statement, asked a second way) and
        comes right after it."""
        open_qs = state["open"]
        ids = {Q.qid(q) for q in open_qs}
        companions = {str(q["importance_of"]): q for q in open_qs if q.get("importance_of") in ids}
        out: list[tuple[int, QuestionPayload]] = []
        number = 0
        for question in open_qs:
            if question.get("importance_of") in ids:
                continue
            number += 1
            out.append((number, question))
            if Q.qid(question) in companions:
                out.append((number, companions[Q.qid(question)]))
        return out

    def _progress(self, state: StatePayload) -> tuple[int, int]:
        """(pages answered, pages) as the phone counts them."""
        pages = self._pages(state)
        answered = state["answered"]
        done = {n for n, q in pages if not q.get("importance_of") and Q.qid(q) in answered}
        return len(done), pages[-1][0] if pages else 0

    def _todo(self, state: StatePayload) -> list[tuple[int, QuestionPayload]]:
        answered = state["answered"]
        out = []
        for number, question in self._pages(state):
            qid = Q.qid(question)
            if qid in self.skipped or qid in self.visited:
                continue
            if qid in answered and not self.change_mode:
                continue
            out.append((number, question))
        return out

    async def _ask_round(self, state: StatePayload, watcher: _Watcher) -> bool:
        answered = state["answered"]
        self_paced = Q.is_self_paced(state)
        total = self._progress(state)[1]
        todo = self._todo(state)
        last_number = None
        for number, question in todo:
            qid = Q.qid(question)
            self.visited.add(qid)
            header = None
            if (self_paced or total > 1) and number != last_number:
                header = self.t("question_of", number=number, total=total)
            last_number = number
            outcome = await self._ask_until_saved(question, answered.get(qid), header, watcher)
            if outcome == "offline":
                self.visited.discard(qid)
                break
        return bool(todo)

    async def _ask_until_saved(
        self, question: QuestionPayload, current: Any, header: str | None, watcher: _Watcher
    ) -> str:
        say = self.prompter.say
        qid = Q.qid(question)
        while True:
            say("")
            if header:
                say(header)
            if current is not None:
                say(self.t("current_answer", value=self._describe(question, current)))
            value = await self._ask_while_open(question, current, watcher)
            if value is None:
                say(self.t("closed_meanwhile"))
                return "closed"
            if value is SKIP:
                self.skipped.add(qid)
                say(self.t("kept" if current is not None else "skipped"))
                return "skipped"
            try:
                await self._post(qid, value)
            except ApiError as exc:
                if exc.code == "not_open":
                    say(self.t("closed_meanwhile"))
                    return "closed"
                if exc.status == 0:
                    say(exc.message)
                    return "offline"
                if exc.status in (404, 403) and exc.code in ("wrong_code", "forbidden"):
                    raise
                say(exc.message)
                if exc.status in (422, 400, 413):
                    continue  # ask again: the person can fix it
                return "refused"
            say(self.t("saved"))
            return "saved"

    async def _post(self, qid: str, value: Any) -> None:
        try:
            await self.client.answer(qid, value)
        except ApiError as exc:
            if exc.code != "forbidden":
                raise
            # The meeting no longer knows this device (its token was lost): join again, once.
            await self.client.join()
            await self.client.answer(qid, value)

    async def _ask_while_open(
        self, question: QuestionPayload, current: Any, watcher: _Watcher
    ) -> Any:
        """Ask, but give up (``None``) if the facilitator closes the question meanwhile."""
        ask = asyncio.ensure_future(self._ask(question, current))
        closed = asyncio.ensure_future(watcher.wait_closed(Q.qid(question)))
        try:
            done, _ = await asyncio.wait({ask, closed}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (ask, closed):
                if not task.done():
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
        if ask in done:
            return ask.result()
        closed.result()  # re-raises a fatal error from the watcher
        return None

    def _describe(self, question: QuestionPayload, value: Any) -> str:
        return Q.describe(question, value, self.t("nothing_chosen"))

    async def _ask(self, question: QuestionPayload, current: Any) -> Any:
        kind = Q.kind(question)
        text = str(question.get("text", ""))
        choices = [(label, value) for value, label in Q.options(question)]
        if kind in Q.ONE_CHOICE:
            choices.append((self.t("keep_answer" if current is not None else "skip"), SKIP))
            return await self.prompter.select(text, choices, current)
        if kind == "multiple":
            return await self.prompter.checkbox(
                text, choices, current if isinstance(current, list) else []
            )
        if kind == "dots":
            return await self._ask_dots(question, text, choices)
        limit = Q.text_limit(question)

        def validate(value: str) -> str | None:
            if len(value.strip()) > limit:
                return self.t("text_too_long", length=len(value.strip()), limit=limit)
            return None

        default = current if isinstance(current, str) else ""
        return await self.prompter.text(text, self.t("text_limit", limit=limit), validate, default)

    async def _ask_dots(
        self, question: QuestionPayload, text: str, choices: list[tuple[str, Any]]
    ) -> Any:
        total = Q.dots_total(question)
        self.prompter.say(text)
        self.prompter.say(self.t("dots_intro", total=total))
        spent: dict[str, int] = {}
        left = total
        for label, value in choices:
            if left == 0:
                break
            n = await self.prompter.number(
                self.t("dots_prompt", label=label, left=left),
                0,
                left,
                self.t("dots_invalid", left=left),
            )
            if n:
                spent[str(value)] = spent.get(str(value), 0) + n
                left -= n
        self.prompter.say(self.t("dots_done", spent=total - left, total=total))
        return spent or SKIP


async def _main(url: str, lang: str, interactive: bool) -> int:
    prompter: Prompter = TerminalPrompter(lang) if interactive else LinePrompter(lang)
    return await AnswerSession(url, lang, prompter).run()


def run_answer(url: str, lang: str | None = None, *, interactive: bool | None = None) -> int:
    """Answer from this terminal until Ctrl-C (exit 0) or a fatal error (exit 1).

    ``lang`` None means ``MOGNAD_LANG`` or Swedish. ``interactive`` None picks questionary when
    both stdin and stdout are terminals, else the line-based prompts.
    """
    lang = resolve_lang(lang)
    if interactive is None:
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
    try:
        code = asyncio.run(_main(url, lang, interactive))
    except KeyboardInterrupt:
        print(flush=True)  # Ctrl-C lands in the middle of a prompt line
        code = 0
    except ApiError as exc:
        print(exc.message, flush=True)
        return 1
    except Exception as exc:  # never a traceback in front of a participant
        if os.environ.get("MOGNAD_DEBUG"):
            raise
        print(MESSAGES("unexpected_error", lang, error=exc or type(exc).__name__), flush=True)
        return 1
    if code == 0:
        print(MESSAGES("goodbye", lang), flush=True)
    return code


def main(argv: list[str] | None = None) -> int:
    """``python -m mognad_tui.client.answer URL [--lang en]``, usable before and beside the
    main CLI (``mognad answer``) for scripts and tests."""
    import argparse

    parser = argparse.ArgumentParser(prog="mognad answer")
    parser.add_argument("url")
    parser.add_argument("--lang", choices=["sv", "en"], default=None)
    args = parser.parse_args(argv)
    return run_answer(args.url, args.lang)


if __name__ == "__main__":
    sys.exit(main())
