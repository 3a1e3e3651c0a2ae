"""``kiosk return``: staff return goods against a sale of this kiosk (返品).

    kiosk return 42                         # the sale's lines and what is still returnable
    kiosk return 42 --line 3 --line 1:2 --reason changed_mind --staff S001
    kiosk return 42 --line 5:120 ...        # 120 g of weighed line 5
    kiosk return --resume RETURN_ID --staff S001

PINs are asked for (from the terminal, or one per line on standard input when it is not one);
above ``[returns] approval_above`` a manager's id (``--manager``) and PIN are asked too. The
refund goes to the sale's tenders (cash when a method cannot refund), then the
適格返還請求書 is printed on the kiosk's printer when it has one (else as text here) unless
below ``[returns] invoice_exempt_below``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from typing import Any

from kiosk.cli_language import _
from kiosk.config import KioskConfig


def register(sub: Any) -> None:
    parser = sub.add_parser("return", help=_("return goods against a sale (返品) and refund"))
    parser.add_argument("receipt_no", nargs="?", type=int, help=_("the sale's receipt number"))
    parser.add_argument(
        "--line",
        action="append",
        default=[],
        metavar="LINE[:UNITS]",
        help=_("a line to return (all its units unless :UNITS, grams for a weighed line)"),
    )
    parser.add_argument("--reason", help=_("reason code ([returns] reasons)"))
    parser.add_argument("--staff", help=_("your staff id (a role allowed to make returns)"))
    parser.add_argument("--manager", help=_("the approving manager's id (above the limit)"))
    parser.add_argument("--resume", metavar="RETURN_ID", help=_("finish a pending return"))
    parser.add_argument("--date", help=_("without a receipt number: list the sales of YYYY-MM-DD"))
    parser.add_argument(
        "--amount", type=int, help=_("without a receipt number: sales of this total")
    )
    parser.set_defaults(handler=run_return)


def _pin(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().strip()


def _chosen(lines: list[str], left: dict[int, int], receipt_no: int) -> dict[int, int]:
    chosen = {}
    for text in lines:
        line, _, units = text.partition(":")
        if not line.isdigit() or (units and not units.isdigit()):
            raise ValueError(f"--line {text!r}: LINE or LINE:UNITS, in digits")
        if int(line) not in left:  # a typo, not a line already returned
            have = ", ".join(str(n) for n in sorted(left))
            raise ValueError(f"receipt {receipt_no} has no line {line} (its lines: {have})")
        if not units and not left.get(int(line)):
            raise ValueError(f"line {line}: nothing left to return")
        chosen[int(line)] = int(units) if units else left[int(line)]
    return chosen


def run_return(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.app import build_runtime
    from kiosk.domain.return_invoice import ReturnInvoice
    from kiosk.domain.return_receipt_text import render_return_invoice
    from kiosk.domain.returns import ReturnError, returnable, returned_so_far
    from kiosk.runtime.returns import RefundUnresolved, ReturnDesk, kiosk_returns
    from kiosk.staff import NotAllowed, StaffLocked, StaffRegistry, WrongPin
    from kiosk.store.returns import ReturnNotPending, SaleNotFound

    runtime = build_runtime(config)
    try:
        desk = ReturnDesk(runtime)
        staff = StaffRegistry.for_config(config)
        if args.resume:
            account = staff.check(args.staff or "", _pin("staff PIN: "))
            print(f"resumed by {account.staff_id}", file=sys.stderr)
            result = desk.finish(args.resume)
        else:
            if args.receipt_no is None and (args.date or args.amount is not None):
                day = date.fromisoformat(args.date) if args.date else None
                for found in desk.book.find_sales(day, args.amount):
                    print(
                        f"receipt {found['receipt_no']}  {found['completed_at'][:16]}  "
                        f"{found['total']} yen  {len(found['lines'])} lines"
                    )
                return 0
            if args.receipt_no is None:
                raise ValueError(
                    "give the sale's receipt number, --date/--amount to find it, "
                    "or --resume RETURN_ID"
                )
            sale = desk.book.sale_by_receipt(args.receipt_no)
            left = returnable(
                sale, returned_so_far(desk.book.returns_of(sale["sale_id"]), sale["sale_id"])
            )
            if not args.line:
                _show(sale, left)
                return 0
            if not (args.staff and args.reason):
                raise ValueError("--staff and --reason are needed to make a return")
            # the lines first: a typo there must not cost staff one of their PIN tries
            chosen = _chosen(args.line, left, sale["receipt_no"])
            account = staff.check(args.staff, _pin("staff PIN: "))
            approver = None
            if args.manager:
                approver = staff.check(args.manager, _pin("manager PIN: "))
            plan = desk.plan(sale, chosen, reason=args.reason, staff=account, approver=approver)
            result = desk.make(plan)
        document = result.document
        invoice = ReturnInvoice.from_document(
            document, config.issuer, runtime.installed_method_names()
        )
        if getattr(runtime.devices, "printer", None) is not None:
            # the kiosk's printer, as the return screen prints it (with its QR code)
            how = kiosk_returns(runtime).print_receipt(document)
            print(f"return receipt: {how}", file=sys.stderr)
        elif invoice.printed(config.returns.invoice_exempt_below):
            print("\n".join(render_return_invoice(invoice, config.receipt_width)))
        for problem in result.problems:
            print(f"kiosk: {problem}", file=sys.stderr)
        print(f"returned: {document['return_id']} refund {-document['total']} yen")
        return 0
    except (
        ReturnError,
        NotAllowed,
        WrongPin,
        StaffLocked,
        SaleNotFound,
        ReturnNotPending,
        RefundUnresolved,
        ValueError,
    ) as exc:
        print(f"kiosk: return: {exc}", file=sys.stderr)
        return 1
    finally:
        runtime.shutdown()


def _show(sale: dict[str, Any], left: dict[int, int]) -> None:
    paid = {int(a["line_id"]): int(a["paid"]) for a in sale.get("allocation") or ()}
    print(f"sale {sale['sale_id']} receipt {sale['receipt_no']} {sale['completed_at']}")
    for line in sale["lines"]:
        if line.get("voided"):
            continue
        line_id = int(line["line_id"])
        unit = "g" if line.get("weight_g") is not None else ""
        sold = line["weight_g"] if unit else line["quantity"]
        print(
            f"  line {line_id}: {line['name_ja']}  sold {sold}{unit}  "
            f"paid {paid.get(line_id, line['amount'])} yen  returnable {left.get(line_id, 0)}{unit}"
        )
