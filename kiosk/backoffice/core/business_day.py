"""The business day (営業日): when a store's day starts, which is not always midnight.

A store open until 02:00 counts a sale at 01:30 on Saturday as Friday's takings; its day
starts at, say, 04:00. The start is the setting ``business_day_starts`` ("HH:MM", default
"00:00"), edited on the master-data page like the other store settings. A sale's business
date is fixed when it is ingested: changing the start later re-dates only new sales, so
yesterday's settlement never moves under a manager's feet.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from kiosk.backoffice.core.core_reads import read_connection
from kiosk.backoffice.core.errors import InvalidInput
from kiosk.backoffice.masterdata.models import SettingRow

SETTING = "business_day_starts"
MIDNIGHT = time(0, 0)
_SETTINGS: Table = SettingRow.__table__  # type: ignore[assignment]
_START = select(_SETTINGS.c.value).where(_SETTINGS.c.key == SETTING)


def parse_start(value: object) -> time:
    """``"04:00"`` → 04:00; anything else is refused with the expected form."""
    try:
        start = time.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f'{SETTING} {value!r}: use HH:MM, e.g. "04:00"') from None
    if start.second or start.microsecond or start.tzinfo:
        raise InvalidInput(f'{SETTING} {value!r}: HH:MM, hours and minutes only, e.g. "04:00"')
    return start


def day_start(session: Session) -> time:
    # read directly (masterdata imports this module), as a value: every ingest batch asks,
    # and loading it as an ORM object cost about 0.4 ms of CPU a batch; a statement built
    # once, on the connection (core_reads)
    value = read_connection(session).execute(_START).scalar()
    return MIDNIGHT if value is None else parse_start(value["value"])


def business_date(at: datetime, start: time) -> date:
    """The business date of a moment: a sale before ``start`` belongs to the day before."""
    return (at - timedelta(hours=start.hour, minutes=start.minute)).date()
