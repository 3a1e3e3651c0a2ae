"""GIVEN Playwright's node driver cannot start WHEN the e2e fixtures report it THEN the
message names the missing library and the fix, not "Connection closed"."""

from __future__ import annotations

from tests.e2e.conftest import explain_driver_failure

CLOSED = Exception("Connection closed while reading from the driver")


def test_missing_libatomic_names_the_package():
    node_error = (
        "node: error while loading shared libraries: libatomic.so.1: cannot open shared "
        "object file: No such file or directory"
    )
    message = explain_driver_failure(CLOSED, node_error)
    assert "libatomic.so.1" in message and "apt-get install libatomic1" in message
    assert "Connection closed" in message  # the original error is kept, not hidden


def test_another_missing_library_is_named():
    message = explain_driver_failure(CLOSED, "node: error while loading shared libraries: libz.so")
    assert "libz.so" in message and "Install the Debian package" in message
