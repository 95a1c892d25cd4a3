"""A process that contends for a session's writer lock, driven line by line on stdin.

``python lock_child.py SESSION`` (or through ``windows_sim.py lock_child SESSION``) prints
``ready`` and then answers each command with one line:

- ``open``: open the session for writing: ``won``, or ``locked`` if another writer has it;
- ``answer I``: record answer ``I`` (question ``q0``, slot ``sI``), wait until it is durable:
  ``ok I``;
- ``fold`` / ``reorder``: fold the journal into the snapshot, or reorder it, and wait until
  it is durable: ``folded`` / ``reordered``;
- ``probe``: ``locked`` or ``free``, as ``mognad list`` would see it from here;
- ``close``: close the store: ``closed``.

The parent learns only what a process really acknowledged, so it can check nothing is lost.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(args: list[str]) -> None:
    from mognad_tui.store import SessionLocked, SessionStore
    from mognad_tui.store.lock import is_locked

    path = Path(args[0])
    store = None
    print("ready", flush=True)
    for line in sys.stdin:
        command, _, arg = line.strip().partition(" ")
        if command == "open":
            try:
                store = SessionStore.open(path)
            except SessionLocked:
                print("locked", flush=True)
            else:
                print("won", flush=True)
        elif command == "answer":
            assert store is not None
            store.put_answer("q0", f"s{arg}", int(arg) % 5 + 1).wait()
            print(f"ok {arg}", flush=True)
        elif command == "fold":
            assert store is not None
            store.fold().wait()
            print("folded", flush=True)
        elif command == "reorder":
            assert store is not None
            store.reorder().wait()
            print("reordered", flush=True)
        elif command == "probe":
            print("locked" if is_locked(path) else "free", flush=True)
        elif command == "close":
            if store is not None:
                store.close()
                store = None
            print("closed", flush=True)
    if store is not None:
        store.close()


if __name__ == "__main__":
    main(sys.argv[1:])
