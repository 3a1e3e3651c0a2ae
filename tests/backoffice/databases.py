"""The back-office database fixtures, shared by tests/backoffice and tests/sync.

``bo_db`` is parametrized over SQLite and PostgreSQL. PostgreSQL comes from
``TEST_DATABASE_URL`` (default: the local server ``scripts/ensure-postgres.sh`` sets up); the
tests make their own database on it and drop it at the end. Without a server they skip,
except under ``CI=true``, where an unreachable server fails them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from kiosk.backoffice.app import create_app
from kiosk.backoffice.core.db import Database
from kiosk.backoffice.core.security import SESSION_COOKIE, csrf_for
from kiosk.backoffice.staff.auth import Role, add_staff, enrol_kiosk
from tests.backoffice.factories import FakeClock

DEFAULT_PG = "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/test"
PASSWORD = "correct horse battery"


def _admin_url() -> str:
    url = make_url(os.environ.get("TEST_DATABASE_URL", DEFAULT_PG))
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    admin = create_engine(
        _admin_url(), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
    )
    try:
        with admin.connect() as c:
            c.execute(text("select 1"))
    except Exception as exc:
        admin.dispose()
        message = f"PostgreSQL at TEST_DATABASE_URL unreachable ({type(exc).__name__}); run scripts/ensure-postgres.sh"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    name = f"bo_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(_admin_url()).set(database=name).render_as_string(hide_password=False)
    Database(url).close()  # migrate once
    yield url
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def bo_db(request, tmp_path) -> Iterator[Database]:
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'backoffice.sqlite3'}")
    else:
        url = request.getfixturevalue("postgres_url")
        db = Database(url, migrate=False)
        # every table in the database, the plugins' too (their models load with their hooks)
        names = inspect(db.engine).get_table_names()
        tables = ", ".join(t for t in names if not t.endswith("alembic_version"))
        with db.engine.begin() as c:
            c.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield db
    db.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(bo_db, clock):
    return create_app(bo_db, clock=clock)


ORIGIN = "http://testserver"  # TestClient's base URL: the back office's own origin


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    """A browser on the back office's own origin (the CSRF check wants an Origin header)."""
    with TestClient(app, headers={"Origin": ORIGIN}) as c:
        yield c


@pytest.fixture
def kiosk_token(bo_db, clock) -> str:
    with bo_db.transaction() as session:
        return enrol_kiosk(session, "K01", clock())


@pytest.fixture
def staff(bo_db, clock, monkeypatch):
    """One account per role: ``staff[role]`` is its user name; the password is PASSWORD.

    Argon2id with light parameters, so the suite does not spend seconds hashing.
    """
    monkeypatch.setattr(
        "kiosk.backoffice.staff.auth._hasher",
        PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1),
    )
    with bo_db.transaction() as session:
        for role in Role:
            add_staff(session, role.value, PASSWORD, role, clock(), "test")
    return {role: role.value for role in Role}


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    """Sign in; later requests send the session's CSRF token, as the pages' forms do."""
    response = client.post(
        "/login", data={"username": username, "password": password}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    client.headers["X-CSRF-Token"] = csrf_for(client.cookies[SESSION_COOKIE])
