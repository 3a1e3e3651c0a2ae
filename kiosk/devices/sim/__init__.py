"""Simulators: drivers with no hardware behind them, driven from tests and the dev panel.

Every simulator is a normal driver (so the device, its lifecycle and its events are the real
code) plus methods a test calls to make things happen: ``inject_scan``, ``run_out_of_paper``,
``jam``, ``drop_connection`` …
"""
