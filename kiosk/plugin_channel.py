"""The pipe between the kiosk and a plugin's worker process, as calls and notes.

Both ends use :class:`Channel`. A *call* (``what``, ``payload``) gets one *reply* (a value,
or the error it raised); a *note* (a log line, a payment's progress for the screen) gets
none. A reader thread routes replies to their callers by id and hands each incoming call to
the owner's handler, so a payment's ``interrupt`` reaches the worker while its ``start``
still waits. Everything sent is pickled: data only (the hook API's dataclasses, text,
numbers), never a live object.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

#: answers an incoming call: ``handler(what, payload)`` returns the reply's value
CallHandler = Callable[[str, Any], Any]
#: takes an incoming note: ``handler(kind, payload)``
NoteHandler = Callable[[str, Any], None]


class WorkerError(Exception):
    """A call across the pipe did not give a value."""


class WorkerGone(WorkerError):
    """The other end closed (the worker exited or was stopped) before it answered."""


class WorkerOverran(WorkerError):
    """No answer within the deadline."""

    def __init__(self, what: str, seconds: float) -> None:
        super().__init__(f"{what} did not answer within {seconds:g} s")
        self.seconds = seconds


@dataclass(frozen=True, slots=True)
class RemoteFailure:
    """What a call raised on the other side (its type's name, message and traceback)."""

    kind: str
    message: str
    trace: str = ""


class WorkerCallFailed(WorkerError):
    """The call raised on the other side."""

    def __init__(self, failure: RemoteFailure) -> None:
        super().__init__(f"raised {failure.kind}: {failure.message}")
        self.failure = failure


class Channel:
    """One end of the pipe. ``threaded``: each incoming call runs on a thread of its own
    (the worker: a ``start`` waits for the shopper while ``interrupt`` comes in); else on
    the reader thread (the kiosk: the worker's few requests are quick)."""

    def __init__(
        self,
        conn: Any,
        on_call: CallHandler,
        on_note: NoteHandler,
        *,
        threaded: bool,
        name: str,
    ) -> None:
        self._conn = conn
        self._on_call, self._on_note, self._threaded = on_call, on_note, threaded
        self._send_lock = threading.Lock()
        self._pending: dict[int, Future[Any]] = {}
        self._pending_lock = threading.Lock()
        self._ids = itertools.count(1)
        self.closed = threading.Event()
        self._reader = threading.Thread(target=self.read, name=name, daemon=True)

    def start_reader(self) -> None:
        """Read on a thread of its own (the kiosk's end)."""
        self._reader.start()

    def request(self, what: str, payload: Any, timeout: float) -> Any:
        """Call ``what`` on the other side; its value, or :class:`WorkerError`."""
        future: Future[Any] = Future()
        call_id = next(self._ids)
        with self._pending_lock:
            if self.closed.is_set():
                raise WorkerGone(f"{what}: the worker is not running")
            self._pending[call_id] = future
        try:
            self._send(("call", call_id, what, payload))
            return future.result(timeout)
        except FutureTimeout:
            raise WorkerOverran(what, timeout) from None
        except OSError as exc:  # the pipe broke under the send
            raise WorkerGone(f"{what}: {exc}") from None
        finally:
            with self._pending_lock:
                self._pending.pop(call_id, None)

    def note(self, kind: str, payload: Any) -> None:
        """Tell the other side something; dropped when the pipe is closed."""
        with contextlib.suppress(OSError, ValueError):
            self._send(("note", kind, payload))

    def read(self) -> None:
        """Take messages until the other end closes, then fail what still waits."""
        try:
            while True:
                message = self._conn.recv()
                if message[0] == "reply":
                    self._settle(*message[1:])
                elif message[0] == "note":
                    self._take_note(message[1], message[2])
                elif self._threaded:
                    threading.Thread(target=self._answer, args=message[1:], daemon=True).start()
                else:
                    self._answer(*message[1:])
        except (EOFError, OSError):
            pass  # the other end closed
        finally:
            with self._pending_lock:
                self.closed.set()
                waiting, self._pending = list(self._pending.values()), {}
            for future in waiting:
                future.set_exception(WorkerGone("the worker stopped before it answered"))

    def close(self) -> None:
        """Close this end and wait for the reader (the other end must be closed or dead)."""
        self._conn.close()
        if self._reader.is_alive() and self._reader is not threading.current_thread():
            self._reader.join()

    def _send(self, message: tuple[Any, ...]) -> None:
        with self._send_lock:
            self._conn.send(message)  # pickled whole first: a failure sends nothing

    def _settle(self, call_id: int, ok: bool, value: Any) -> None:
        with self._pending_lock:
            future = self._pending.get(call_id)
        if future is None:
            return  # its caller gave up at its deadline
        if ok:
            future.set_result(value)
        else:
            future.set_exception(WorkerCallFailed(value))

    def _take_note(self, kind: str, payload: Any) -> None:
        try:
            self._on_note(kind, payload)
        except Exception:  # a note must never stop the reader
            traceback.print_exc()

    def _answer(self, call_id: int, what: str, payload: Any) -> None:
        try:
            reply: tuple[Any, ...] = ("reply", call_id, True, self._on_call(what, payload))
        except BaseException as exc:  # handed to the caller, which decides
            failure = RemoteFailure(type(exc).__name__, str(exc), traceback.format_exc())
            reply = ("reply", call_id, False, failure)
        try:
            self._send(reply)
        except (OSError, ValueError):
            return  # the other end is gone
        except Exception as exc:  # the value cannot be pickled: say so instead
            value = reply[3]
            message = (
                f"returned {type(value).__name__}, which cannot cross to the kiosk"
                f" (only data can): {exc}"
            )
            self._send(("reply", call_id, False, RemoteFailure("NotData", message)))
