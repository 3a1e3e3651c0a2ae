"""``kiosk doctor --profile NAME``: open every device of a profile and show how it is."""

from __future__ import annotations

from kiosk.devices.profiles import load_profile, open_devices
from kiosk.devices.registry import DriverRegistry

HEADERS = ("ROLE", "CLASS", "DRIVER", "STATE", "STATUS")


def doctor_rows(profile_name: str, registry: DriverRegistry | None = None) -> list[tuple[str, ...]]:
    """One row per configured role: role, device class, driver, state, status."""
    return device_reports(profile_name, registry)[0]


def device_reports(
    profile_name: str, registry: DriverRegistry | None = None
) -> tuple[list[tuple[str, ...]], list[str]]:
    """The rows of :func:`doctor_rows` and one problem text per device that is not well."""
    profile = load_profile(profile_name)
    devices = open_devices(profile, registry)
    rows: list[tuple[str, ...]] = []
    problems: list[str] = []
    try:
        for role, config in profile.devices.items():
            device = devices.by_role.get(role)
            if device is None:
                rows.append((role, config.device_class, config.driver, "-", "disabled in profile"))
                continue
            report = device.check_health()
            status = f"{report.status}: {report.hint}" if report.hint else report.status
            rows.append((role, report.device_class, config.driver, str(report.state), status))
            if not report.ok:
                problems.append(f"device {role} ({config.driver}) is {report.state}: {status}")
    finally:
        devices.close_all()
    return rows, problems


def render_table(rows: list[tuple[str, ...]], headers: tuple[str, ...] = HEADERS) -> str:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(headers), line(tuple("-" * w for w in widths)), *map(line, rows)])


def doctor_table(profile_name: str, registry: DriverRegistry | None = None) -> str:
    """The table ``kiosk doctor`` prints, with the profile's model on the first line."""
    profile = load_profile(profile_name)
    rows = doctor_rows(str(profile.path), registry)
    return f"{profile.model} ({profile.path.name})\n" + render_table(rows)
