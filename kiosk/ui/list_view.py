"""The kiosk's scrolling list (the basket): a RecycleView that costs no frames of its own.

Three things of Kivy's ScrollView cost every frame a software rasteriser (Mesa llvmpipe: CI,
and kiosks without a GPU driver) draws, and a scan's line waits for the frame being drawn
when it arrives:

* **The stencil clip.** Kivy's ScrollView is a StencilView: every frame it clears the
  stencil buffer and draws its rectangle into it twice. A scissor box clips the same
  axis-aligned box for nothing (with ScreenManager's stencil gone too, the rasteriser's
  CPU per frame went from ~22.6 to ~20 ms). Our rule (widgets.kv) is ScrollView's own
  minus the stencil.
* **The rows' backgrounds.** Opaque rectangles, one per row: shaded, textured and blended
  pixel by pixel. ``fill`` paints the same colour under the rows as a clear confined to
  the visible rows by the scissor box: a third of the cost. Rows then draw only the gaps
  between them (``BasketRow``).
* **The fading bar.** Half a second after the list changes, Kivy fades its scroll bar out
  over another half second: a shopper scanning an item a second kept the kiosk redrawing
  the whole window at full rate half of the time. Our bar stays shown (a shopper also sees
  at once that the list goes on).

The scissor box is in the coordinates of the buffer being drawn: the window, except while a
screen transition draws the screen into a buffer of its own (Kivy's ``ShaderTransition``
translates the screen to that buffer's origin), where it is the box on the screen.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import ColorProperty, ListProperty
from kivy.uix.recycleview import RecycleView
from kivy.uix.screenmanager import Screen, ShaderTransition


def _intersect(box: list[int], other: list[int]) -> list[int]:
    x, y = max(box[0], other[0]), max(box[1], other[1])
    right = min(box[0] + box[2], other[0] + other[2])
    top = min(box[1] + box[3], other[1] + other[3])
    return [x, y, max(0, right - x), max(0, top - y)]


class KioskRecycleView(RecycleView):
    clip_box = ListProperty([0, 0, 0, 0])  # x, y, width, height: integer pixels of the target
    fill = ColorProperty([0, 0, 0, 0])  # under the rows; transparent: nothing is filled
    fill_box = ListProperty([0, 0, 0, 0])  # the rows' visible part, in the same pixels

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._screen: Screen | None = None
        self._manager: Any = None
        self._transition: Any = None
        self.fbind("pos", self.update_clip_box)
        self.fbind("size", self.update_clip_box)
        self.fbind("fill", self.update_clip_box)
        # the screen above us is known once the kv tree is attached: look a tick later
        self.fbind("parent", lambda *_: Clock.schedule_once(self._follow_screen))

    def _follow_screen(self, *_args: Any) -> None:
        screen = self.parent
        while screen is not None and not isinstance(screen, Screen):
            screen = screen.parent
        self._rebind("_screen", screen, pos=self.update_clip_box, manager=self._follow_manager)
        self._follow_manager()

    def _follow_manager(self, *_args: Any) -> None:
        manager = self._screen.manager if self._screen is not None else None
        self._rebind("_manager", manager, transition=self._follow_manager)
        transition = manager.transition if manager is not None else None
        self._rebind("_transition", transition, is_active=self.update_clip_box)
        self.update_clip_box()

    def _rebind(self, attr: str, new: Any, **callbacks: Any) -> None:
        old = getattr(self, attr)
        if old is new:
            return
        for name, callback in callbacks.items():
            if old is not None:
                old.funbind(name, callback)
            if new is not None:
                new.fbind(name, callback)
        setattr(self, attr, new)

    def in_transition_buffer(self) -> bool:
        """Whether our screen is being drawn into a shader transition's own buffer now."""
        transition, screen = self._transition, self._screen
        return (
            isinstance(transition, ShaderTransition)
            and transition.is_active
            and screen in (transition.screen_in, transition.screen_out)
        )

    def _bind_inactive_bar_color(self, *_args: Any) -> None:
        """Kivy's fade-out of the bar (scheduled by ScrollView on every change): not here."""

    def update_from_scroll(self, *args: Any) -> None:
        # Kivy binds ``bar_color`` on every scroll update and unbinds it only in the fade-out
        # left out above: one more binding per update, shopper after shopper, for good.
        # Unbinding first keeps it at one.
        self.funbind("bar_color", self._change_bar_color)
        super().update_from_scroll(*args)  # moves the rows (a translation of our canvas)
        self.update_clip_box()

    def target_box(self, widget: Any) -> list[int]:
        """``widget``'s box in integer pixels of the buffer being drawn (see the module)."""
        x, y = widget.to_window(widget.x, widget.y)
        if self.in_transition_buffer():
            x, y = x - self._screen.x, y - self._screen.y
        return [round(x), round(y), max(0, round(widget.width)), max(0, round(widget.height))]

    def update_clip_box(self, *_args: Any) -> None:
        clip = self.target_box(self)
        if clip != self.clip_box:
            self.clip_box = clip
        rows = self._viewport
        fill = [0, 0, 0, 0]
        if rows is not None and self.fill[3] > 0:
            fill = _intersect(clip, self.target_box(rows))
        if fill != self.fill_box:
            self.fill_box = fill
