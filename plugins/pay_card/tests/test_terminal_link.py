"""The card method's network is the terminal's own word on its card-network link (KTP/1
``link``), never the back office: up, down (store-and-forward under caps), closed or
unreachable (held, nothing sent)."""

from __future__ import annotations

import socket

from kiosk.payments.probe import CachedProbe
from plugins.pay_card import card_method
from plugins.pay_card.client import TerminalClient
from plugins.pay_card.method import CardMethod, StoreAndForward
from plugins.pay_card.simulator import CardTerminalSimulator


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def card_on(client: TerminalClient, saf: StoreAndForward | None = None) -> CardMethod:
    """As the plugin wires it (one cached probe behind both questions), without caching."""
    return card_method(client, saf, link_ttl_s=0)


def test_link_answers_up_down_closed_and_unreachable() -> None:
    terminal = CardTerminalSimulator().start()
    try:
        client = TerminalClient("127.0.0.1", terminal.port)
        assert client.link() == "up"
        terminal.offline = True
        assert client.link() == "down"
        terminal.closed = True
        assert client.link() == "closed"
        assert terminal.requests == []  # probes are not payment operations
    finally:
        terminal.stop()
    assert TerminalClient("127.0.0.1", free_port()).link() == "unreachable"


def test_card_network_down_holds_card_without_caps_and_caps_apply_with_them() -> None:
    terminal = CardTerminalSimulator().start()
    try:
        client = TerminalClient("127.0.0.1", terminal.port, sale_timeout_s=5)
        plain = card_on(client)
        assert plain.network_up() and plain.available(plain.network_up())
        terminal.offline = True
        assert not plain.network_up() and not plain.available(False)
        assert "no offline caps" in plain.network_problem()

        capped = card_on(client, StoreAndForward(per_payment_cap=3000, total_cap=4000))
        assert capped.available(capped.network_up())  # store-and-forward left
        assert not capped.accepts(3500)  # over the per-payment cap
        assert capped.start(3000, "k-saf").reference.startswith("SAF-")
        assert not capped.accepts(1500)  # over what the total leaves
        terminal.closed = True  # not ready: nothing at all, caps or not
        assert not capped.available(capped.network_up())
        assert "not answering or not ready" in capped.network_problem()
    finally:
        terminal.stop()


def test_a_probe_is_cached_until_it_is_too_old_or_forgotten() -> None:
    answers, now = iter(["up", "down", "closed"]), [0.0]
    probe = CachedProbe(lambda: next(answers), ttl_s=5, clock=lambda: now[0])
    assert probe.get() == "up"
    now[0] = 4.9
    assert probe.get() == "up"
    now[0] = 5.0
    assert probe.get() == "down"
    probe.forget()
    assert probe.get() == "closed"
