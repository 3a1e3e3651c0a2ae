"""Item look-up (商品検索) for things without a barcode: departments, then a kana/ABC search."""

from __future__ import annotations

from typing import Any

from kivy.factory import Factory
from kivy.properties import ListProperty, StringProperty

from kiosk.ui.basket_view import screen_name
from kiosk.ui.widgets import KioskButton, KioskScreen

MAX_RESULTS = 12

# department key → English msgid (translated through the catalogue)
DEPARTMENTS = {
    "produce": "Fruit & vegetables",
    "deli": "Deli",
    "meat": "Meat",
    "food": "Food & drink",
    "alcohol": "Alcohol",
    "tobacco": "Tobacco",
    "household": "Household",
    "news": "Newspapers",
    "general": "Other",
}


class LookupScreen(KioskScreen):
    mode = StringProperty("departments")  # departments | search
    department = StringProperty("")
    query = StringProperty("")
    results = ListProperty()
    lang = StringProperty("")

    def on_kv_post(self, *_args: Any) -> None:
        # strong references (``__self__``: ``ids`` holds weak proxies, and a block taken
        # off the tree would be collected)
        self._blocks = {
            "departments": self.ids.departments.__self__,
            "search": self.ids.search_box.__self__,
        }
        self.on_mode(self, self.mode)

    def on_mode(self, _screen: Any, mode: str) -> None:
        """Put only the current block in the body: the other is not laid out or drawn."""
        blocks = getattr(self, "_blocks", None)
        if blocks is None:
            return  # kv not applied yet; on_kv_post does it
        body = self.ids.body
        if body.children != [blocks[mode]]:
            body.clear_widgets()
            body.add_widget(blocks[mode])

    def on_pre_enter(self, *_args: Any) -> None:
        # every visit (every shopper) starts on the department tiles, before the first frame
        self.mode, self.department, self.query = "departments", "", ""
        self.ids.pad.value = ""
        self.refresh_departments()

    def refresh_departments(self) -> None:
        grid = self.ids.departments
        grid.clear_widgets()
        for key in self.ctl.departments():
            # kv rules, not font_size=ctl.fs_large: a size passed here would be kept when
            # the shopper turns large text on or off with the tiles on screen
            tile = Factory.DepartmentTile(text=self.ctl.t(DEPARTMENTS.get(key, key.title())))
            tile.department = key
            tile.bind(on_release=lambda b: self.open_department(b.department))
            grid.add_widget(tile)
        search = Factory.DepartmentTile(text=self.ctl.t("Search by name"), kind="primary")
        search.bind(on_release=lambda _b: self.open_search(""))
        grid.add_widget(search)

    def open_department(self, key: str) -> None:
        self.ctl.activity()
        self.open_search(key)

    def open_search(self, department: str) -> None:
        self.ctl.activity()
        self.department, self.mode = department, "search"
        self.search(self.ids.pad.value)

    def search(self, text: str) -> None:
        self.ctl.activity()
        self.query = text
        products = self.ctl.search(text, self.department or None)
        self.results = products[:MAX_RESULTS]
        grid = self.ids.results
        grid.clear_widgets()
        for product in self.results:
            name = screen_name(product, self.ctl.language)
            label = f"{name}\n{self.ctl.yen(product.price)}"
            if product.weighed:
                label = f"{name}\n{self.ctl.t('by weight')}"
            tile = KioskButton(text=label, kind="tile")  # fs_body, by KioskButton's rule
            tile.product = product
            tile.bind(on_release=lambda b: self.ctl.add_product(b.product))
            grid.add_widget(tile)
        self.ids.results_scroll.scroll_y = 1  # a new search starts at its first results

    def on_leave(self, *_args: Any) -> None:
        self.ids.results.clear_widgets()
