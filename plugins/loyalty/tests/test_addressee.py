"""A 領収書's addressee from the member record (the loyalty plugin's addressee source)."""

from types import SimpleNamespace

from plugins.loyalty.ui.enrol import member_addressee


def test_member_addressee_follows_the_stores_show_name():
    shown = SimpleNamespace(view=lambda member_id: SimpleNamespace(display_name="山田 花子"))
    hidden = SimpleNamespace(view=lambda member_id: SimpleNamespace(display_name=None))
    assert member_addressee(shown, "M0123456789ab") == "山田 花子"
    assert member_addressee(hidden, "M0123456789ab") == ""
    assert member_addressee(shown, None) == "" and member_addressee(None, "M1") == ""
