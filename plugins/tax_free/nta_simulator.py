"""A stand-in for the NTA's tax-free sales management system, for tests and demos.

:class:`NtaSimulator` keeps filed records and customs confirmations in memory, with faults
to inject (endpoint away, answer lost after filing). :class:`InProcessTransmitter` calls it
directly; :func:`create_app` wraps it in FastAPI and :class:`SimulatorServer` serves that on
127.0.0.1 at an ephemeral port for :class:`~plugins.tax_free.transmission.HttpTransmitter`.
The wire format is ours: the real interface is only available to registered senders.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from datetime import date
from typing import Any

import uvicorn
from fastapi import FastAPI, Header, HTTPException

from plugins.tax_free.errors import TransmissionRejected, TransmissionUnavailable
from plugins.tax_free.transmission import CustomsConfirmation, SubmitAck

REQUIRED = ("record_id", "sale_id", "store", "sold_at", "buyer", "items")


class NtaSimulator:
    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}  # idempotency key → payload
        self.receipts: dict[str, str] = {}
        self.filings = 0  # how many records were really filed (duplicates do not count)
        self.confirmation_log: list[CustomsConfirmation] = []
        self._fail_next = 0
        self._lose_next_answers = 0
        self._lock = threading.Lock()

    # --- faults ------------------------------------------------------------------------

    def fail_next(self, count: int = 1) -> None:
        """The next ``count`` submissions fail before anything is filed (endpoint away)."""
        self._fail_next += count

    def lose_next_answers(self, count: int = 1) -> None:
        """The next ``count`` submissions are filed but the answer is lost on the way back."""
        self._lose_next_answers += count

    # --- the endpoint ------------------------------------------------------------------

    def submit(self, payload: dict[str, Any], idempotency_key: str) -> SubmitAck:
        with self._lock:
            if self._fail_next:
                self._fail_next -= 1
                raise TransmissionUnavailable("simulated outage")
            missing = [key for key in REQUIRED if not payload.get(key)]
            if missing:
                raise TransmissionRejected(f"missing fields: {', '.join(missing)}")
            if idempotency_key in self.records:
                if _canonical(self.records[idempotency_key]) != _canonical(payload):
                    raise TransmissionRejected("idempotency key reused for a different record")
                return SubmitAck(self.receipts[idempotency_key], duplicate=True)
            correction = payload.get("correction")
            if correction is not None and correction.get("corrects_receipt") not in set(
                self.receipts.values()
            ):
                raise TransmissionRejected("a correction of a record never filed")
            self.records[idempotency_key] = payload
            self.receipts[idempotency_key] = f"NTA-{len(self.receipts) + 1:08d}"
            self.filings += 1
            if self._lose_next_answers:
                self._lose_next_answers -= 1
                raise TransmissionUnavailable("simulated lost answer")
            return SubmitAck(self.receipts[idempotency_key])

    def corrections(self, record_id: str) -> list[dict[str, Any]]:
        """The corrections (訂正/取消) filed for ``record_id``, in the order filed."""
        with self._lock:
            return [
                p["correction"]
                for p in self.records.values()
                if p["record_id"] == record_id and "correction" in p
            ]

    def confirmations(self, after: int) -> list[CustomsConfirmation]:
        with self._lock:
            return [c for c in self.confirmation_log if c.seq > after]

    # --- customs at the airport --------------------------------------------------------

    def customs_confirm(
        self, record_id: str, export_date: date, missing_lines: tuple[int, ...] = ()
    ) -> CustomsConfirmation:
        """Customs checks the buyer's goods at departure; ``missing_lines`` were not shown."""
        with self._lock:
            payload = next(
                p
                for p in self.records.values()
                if p["record_id"] == record_id and "correction" not in p
            )
            lines = tuple(item["line_no"] for item in payload["items"])
            confirmation = CustomsConfirmation(
                seq=len(self.confirmation_log) + 1,
                record_id=record_id,
                export_date=export_date,
                confirmed_lines=tuple(n for n in lines if n not in missing_lines),
                unconfirmed_lines=tuple(n for n in lines if n in missing_lines),
            )
            self.confirmation_log.append(confirmation)
            return confirmation


def _canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False)


class InProcessTransmitter:
    """A transmitter that calls a simulator (or any object with the same two methods)."""

    def __init__(self, simulator: NtaSimulator) -> None:
        self.simulator = simulator

    def submit(self, payload: dict[str, Any], idempotency_key: str) -> SubmitAck:
        return self.simulator.submit(json.loads(json.dumps(payload)), idempotency_key)

    def confirmations(self, after: int) -> list[CustomsConfirmation]:
        return self.simulator.confirmations(after)


def create_app(simulator: NtaSimulator) -> FastAPI:
    app = FastAPI(title="NTA tax-free endpoint (simulated)")

    @app.post("/v1/purchase-records", status_code=201)
    def file_record(
        payload: dict[str, Any], idempotency_key: str = Header(alias="Idempotency-Key")
    ) -> dict[str, Any]:
        try:
            ack = simulator.submit(payload, idempotency_key)
        except TransmissionUnavailable as exc:
            raise HTTPException(503, str(exc)) from None
        except TransmissionRejected as exc:
            status = 409 if "idempotency" in str(exc) else 422
            raise HTTPException(status, str(exc)) from None
        return {"receipt_id": ack.receipt_id, "duplicate": ack.duplicate}

    @app.get("/v1/customs-confirmations")
    def list_confirmations(after: int = 0) -> dict[str, Any]:
        return {"confirmations": [c.to_json() for c in simulator.confirmations(after)]}

    return app


class SimulatorServer:
    """Serve the simulator on 127.0.0.1 at a free port; ``stop()`` in a fixture's teardown.

    ``port``: serve on that port instead (to bring a stopped simulator back at the same URL).
    """

    def __init__(self, simulator: NtaSimulator, port: int = 0) -> None:
        self.simulator = simulator
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", port))
        self.port = self._socket.getsockname()[1]
        config = uvicorn.Config(create_app(simulator), log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_within_s: float = 10.0) -> SimulatorServer:
        self._thread.start()
        waited = 0.0
        while not self._server.started:
            if not self._thread.is_alive() or waited > ready_within_s:
                raise RuntimeError("the NTA simulator did not start")
            time.sleep(0.01)
            waited += 0.01
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()
