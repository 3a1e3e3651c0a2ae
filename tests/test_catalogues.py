"""GIVEN the core and every plugin THEN each message key marked in code (t(), N_(),
Message.of(), a plugin's *_message()) is translated in ja, en, zh-Hans and ko by the
catalogue of its own gettext domain, with the same {fields}, and every catalogue compiles."""

from pathlib import Path

import pytest

from kiosk import messages
from kiosk.messages import LANGUAGES, Message
from kiosk.messages_check import packages, po_file, problems, uses_in, uses_in_package

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = list(packages(ROOT))


@pytest.mark.parametrize(("package", "domain"), PACKAGES, ids=[d for _, d in PACKAGES])
def test_every_key_is_translated_in_its_own_domain(package: Path, domain: str) -> None:
    uses = uses_in_package(package, domain, ROOT)
    assert problems(package, domain, uses) == []
    # a plugin's core keys (``t()``, ``Message.of()`` without a domain) are in kiosk.po
    core = [u for u in uses if u.domain == "kiosk"]
    assert problems(ROOT / "kiosk", "kiosk", core) == []


def test_the_scan_finds_keys_in_each_marker_and_domain(tmp_path: Path) -> None:
    source = tmp_path / "plugins" / "acme" / "x.py"
    source.parent.mkdir(parents=True)
    source.write_text(
        "raise Refused(N_('Scan your card.'))\n"
        "acme_message('Welcome, {name}.', name=n)\n"
        "Message.of('Please call staff.')\n"
        "Message.of('Points: {n}', DOMAIN, n=1)\n"
        "ctl.t('Pay')\n"
        "ctl.t('Tax-free', ctl.language, domain=DOMAIN)\n"
        "runtime.translate('Your points: {n}', n=3)\n"
        "runtime.translate('Pay', domain='kiosk')\n"
        "Message.of('{text}', text=label)\n"
        "print('not a key')\n",
        encoding="utf-8",
    )
    found = {(u.domain, u.msgid) for u in uses_in(source, "plugins.acme", tmp_path)}
    assert found == {
        ("plugins.acme", "Scan your card."),
        ("plugins.acme", "Welcome, {name}."),
        ("kiosk", "Please call staff."),
        ("plugins.acme", "Points: {n}"),
        ("kiosk", "Pay"),
        ("plugins.acme", "Tax-free"),
        ("plugins.acme", "Your points: {n}"),
        ("kiosk", "Pay"),
    }


def test_a_missing_or_untranslated_key_is_named(tmp_path: Path) -> None:
    package = tmp_path / "acme"
    for language in LANGUAGES:
        po = po_file(package, "plugins.acme", language)
        po.parent.mkdir(parents=True)
        text = "" if language == "ko" else "X {n}"
        po.write_text(f'msgid "Points: {{n}}"\nmsgstr "{text}"\n', encoding="utf-8")
    uses = uses_in_package(package, "plugins.acme", tmp_path)
    assert uses == []
    (package / "p.py").write_text("N_('Points: {n}')\nN_('New')\n", encoding="utf-8")
    found = problems(package, "plugins.acme", uses_in_package(package, "plugins.acme", tmp_path))
    assert any("ko" in p and "'Points: {n}' is not translated" in p for p in found)
    assert sum("no entry for 'New'" in p for p in found) == 4


@pytest.mark.parametrize(("package", "domain"), PACKAGES, ids=[d for _, d in PACKAGES])
def test_catalogues_compile_and_are_real_translations(package: Path, domain: str) -> None:
    """No .mo files are shipped: each .po compiles in memory (kiosk.messages.catalogue);
    a ja/zh-Hans/ko catalogue that is a copy of English is not a translation."""
    for language in LANGUAGES:
        path = po_file(package, domain, language)
        if not path.is_file():
            continue
        # this checkout's file (an example package may be installed from another one)
        compiled = messages.compile_po(path, language, domain)
        keys = [u.msgid for u in uses_in_package(package, domain, ROOT) if u.domain == domain]
        if language != "en" and keys:
            same = [k for k in keys if compiled.gettext(k) == k]
            assert len(same) <= len(keys) // 10, (language, same)
    assert not list(package.rglob("*.mo"))


def test_a_plugin_key_is_looked_up_in_the_plugin_domain_only() -> None:
    key = "This coupon has run out."
    assert Message.of(key, "plugins.coupons").render("ko") != key
    assert Message.of(key).render("ko") == key  # not in the core catalogue
    from kiosk.ui.i18n import Translator  # the screen's ctl.t(msgid, domain=…)

    assert Translator()(key, "ko", "plugins.coupons") == Message.of(key, "plugins.coupons").render(
        "ko"
    )
    assert Translator()(key, "ko") == key


def test_store_data_keeps_the_stores_words_and_an_unnamed_coupon_is_translated() -> None:
    """Names the store keys (a coupon's label_<lang>) are data: the shopper's language, else
    Japanese; only the default name when the store gave none is a key."""
    from kiosk.messages import render_param
    from plugins.coupons.rules import CouponTerms

    named = CouponTerms.from_mapping("C1", {"amount_off": 100, "label_ja": "百円引"})
    unnamed = CouponTerms.from_mapping("C2", {"amount_off": 100})
    assert render_param(named.label, "ko") == "百円引"
    assert [render_param(unnamed.label, lang) for lang in LANGUAGES] == [
        "クーポン",
        "Coupon",
        "优惠券",
        "쿠폰",
    ]
