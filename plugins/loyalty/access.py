"""Who may do what with member data, and the audit trail of every such access.

Shoppers see their own balance (and name, if the store shows it). Staff actions on member
data need a role and are journaled with the staff id, role and member id — never the data.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.staff import NotAllowed, Role, StaffAccount

if TYPE_CHECKING:
    from kiosk.runtime.unit_of_work import UnitOfWork

# action → the lowest role allowed to do it
ROLES: dict[str, Role] = {
    "view_personal_data": Role.MANAGER,  # name, phone, e-mail on the staff screen
    "delete_member": Role.MANAGER,  # APPI erasure request
    "reverse_sale_points": Role.ATTENDANT,  # a refund takes back the sale's points
    "export_member_data": Role.MANAGER,  # APPI disclosure request (開示請求)
}


def authorise(staff: StaffAccount, action: str) -> None:
    """Raise :class:`kiosk.staff.NotAllowed` unless ``staff`` may do ``action``."""
    needed = ROLES[action]
    if staff.role < needed:
        raise NotAllowed(
            f"{staff.staff_id} may not {action.replace('_', ' ')}: "
            f"ask a {needed.name.lower()} to unlock"
        )


def audit(uow: UnitOfWork, staff: StaffAccount, action: str, member_id: str, at: datetime) -> None:
    """Journal a staff access to member data (``loyalty_staff_access``) in ``uow``."""
    uow.journal(
        "loyalty_staff_access",
        {
            "staff_id": staff.staff_id,
            "role": staff.role.name.lower(),
            "action": action,
            "member_id": member_id,
        },
        at=at,
    )
