"""Attendant actions and the least role each needs, for the console and for staff PINs.

One table, read by the back office (console commands, signed-in staff roles) and by the
kiosk (staff PIN roles from :mod:`kiosk.staff`), so both places refuse the same things.
"""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    APPROVE_AGE = "approve_age"  # 年齢確認: approve age-restricted items (and other pending asks)
    VOID_LINE = "void_line"  # 取消: remove one line
    OVERRIDE_PRICE = "override_price"  # 売価変更
    CANCEL = "cancel"  # 取引中止: cancel the whole transaction
    REPRINT = "reprint"  # レシート再発行
    PAUSE = "pause"  # 休止: finish the current shopper, take no new one
    CLOSE = "close"  # 閉局
    OPEN = "open"  # 開局
    MESSAGE = "message"  # a message on the kiosk's screen


class Level(StrEnum):
    """Least role, named as on the shop floor; both role systems map onto it."""

    ATTENDANT = "attendant"  # 係員
    MANAGER = "manager"  # 店長 (the back office's admin is above it)


NEEDS: dict[Action, Level] = {
    Action.APPROVE_AGE: Level.ATTENDANT,
    Action.VOID_LINE: Level.ATTENDANT,
    Action.REPRINT: Level.ATTENDANT,
    Action.MESSAGE: Level.ATTENDANT,
    Action.PAUSE: Level.ATTENDANT,
    Action.OPEN: Level.ATTENDANT,
    Action.OVERRIDE_PRICE: Level.MANAGER,
    Action.CANCEL: Level.MANAGER,
    Action.CLOSE: Level.MANAGER,
}


class KioskMode(StrEnum):
    OPEN = "open"  # 営業中
    PAUSED = "paused"  # 休止中: the current shopper finishes, no new one starts
    CLOSED = "closed"  # 閉局


class KioskRole(StrEnum):
    SELF = "self"  # full self-checkout (フルセルフ)
    PAYMENT = "payment"  # semi-self payment kiosk (精算機)
    STATION = "station"  # staff registration station (登録機)


class ReportedState(StrEnum):
    """What the console shows; ``offline`` is the back office's verdict on a silent kiosk."""

    IDLE = "idle"
    SHOPPING = "shopping"
    PAYING = "paying"
    NEEDS_ATTENDANT = "needs_attendant"
    ERROR = "error"
    OFFLINE = "offline"


class AlertKind(StrEnum):
    HELP = "help_requested"
    AGE = "age_restricted"
    DEVICE_FAULT = "device_fault"
    PAYMENT_UNKNOWN = "payment_unknown"
    PAYMENT_PROBLEM = "payment_problem"
    REMOVAL = "removal_approval"
    LONG_PAYING = "long_paying"
    OFFLINE = "offline"
