"""Headless checkout scripts (``kiosk checkout --script FILE``): one command per line.

    scan 4901234000018        # a barcode, as a scanner would send it
    plu 107 2                 # a PLU code and an optional quantity
    weigh 101 350             # a weighed item: PLU and grams
    qty 1 3                   # set line 1's quantity to 3
    void 2                    # remove line 2
    approve S001              # staff S001 clears what the kiosk waits for (age check…)
    pay cash 2000             # pay cash: the number is what the shopper inserts
    pay card 500              # other methods: the number is this tender's share (split)
    pay cash                  # … or exactly what is due
    print receipt.txt         # write the last receipt to a file
    finish                    # back to idle for the next shopper

Lines starting with # and blank lines are ignored.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path

from kiosk.domain.scan import Scan
from kiosk.runtime import KioskRuntime
from kiosk.staff import kiosk_staff

#: each command's form; fewer words than the form asks for is an error that shows it
USAGE: dict[str, str] = {
    "scan": "scan CODE",
    "plu": "plu PLU [QUANTITY]",
    "weigh": "weigh PLU GRAMS",
    "qty": "qty LINE QUANTITY",
    "void": "void LINE",
    "approve": "approve STAFF_ID",
    "pay": "pay METHOD [AMOUNT]",
    "print": "print FILE",
    "finish": "finish",
}


class ScriptError(ValueError):
    def __init__(self, source: str, line: int | None, problem: str) -> None:
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {problem}")


def run_script(runtime: KioskRuntime, path: Path, say: Callable[[str], None] = print) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScriptError(str(path), None, f"cannot read the script: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ScriptError(str(path), None, "not a UTF-8 text file") from None
    for number, raw in enumerate(text.splitlines(), start=1):
        try:
            words = shlex.split(raw, comments=True)
            if not words:
                continue
            run_command(runtime, words, say, base=path.parent, script=path)
        except ScriptError:
            raise
        except (ValueError, LookupError, RuntimeError, OSError) as exc:
            # a KeyError's str() is its repr ("'no payment method …'"): the words only
            problem = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
            raise ScriptError(str(path), number, f"{raw.strip()}: {problem}") from exc


def run_command(
    runtime: KioskRuntime,
    words: list[str],
    say: Callable[[str], None],
    base: Path,
    script: Path | None = None,
) -> None:
    verb, args = words[0], words[1:]
    usage = USAGE.get(verb)
    if usage is None:
        raise ValueError(f"unknown command {verb!r}; one of {', '.join(USAGE)}")
    needed = sum(1 for word in usage.split()[1:] if not word.startswith("["))
    if len(args) < needed:
        raise ValueError(f"missing argument: use {usage!r}")

    def total() -> int:
        return runtime.sale_view().totals.total

    def whole(index: int) -> int:
        """Argument ``index`` as a whole number, or the command's form in the error."""
        try:
            return int(args[index])
        except ValueError:
            raise ValueError(f"{args[index]!r} is not a whole number: use {usage!r}") from None

    if verb == "scan":
        outcome = runtime.handle_scan(Scan(args[0], source="script"))
        if not outcome.accepted:
            raise ValueError(outcome.error_text("en"))
        if outcome.line_id is not None:
            line = runtime.sale_view().line(outcome.line_id)
            say(f"scanned {line.product.name_en} x{line.quantity} → total ¥{total():,}")
        elif outcome.claim is not None:  # a plugin's code (coupon, member card, hand-off…)
            claim = outcome.claim
            if isinstance(
                claim.payload, BaseException
            ):  # the plugin refused it (as the UI reads it)
                raise ValueError(f"{claim.text('en')} ({claim.payload})")
            say(f"{claim.plugin}: {claim.text('en')}")
    elif verb == "plu":
        if runtime.catalogue.by_plu(args[0]).weighed:
            raise ValueError(f"PLU {args[0]} is sold by weight: use 'weigh {args[0]} GRAMS'")
        line = runtime.add_plu(args[0], whole(1) if len(args) > 1 else 1)
        say(f"added {line.product.name_en} x{line.quantity} → total ¥{total():,}")
    elif verb == "weigh":
        line = runtime.add_weighed(args[0], whole(1))
        say(f"weighed {line.product.name_en} {line.weight_g} g = ¥{line.amount:,}")
    elif verb == "qty":
        runtime.set_quantity(whole(0), whole(1))
    elif verb == "void":
        runtime.void_line(whole(0))
        say(f"voided line {args[0]} → total ¥{total():,}")
    elif verb == "approve":
        if (
            args[0].strip().upper() not in kiosk_staff(runtime).accounts
        ):  # the sale names who approved
            raise ValueError(f"no staff account {args[0]!r} in [staff.accounts]")
        cleared = runtime.approve(args[0])
        say(f"staff {args[0]} approved: {', '.join(r.value for r in cleared)}")
    elif verb == "pay":
        _pay(runtime, args, say)
    elif verb == "print":
        if runtime.last_sale is None:
            raise ValueError("no sale to print yet")
        target = base / args[0]
        if script is not None and target.resolve() == script.resolve():
            raise ValueError("refusing to overwrite the script itself; print to another file")
        try:
            target.write_text("\n".join(runtime.receipt_lines(runtime.last_sale)) + "\n", "utf-8")
        except OSError as exc:
            raise ValueError(f"cannot write {target}: {exc.strerror}") from None
        say(f"receipt written to {target}")
    elif verb == "finish":
        runtime.finish()


def _pay(runtime: KioskRuntime, args: list[str], say: Callable[[str], None]) -> None:
    method_id = args[0]
    method = runtime.method(method_id)
    try:
        inserted = int(args[1]) if len(args) > 1 else None
    except ValueError:
        raise ValueError(f"{args[1]!r} is not a whole number of yen") from None
    drawer = getattr(method, "drawer", None)
    split_amount = None
    if inserted is not None and hasattr(drawer, "insert"):
        drawer.insert(inserted)  # cash: the number is what the shopper puts in
    else:
        split_amount = inserted  # other methods: the number is this tender's share
    sale = runtime.pay(method_id, split_amount)
    if sale is None:
        say(f"paid part; ¥{runtime.amount_due:,} still due")
        return
    say(f"PAID ¥{sale.total:,} (receipt {sale.receipt_no}, change ¥{sale.change:,})")
