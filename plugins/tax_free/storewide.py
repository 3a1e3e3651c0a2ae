"""Store-wide same-day totals: this kiosk's records plus the other kiosks' from the back office.

The ¥5,000 minimum is per buyer, *store* and day, but each kiosk holds only its own records.
The back office ingests every kiosk's record summaries (:mod:`plugins.tax_free.summary`)
and answers "the other kiosks' net total for this buyer key today"; this kiosk adds its own
records, which are always current locally (its own summaries may still sit in the outbox).

When the back office does not answer within ``timeout_s`` (or the sync relay already
knows it is away) the total falls back to this kiosk's records alone and says so in the
log: a sale never waits long on the network.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

import httpx

from kiosk.domain.money import Yen
from plugins.tax_free.store import TaxFreeStore

log = logging.getLogger(__name__)

SAME_DAY_PATH = "/api/v1/tax-free/same-day"


class BackofficeTotals:
    def __init__(
        self,
        store: TaxFreeStore,
        url: str,
        token: str,
        timeout_s: float = 2.0,
        client: httpx.Client | None = None,
        online: Callable[[], bool] = lambda: True,
    ) -> None:
        self.store = store
        self.online = online  # the sync relay's view: no waiting on a back office it lost
        self.client = client or httpx.Client(base_url=url, timeout=timeout_s)
        self._headers = {"Authorization": f"Bearer {token}"}
        self.last_source = "local"  # local | store (what the last answer was made of)

    def same_day_net(self, buyer_key: str, store_code: str, sale_date: date) -> Yen:
        local = self.store.same_day_net_by_key(buyer_key, store_code, sale_date)
        if not self.online():
            self.last_source = "local"
            return local
        params = {
            "buyer_key": buyer_key,
            "key_id": self.store.cipher.key_id(),
            "store_code": store_code,
            "date": sale_date.isoformat(),
        }
        try:
            response = self.client.get(SAME_DAY_PATH, params=params, headers=self._headers)
            response.raise_for_status()
            others = int(response.json()["others_net"])
        except (httpx.HTTPError, KeyError, TypeError, ValueError) as exc:
            log.warning(
                "tax-free: same-day total from this kiosk only (back office: %s)",
                type(exc).__name__,
            )
            self.last_source = "local"
            return local
        self.last_source = "store"
        return local + others

    def close(self) -> None:
        self.client.close()
