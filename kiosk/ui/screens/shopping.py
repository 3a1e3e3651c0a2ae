"""Shopping screen (お買い物): the basket, the last item, the total and what to do next.

A scan must reach the screen within a frame or two, so the basket list is updated in place:
only changed rows go into the RecycleView's data (an append for a new line, an item
assignment for a changed one), and each basket line keeps its row widget across updates
(:class:`LineAdapter`), so the labels of unchanged lines are never laid out or rendered
again. While another screen is shown the list is not touched; it catches up when the
shopping screen is about to appear.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview.views import RecycleDataAdapter, _cached_views

from kiosk.ui.list_view import KioskRecycleView
from kiosk.ui.widgets import KioskScreen


class BasketRow(BoxLayout):
    """One basket line in the RecycleView: name (※ reduced rate), − qty +, amount, remove."""

    ctl = ObjectProperty(None)
    line_id = NumericProperty(0)
    name = StringProperty("")
    qty = StringProperty("")
    amount = StringProperty("")
    reduced = BooleanProperty(False)
    weighed = BooleanProperty(False)
    unit = StringProperty("")  # "@￥150 × 2" under the name when the quantity is not 1


class AdjustmentRow(BoxLayout):
    """A discount under the lines (coupon, promotion, member price): label and −￥100."""

    ctl = ObjectProperty(None)
    line_id = ObjectProperty(None)  # "adj:<key>": the adapter keeps a row per discount
    label = StringProperty("")
    amount = StringProperty("")


class LineAdapter(RecycleDataAdapter):
    """Gives each basket line back the row widget that showed it before a data change.

    Kivy's RecycleLayout invalidates every visible view on any data change and hands them
    out again from a LIFO cache, so the rows get shuffled between lines and every visible
    label is re-rendered for one new line. Keyed by ``line_id`` instead, a row that shows
    the same line again receives equal property values, which Kivy does not dispatch.
    """

    key = "line_id"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._by_key: dict[Any, Any] = {}
        self.spare: list[Any] = []  # rows made ahead (ShoppingScreen.make_rows_ahead)

    def create_view(self, index: int, data_item: dict, viewclass: Any) -> Any:
        if not self.spare or viewclass is not self.spare[-1].__class__:
            return super().create_view(index, data_item, viewclass)
        view = self.spare.pop()
        self.refresh_view_attrs(index, data_item, view)
        return view

    def invalidate(self) -> None:
        for view in self.views.values():
            self._keep(view)
        for views in self.dirty_views.values():
            for view in views.values():
                self._keep(view)
        self.views = {}
        self.dirty_views.clear()

    def _keep(self, view: Any) -> None:
        key = getattr(view, "_line_key", None)
        if key is None or key in self._by_key:
            _cached_views[view.__class__].append(view)
        else:
            self._by_key[key] = view

    def get_view(self, index: int, data_item: dict, viewclass: Any) -> Any:
        key = data_item.get(self.key)
        view = self._by_key.pop(key, None) if key is not None else None
        if view is not None and view.__class__ is viewclass:
            self.refresh_view_attrs(index, data_item, view)
        else:
            if view is not None:
                _cached_views[view.__class__].append(view)
            view = super().get_view(index, data_item, viewclass)
        if view is not None:
            view._line_key = key
        return view

    def set_visible_views(self, indices: Any, data: Any, viewclasses: Any) -> Any:
        result = super().set_visible_views(indices, data, viewclasses)
        for view in self._by_key.values():  # lines that went away or scrolled out
            _cached_views[view.__class__].append(view)
        self._by_key.clear()
        return result


def forget_cached_rows(ctl: Any) -> None:
    """Take ``ctl``'s rows out of Kivy's process-wide cache of unused views: each row holds
    its controller (and through it the app, the plugins' UI models), so a stopped kiosk's
    rows kept that whole app alive — in tests, every kiosk made before the current one."""
    # a plugin's rows hold its view of the controller (the station's basket)
    owners = {id(ctl), *(id(view) for view in ctl.plugin_views())}
    for views in _cached_views.values():
        views[:] = [view for view in views if id(getattr(view, "ctl", None)) not in owners]


class BasketView(KioskRecycleView):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("view_adapter", LineAdapter())
        super().__init__(**kwargs)


def _same_prefix(rows: list[dict], old: list[dict]) -> int:
    """How many leading rows are unchanged (the same dict, or an equal one)."""
    for index, (new_row, old_row) in enumerate(zip(rows, old, strict=False)):
        if new_row is not old_row and new_row != old_row:
            return index
    return min(len(rows), len(old))


def _changed(rows: list[dict], old: list[dict], start: int) -> list[int]:
    return [
        index
        for index in range(start, len(rows))
        if rows[index] is not old[index] and rows[index] != old[index]
    ]


def _lines_added_above(lines: list[dict], discounts: list[dict], old: list[dict], n: int) -> bool:
    """New lines scanned while discount rows are shown, the rest unchanged (same dicts)."""
    return (
        bool(discounts)
        and len(lines) > n
        and len(old) == n + len(discounts)
        and all(a is b for a, b in zip(lines[:n], old[:n], strict=True))
        and all(a is b for a, b in zip(discounts, old[n:], strict=True))
    )


class ShoppingScreen(KioskScreen):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown_rows: list[dict] = []  # ctl.rows as the RecycleView has them now
        self._shown_lines = 0  # how many of them are basket lines (the rest: discounts)
        self._view_rows: dict[int, tuple[dict, dict]] = {}  # id(row) → (row, view row)
        self.ctl.fbind("rows", self._rows_changed)
        self.ctl.fbind("adjust_rows", self._rows_changed)
        self.sync_rows()
        Clock.schedule_once(self.make_rows_ahead)

    def make_rows_ahead(self, *_args: Any) -> None:
        """Build the row widgets a full basket view needs now, while nobody is waiting.

        Made on demand, a BasketRow (eight widgets and their kv rules) lands on the scan
        that first needs it: ~6 ms CPU each, and the first one in the process ~220 ms
        (first-time set-up of its kv rule and fonts) — the first shopper's first scan.
        """
        adapter = self.ids.basket.view_adapter
        row_height = self.ids.basket.layout_manager.default_size[1]
        need = int(Window.height // row_height) + 1
        while len(adapter.spare) + len(adapter.views) < need:
            adapter.spare.append(BasketRow())

    def on_pre_enter(self, *_args: Any) -> None:
        self.sync_rows()

    def _rows_changed(self, *_args: Any) -> None:
        if self.live:
            self.sync_rows()

    def rows_for_view(self, rows: list[dict]) -> list[dict]:
        return [self._view_row(row) for row in rows]

    def _view_row(self, row: dict) -> dict:
        cached = self._view_rows.get(id(row))
        if cached is not None and cached[0] is row:
            return cached[1]
        view_row = dict(row, ctl=self.ctl)
        if "label" in row:  # a discount row
            view_row["viewclass"] = "AdjustmentRow"
        self._view_rows[id(row)] = (row, view_row)
        return view_row

    def sync_rows(self) -> None:
        """Bring the RecycleView's data up to ``ctl.rows``, touching only what changed.

        The controller hands out the same row dict for a line that did not change, so
        identity tells which rows are new or changed.
        """
        lines, discounts = list(self.ctl.rows), list(self.ctl.adjust_rows)
        rows = [*lines, *discounts]  # discounts after the lines
        old, old_lines = self._shown_rows, self._shown_lines
        data = self.ids.basket.data
        if rows == old and len(data) == len(rows):
            self._shown_rows, self._shown_lines = rows, len(lines)
            return
        same = _same_prefix(rows, old)
        if len(data) != len(old):  # the view's data was replaced elsewhere: start again
            self.ids.basket.data = self.rows_for_view(rows)
        elif same == len(old) and len(rows) > len(old):  # lines added at the end
            data.extend(self.rows_for_view(rows[same:]))
        elif _lines_added_above(lines, discounts, old, old_lines):
            for index, row in enumerate(lines[old_lines:], start=old_lines):
                data.insert(index, self._view_row(row))  # above the unchanged discounts
        elif len(rows) == len(old) and len(changed := _changed(rows, old, same)) <= 4:
            for index in changed:  # a quantity, a price: those rows only
                data[index] = self._view_row(rows[index])
        else:  # lines removed, many changed (a new language), a new sale
            self.ids.basket.data = self.rows_for_view(rows)
        live = {id(row) for row in rows}
        self._view_rows = {k: v for k, v in self._view_rows.items() if k in live}
        self._shown_rows, self._shown_lines = rows, len(lines)
