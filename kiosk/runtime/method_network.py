"""Which payment methods can take money now, by each method's own network.

A method's availability is its plugin's word (:meth:`PaymentMethod.network_up`: its
terminal's link, its provider's gateway, its reader's lifecycle), never whether the back
office answers: the back office gathers sales afterwards (the outbox relay delivers them
when it can) and is not in the payment path. A shop sells the same with it or without it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kiosk.domain.money import Yen
from kiosk.payments.method import PaymentMethod

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MethodsNow:
    """One look at the methods: those that can take the amount due, and those held back
    because their own network is down (named to the shopper, with staff detail)."""

    usable: list[PaymentMethod]
    held: list[PaymentMethod]
    problems: dict[str, str]  # method id -> what is down, for staff and the log


class MethodNetworks:
    """Asks each method about its network once per look, and logs when that changes."""

    def __init__(self) -> None:
        self._logged: dict[str, str] = {}

    def look(self, methods: list[PaymentMethod], due: Yen) -> MethodsNow:
        usable: list[PaymentMethod] = []
        held: list[PaymentMethod] = []
        problems: dict[str, str] = {}
        for method in methods:
            up = bool(method.network_up())
            if not up:
                problems[method.id] = method.network_problem() or f"{method.id}: network down"
            if method.available(up) and (due == 0 or method.accepts(due)):
                usable.append(method)
            elif not up and (due == 0 or method.min_amount <= due <= method.max_amount):
                held.append(method)  # down (or over its offline cap): the screen says why
        self._log_changes(problems)
        return MethodsNow(usable, held, problems)

    def _log_changes(self, problems: dict[str, str]) -> None:
        for method_id, problem in problems.items():
            if self._logged.get(method_id) != problem:
                log.warning("payment method %s unavailable: %s", method_id, problem)
        for method_id in self._logged.keys() - problems.keys():
            log.info("payment method %s: its network is back", method_id)
        self._logged = dict(problems)
