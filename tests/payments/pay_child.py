"""Child kiosk for the kill -9 test: pays card sales forever; prints ``PAID <sale_id>``
only after the sale is committed. The parent's terminal simulator kills it mid-sale."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.payments.faults import ONIGIRI, kiosk

if __name__ == "__main__":
    from kiosk.domain.scan import Scan

    runtime = kiosk(Path(sys.argv[1]), int(sys.argv[2]))  # resolves the last kill first
    for _ in range(50):
        runtime.handle_scan(Scan(ONIGIRI, source="kill-test"))
        sale = runtime.pay("card")
        print(f"PAID {sale.sale_id}", flush=True)
        runtime.finish()
