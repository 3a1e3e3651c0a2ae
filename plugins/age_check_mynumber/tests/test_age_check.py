"""My Number card age check: level ≥ 2 and 20+ approves; anything else leaves it to staff."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.app import build_runtime
from kiosk.config import load_config
from kiosk.domain.events import CheckoutState
from kiosk.domain.scan import Scan
from kiosk.store.models import JournalRow
from plugins.age_check_mynumber import METHOD, age_on, mynumber_for

BEER = "4901234000292"
PLUGINS = ("plugins.pay_cash", "plugins.age_check_mynumber")


@pytest.fixture
def runtime(tmp_path):
    rt = build_runtime(load_config(None, data_dir=tmp_path / "k", builtin_plugins=PLUGINS))
    yield rt
    rt.shutdown()


def _journal(runtime, kind):
    with Session(runtime.database()) as s:
        return [r.payload for r in s.scalars(select(JournalRow).where(JournalRow.kind == kind))]


def _years_ago(runtime, years, days_later=0):
    today = runtime.clock().date()
    born = today.replace(year=today.year - years)
    return date.fromordinal(born.toordinal() + days_later)


def test_function_adult_with_pin_is_approved_without_staff(runtime, tmp_path):
    """GIVEN a 35-year-old's card with its PIN entered WHEN beer is scanned THEN it is approved
    digitally (level 2), no attendant is called, and the birth date is stored nowhere."""
    reader = mynumber_for(runtime).reader
    birth = _years_ago(runtime, 35)
    reader.insert_card(birth, pin="4321")
    assert reader.enter_pin("4321")
    runtime.handle_scan(Scan(BEER))
    line = runtime.sale_view().lines[0]
    assert runtime.state is CheckoutState.SHOPPING
    assert line.age_approved_by == f"digital:{METHOD}"
    assert '"assurance_level":2' in _journal(runtime, "age_approved_digitally")[0]
    runtime.pay("cash")
    runtime.finish()
    stored = b"".join(p.read_bytes() for p in (tmp_path / "k").iterdir() if p.is_file())
    for text in (birth.isoformat(), birth.strftime("%Y%m%d"), birth.strftime("%Y/%m/%d")):
        assert text.encode() not in stored


@pytest.mark.parametrize(
    ("years", "days_later", "pin", "outcome"),
    [(19, 1, True, "under_age"), (35, 0, False, "assurance_too_low")],
    ids=["one day short of 20", "card face only (level 1)"],
)
def test_function_staff_are_called_when_the_check_is_not_enough(
    runtime, years, days_later, pin, outcome
):
    reader = mynumber_for(runtime).reader
    reader.insert_card(_years_ago(runtime, years, days_later), pin="1111")
    if pin:
        reader.enter_pin("1111")
    runtime.handle_scan(Scan(BEER))
    assert runtime.state is CheckoutState.NEEDS_ATTENDANT
    assert runtime.sale_view().lines[0].age_approved_by is None
    refused = _journal(runtime, "age_check_digital_refused")
    assert len(refused) == 1 and f'"outcome":"{outcome}"' in refused[0]


def test_function_no_card_wrong_pin_or_read_error_leave_it_to_staff(runtime):
    reader = mynumber_for(runtime).reader
    runtime.handle_scan(Scan(BEER))  # no card
    reader.insert_card(_years_ago(runtime, 40), pin="1111")
    assert not reader.enter_pin("9999")
    runtime.handle_scan(Scan(BEER))
    reader.fail_next = True
    runtime.handle_scan(Scan(BEER))
    assert all(line.age_approved_by is None for line in runtime.sale_view().lines)
    outcomes = [
        p.split('"outcome":"')[1].split('"')[0]
        for p in _journal(runtime, "age_check_digital_refused")
    ]
    assert outcomes == ["assurance_too_low", "read_error"]


def test_function_a_reading_approves_one_item_only(runtime):
    reader = mynumber_for(runtime).reader
    reader.insert_card(_years_ago(runtime, 30))
    reader.enter_pin("1234")
    runtime.handle_scan(Scan(BEER))
    runtime.handle_scan(Scan("4901234000315"))  # chuhai: the card must be read again
    assert runtime.state is CheckoutState.NEEDS_ATTENDANT


def test_function_age_turns_on_the_birthday():
    assert age_on(date(2006, 11, 22), date(2026, 11, 22)) == 20
    assert age_on(date(2006, 11, 23), date(2026, 11, 22)) == 19
    assert age_on(date(2004, 2, 29), date(2024, 2, 28)) == 19
