"""Reloading the catalogue beside the one in use (``KioskRuntime.reload_catalogue``).

GIVEN a runtime WHEN a new catalogue is applied THEN scans price from it; the old one is let
go in chunks only when nothing else still reads it, and the collector and switch interval
the build changes are back as they were.
"""

from __future__ import annotations

import gc
import sys
import weakref

from kiosk.domain.catalogue import Catalogue
from tests.factories import ONIGIRI, SOAP


def test_a_reload_swaps_in_the_new_catalogue_and_frees_the_old(runtime):
    old = weakref.ref(runtime.catalogue)
    runtime.store.replace_catalogue([ONIGIRI, SOAP])
    runtime.reload_catalogue()
    assert sorted(p.sku for p in runtime.catalogue) == sorted([ONIGIRI.sku, SOAP.sku])
    assert runtime.checkout.catalogue is runtime.catalogue
    assert old() is None


def test_a_catalogue_still_read_elsewhere_is_left_whole(runtime):
    reading = runtime.catalogue
    before = sorted(p.sku for p in reading)
    runtime.store.replace_catalogue([ONIGIRI])
    runtime.reload_catalogue()
    assert sorted(p.sku for p in reading) == before  # not emptied under its reader
    assert [p.sku for p in runtime.catalogue] == [ONIGIRI.sku]


def test_the_collector_and_switch_interval_are_restored(runtime):
    interval = sys.getswitchinterval()
    runtime.reload_catalogue()
    assert gc.isenabled()
    assert sys.getswitchinterval() == interval


def test_emptied_empties_in_chunks():
    catalogue = Catalogue([ONIGIRI, SOAP])
    left = list(catalogue.emptied(1))
    assert len(catalogue) == 0
    assert left[-1] == 0 and len(left) >= 2
