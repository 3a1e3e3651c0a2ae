"""``kiosk_report_sections`` returns typed sections (kiosk.domain.report_section): the host
checks each like every hook result, and the back office lays them out escaped."""

from __future__ import annotations

from kiosk.backoffice.core.templates import environment
from kiosk.domain.report_section import ReportSection
from kiosk.hookspecs import hookimpl
from kiosk.plugins import PluginHost

POINTS = ReportSection(
    "Points ポイント",
    ("Kiosk 端末", "Earned 付与", "Used 利用"),
    (("K01", 1200, 300), ("K02", 40, 0)),
    note="Training sales are left out.",
)


class Reporter:
    def __init__(self, sections: list) -> None:
        self.sections = sections

    @hookimpl
    def kiosk_report_sections(self, report):
        return self.sections


def _host(**plugins: Reporter) -> PluginHost:
    host = PluginHost()
    for name, plugin in plugins.items():
        host.register(plugin, name)
    return host


def test_a_typed_section_reaches_the_back_office():
    """GIVEN a plugin returning a ReportSection WHEN the back office asks THEN it gets it."""
    host = _host(points=Reporter([POINTS]))
    assert host.call_each("kiosk_report_sections", report="daily") == [POINTS]
    assert not host.problems


def test_an_untyped_or_ragged_section_disables_its_plugin_only():
    """GIVEN one plugin returning text, one a row longer than its columns, one a float cell
    WHEN the back office asks THEN each is disabled with the field named, and the good
    plugin's section still arrives."""
    ragged = ReportSection("Coupons", ("Coupon",), (("C100", 3),))
    floating = ReportSection("Tax-free", ("Kiosk", "Rate"), (("K01", 0.1),))
    host = _host(
        text=Reporter(["loyalty section"]),
        ragged=Reporter([ragged]),
        floating=Reporter([floating]),
        points=Reporter([POINTS]),
    )
    assert host.call_each("kiosk_report_sections", report="daily") == [POINTS]
    messages = {p.plugin: p.staff_message() for p in host.problems}
    assert "item [0] is 'loyalty section' (str), not a ReportSection" in messages["text"]
    assert "ReportSection.rows[0] is not a row of 1 cells" in messages["ragged"]
    assert "ReportSection.rows[0][1] is float, not str or int" in messages["floating"]
    assert "points" not in messages


def test_the_report_page_lays_a_section_out_escaped():
    """GIVEN a section whose text holds markup WHEN laid out THEN it is escaped, and integers
    are grouped."""
    section = ReportSection("<b>Points</b>", ("Kiosk", "Earned"), (("<K01>", 1200),), "a & b")
    laid_out = '{% from "core/macros.html" import report_section %}{{ report_section(s) }}'
    html = environment().from_string(laid_out).render(s=section)
    assert "&lt;b&gt;Points&lt;/b&gt;" in html and "<b>" not in html
    assert '<td class="t">&lt;K01&gt;</td><td>1,200</td>' in html
    assert "a &amp; b" in html
