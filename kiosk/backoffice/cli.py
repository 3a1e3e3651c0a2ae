"""The ``kiosk-backoffice`` command: serve, backups, kiosks, staff and master data."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.backoffice.core.db import DEFAULT_URL
from kiosk.cli_language import OperatorParser, _, argparse_translated
from kiosk.private_files import restrict_umask

#: ``serve``'s port; kiosk.toml's sample [backoffice] url and the docs use the same
DEFAULT_PORT = 8700


def main(argv: list[str] | None = None) -> int:
    from kiosk.cli_errors import guarded

    with argparse_translated():  # help and usage errors in the operator's language
        parser = _parser()
        args = parser.parse_args(argv)
    old_umask = restrict_umask()  # database, WAL, backups, archives: 0600 (kiosk.private_files)
    try:
        # typed errors carry the advice: one line on stderr, non-zero exit; -v for a traceback
        return guarded("kiosk-backoffice", args.verbose, lambda: _run(args), args.database_url)
    finally:
        os.umask(old_umask)  # for callers in the same process (tests); a process just exits


def _run(args: argparse.Namespace) -> int:
    # the store's zone is checked for every command, not only those that read the clock: a
    # misspelt STORE_TIME_ZONE passed `migrate` (the unit's ExecStartPre) and stopped `serve`
    store_clock(args.time_zone)
    return int(args.handler(args))


def _port(text: str) -> int:
    """A TCP port, refused by argparse in its one line (a port past 65535 reached the
    socket and came back as an "unexpected error")."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("not a port number: {text}").format(text=repr(text))
        ) from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(_("{port} is not a port (0–65535)").format(port=port))
    return port


def _parser() -> argparse.ArgumentParser:
    parser = OperatorParser(prog="kiosk-backoffice", description=_("Store back office"))
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", DEFAULT_URL),
        help=_("SQLAlchemy URL (env DATABASE_URL; default: %(default)s)"),
    )
    parser.add_argument("-v", "--verbose", action="store_true", help=_("tracebacks on errors"))
    parser.add_argument(
        "--time-zone",
        default=os.environ.get("STORE_TIME_ZONE", "Asia/Tokyo"),
        help=_(
            "the store's IANA time zone for business dates and reports "
            "(env STORE_TIME_ZONE; default: %(default)s)"
        ),
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help=_("run the web server (uvicorn)"))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=DEFAULT_PORT)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--secure-cookies",
        action="store_true",
        help=_("mark the session cookie Secure: use behind TLS (env BACKOFFICE_SECURE_COOKIES)"),
    )
    serve.add_argument(
        "--api-docs",
        action="store_true",
        help=_("serve /api/v1/openapi.json to signed-in managers (env BACKOFFICE_API_DOCS)"),
    )
    serve.add_argument(
        "--plugin",
        action="append",
        default=[],
        metavar="NAME",
        help=_(
            "load this installed plugin (entry point in kiosk.plugins) for report sections "
            "and export formats; repeat for more (env BACKOFFICE_PLUGINS, comma-separated)"
        ),
    )
    serve.set_defaults(handler=_serve)

    migrate = sub.add_parser("migrate", help=_("bring the schema up to date"))
    migrate.add_argument(
        "--create",
        action="store_true",
        help=_(
            "make the SQLite file when it is not there (a new store; the default "
            "database is made without it)"
        ),
    )
    migrate.set_defaults(handler=_migrate)

    key_help = _(
        "the backup key (32 bytes; env KIOSK_BACKUP_KEY_FILE, else backup.key in "
        "KIOSK_KEY_DIR or /etc/kiosk/keys); keep a copy away from the backups"
    )
    backup = sub.add_parser("backup", help=_("write a consistent, encrypted backup file"))
    backup.add_argument("file", type=Path)
    backup.add_argument("--key-file", type=Path, help=key_help + _("; made if missing"))
    backup.set_defaults(handler=_backup)
    restore = sub.add_parser("restore", help=_("replace the database with a backup"))
    restore.add_argument("file", type=Path)
    restore.add_argument("--key-file", type=Path, help=key_help)
    restore.add_argument("--yes", action="store_true", help=_("do not ask"))
    restore.set_defaults(handler=_restore)

    enrol = sub.add_parser("enrol-kiosk", help=_("enrol a kiosk and print its token (once)"))
    enrol.add_argument("kiosk_id")
    enrol.add_argument("--store", default="S01")
    enrol.add_argument("--name", default="")
    enrol.add_argument(
        "--replace",
        action="store_true",
        help=_("issue a new token for an enrolled kiosk (its old token stops working)"),
    )
    enrol.set_defaults(handler=_enrol)
    revoke = sub.add_parser("revoke-kiosk", help=_("stop a kiosk from syncing"))
    revoke.add_argument("kiosk_id")
    revoke.set_defaults(handler=_revoke)
    issuer = sub.add_parser(
        "set-issuer", help=_("the store's issuer details the e-receipt page prints (登録番号)")
    )
    issuer.add_argument("name")
    issuer.add_argument("registration_number", help=_("T + 13 digits"))
    issuer.add_argument("--address", default="")
    issuer.add_argument("--phone", default="")
    issuer.set_defaults(handler=_set_issuer)

    staff = sub.add_parser("add-staff", help=_("add a staff account (asks for the password)"))
    staff.add_argument("username")
    staff.add_argument("--role", choices=("admin", "manager", "attendant"), default="manager")
    staff.add_argument(
        "--password",
        help=_(
            "default: env BACKOFFICE_PASSWORD, else asked twice, else one line from stdin "
            "(a password here shows in the process list)"
        ),
    )
    staff.set_defaults(handler=_add_staff)

    imp = sub.add_parser(
        "import-catalogue", help=_("add/update products from the kiosk catalogue CSV")
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("--publish", action="store_true", help=_("publish a new master-data version"))
    imp.set_defaults(handler=_import)
    sub.add_parser("publish", help=_("publish the master data as a new version")).set_defaults(
        handler=_publish
    )
    sub.add_parser("verify-audit", help=_("check the audit log's hash chain")).set_defaults(
        handler=_verify_audit
    )

    report_cmds = sub.add_parser("reports", help=_("the report archive")).add_subparsers(
        required=True, metavar="ACTION"
    )
    generate = report_cmds.add_parser(
        "generate", help=_("archive the daily and monthly reports of closed periods (for cron)")
    )
    generate.add_argument(
        "--until", type=_day, metavar="YYYY-MM-DD", help=_("no business day after this one")
    )
    generate.add_argument(
        "--recheck-all",
        action="store_true",
        help=_("look for late sales in every archived day, not the last 35"),
    )
    generate.set_defaults(handler=_generate_reports)
    _partition_commands(sub)
    return parser


def _partition_commands(sub) -> None:
    """``partitions ensure|list|retire``: the PostgreSQL sales partitions (sales_partitions)."""
    cmds = sub.add_parser(
        "partitions", help=_("PostgreSQL monthly sales partitions and their 7-year retention")
    ).add_subparsers(required=True, metavar="ACTION")
    ensure = cmds.add_parser("ensure", help=_("create the coming months' partitions (for cron)"))
    ensure.add_argument("--months-ahead", type=int, default=3)
    ensure.set_defaults(handler=_partitions_ensure)
    cmds.add_parser("list", help=_("the months that have a partition")).set_defaults(
        handler=_partitions_list
    )
    retire = cmds.add_parser(
        "retire", help=_("archive, then drop, months past retention (refuses younger ones)")
    )
    retire.add_argument("--before", type=_month, required=True, metavar="YYYY-MM")
    retire.add_argument("--archive-dir", type=Path, required=True)
    retire.add_argument(
        "--keep-years", type=int, default=7, help=_("at least 7 (10 with carried-forward losses)")
    )
    retire.set_defaults(handler=_partitions_retire)


def _month(value: str) -> date:
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{value}: use YYYY-MM").format(value=repr(value))
        ) from None


def _partitioned(args: argparse.Namespace):
    from kiosk.backoffice.sales import partitions as sales_partitions
    from kiosk.cli_errors import CommandError

    db = _db(args)
    with db.engine.connect() as conn:
        if not sales_partitions.is_partitioned(conn):
            db.close()
            raise CommandError(
                _("the sales tables are partitioned on PostgreSQL only; this database is not")
            )
    return db


def _partitions_ensure(args: argparse.Namespace) -> int:
    from kiosk.backoffice.sales import partitions as sales_partitions

    db = _partitioned(args)
    today = store_clock(args.time_zone)().date()
    with db.engine.begin() as conn:
        made = sales_partitions.ensure_months(conn, today, args.months_ahead)
    db.close()
    print(f"partitions made: {', '.join(f'{m:%Y-%m}' for m in made) or 'none (all there)'}")
    return 0


def _partitions_list(args: argparse.Namespace) -> int:
    from kiosk.backoffice.sales import partitions as sales_partitions

    db = _partitioned(args)
    with db.engine.connect() as conn:
        for month in sales_partitions.months(conn):
            kept = sales_partitions.kept_until(month)
            print(f"{month:%Y-%m}  kept until {kept}")
    db.close()
    return 0


def _partitions_retire(args: argparse.Namespace) -> int:
    from kiosk.backoffice.sales import partitions as sales_partitions

    db = _partitioned(args)
    today = store_clock(args.time_zone)().date()
    try:
        with db.engine.begin() as conn:
            manifests = sales_partitions.retire_months(
                conn, args.before, today, args.archive_dir, args.keep_years
            )
    finally:
        db.close()
    for manifest in manifests:
        print(f"archived and dropped {manifest.parent.name}: {manifest}")
    if not manifests:
        print(f"no month partition before {args.before:%Y-%m}")
    return 0


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{value}: use YYYY-MM-DD").format(value=repr(value))
        ) from None


def _db(args: argparse.Namespace, host=None, *, new: bool = False):
    """The database, migrated with ``host``'s plugins' folders (default: the built-ins').

    A SQLite file must be there unless ``new`` (``migrate`` and ``restore`` make it)."""
    from kiosk.backoffice.core.db import Database
    from kiosk.backoffice.core.extensions import migration_locations

    url = _checked_url(args.database_url) if new else _existing_store(args.database_url)
    versions = migration_locations(host) if host is not None else None
    return Database(url, plugin_versions=versions)


def _missing_sqlite(url: str) -> Path | None:
    """The file a SQLite ``url`` names when it is not there (else None; a server's database
    is never "missing" here: the server reports that itself)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(_checked_url(url))
    if parsed.get_backend_name() != "sqlite":
        return None
    path = Path(str(parsed.database))
    return None if path.exists() else path.absolute()


def _existing_store(url: str) -> str:
    """``url`` when its database is there: SQLite makes a missing file on first use, so a
    mistyped path (or the default one run from another folder) made a new, empty database —
    no sales, no staff — and `add-staff` or `serve` went on with it without a word."""
    from kiosk.cli_errors import CommandError

    missing = _missing_sqlite(url)
    if missing is not None:
        raise CommandError(
            _(
                "--database-url: no SQLite database at {path}; check the path (and DATABASE_URL), "
                "or make a new store there with `kiosk-backoffice migrate --create`"
            ).format(path=missing)
        )
    return url


def _existing_sqlite(url: str) -> None:
    """``migrate``'s check: a SQLite URL other than the default must name a file that is
    there (the README's first set-up makes var/backoffice.sqlite3); ``--create`` makes it."""
    from kiosk.backoffice.core.db import DEFAULT_URL
    from kiosk.cli_errors import CommandError

    missing = _missing_sqlite(url)
    if missing is not None and url != DEFAULT_URL:
        raise CommandError(
            _(
                "--database-url: no SQLite database at {path}; check the path, or add --create "
                "to make a new one there"
            ).format(path=missing)
        )


def _checked_url(url: str) -> str:
    """``url`` when it names a database on disk or a server; one line otherwise (a typo was
    "unexpected error: ArgumentError", and ``sqlite://`` served from memory, losing every
    sale at the next restart)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    from kiosk.cli_errors import CommandError

    advice = _("use sqlite:///PATH or postgresql+psycopg://USER@HOST/NAME (env DATABASE_URL)")
    try:
        parsed = make_url(url)
        parsed.get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError):
        shown = url.split("://", 1)[0] + "://…" if "://" in url else url[:60]
        raise CommandError(
            _("--database-url {url}: not a database URL; {advice}").format(
                url=repr(shown), advice=advice
            )
        ) from None
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise CommandError(
            _(
                "--database-url {url}: an in-memory database keeps nothing after the process "
                "ends; {advice}"
            ).format(url=repr(url), advice=advice)
        )
    return url


def _serve(args: argparse.Namespace) -> int:
    import uvicorn
    from sqlalchemy.engine import make_url

    from kiosk.backoffice.app import create_app
    from kiosk.backoffice.core.security import WebSecurity
    from kiosk.backoffice.kiosks.warm_up import with_warm_up

    os.environ["DATABASE_URL"] = _existing_store(args.database_url)
    # flags become the environment, so every worker process (app_from_env) reads the same
    if args.secure_cookies:
        os.environ["BACKOFFICE_SECURE_COOKIES"] = "true"
    if args.api_docs:
        os.environ["BACKOFFICE_API_DOCS"] = "true"
    security = WebSecurity.from_env()
    plugins = args.plugin or _env_plugins()
    clock, host = store_clock(args.time_zone), plugin_host(plugins)  # mistakes stop here
    _check_listen(args.host, args.port)
    if args.workers > 1 and make_url(args.database_url).get_backend_name() == "sqlite":
        # the writer queue orders one process's writers; live pages cross workers on PostgreSQL
        print(
            f"warning: --workers {args.workers} on SQLite: its writers queue per process and "
            "live pages see only their own worker; use --workers 1 or PostgreSQL "
            "(docs/backoffice.md, SQLite limits)",
            file=sys.stderr,
        )
    if args.workers > 1:
        # each worker process builds its own app from these (app_from_env)
        os.environ["DATABASE_URL"] = args.database_url
        os.environ["STORE_TIME_ZONE"] = args.time_zone
        os.environ["BACKOFFICE_PLUGINS"] = ",".join(plugins)
        uvicorn.run(
            "kiosk.backoffice.cli:app_from_env",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
        )
    else:
        database = _db(args, host)
        app = create_app(
            database, clock=clock, host=host, archive_reports=True, web_security=security
        )
        with_warm_up(app, database)  # the first kiosk burst after a restart: not the slowest
        _warn_without_staff(database)
        uvicorn.run(app, host=args.host, port=args.port)
    return 0


def _check_listen(host: str, port: int) -> None:
    """One line when the address cannot be listened on (a back office already running): left
    to uvicorn, that is six log lines after the app has started and shut down again."""
    import socket

    from kiosk.cli_errors import CommandError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise CommandError(
                _(
                    "--host {host} --port {port}: cannot listen there ({reason}); "
                    "is another back office running? choose another --port"
                ).format(host=host, port=port, reason=exc.strerror or exc)
            ) from None


def _warn_without_staff(database) -> None:
    """A first start has no account to sign in with, and the sign-in page cannot say so
    to whoever reaches it: tell the person starting the server what to run."""
    from sqlalchemy import func, select

    from kiosk.backoffice.staff.models import StaffRow

    with database.reading() as session:
        if session.scalar(select(func.count()).select_from(StaffRow)):
            return
    print(
        "warning: no staff account yet, so nobody can sign in: create the first one with "
        "`kiosk-backoffice add-staff NAME --role admin` (it asks for the password)",
        file=sys.stderr,
    )


def app_from_env():
    """For ``uvicorn --factory kiosk.backoffice.cli:app_from_env``.

    Reads DATABASE_URL, the web security settings (BACKOFFICE_SECURE_COOKIES,
    BACKOFFICE_API_DOCS, BACKOFFICE_PUBLIC_ORIGIN) and BACKOFFICE_LIVE_REFRESH_S (seconds a
    live page waits for a change before it sends anyway; default 15).
    """
    from kiosk.backoffice.app import create_app
    from kiosk.backoffice.core.db import Database
    from kiosk.backoffice.core.extensions import migration_locations
    from kiosk.backoffice.core.security import WebSecurity
    from kiosk.backoffice.kiosks.warm_up import with_warm_up

    host = plugin_host(_env_plugins())
    database = Database(
        os.environ.get("DATABASE_URL", DEFAULT_URL), plugin_versions=migration_locations(host)
    )
    app = create_app(
        database,
        clock=store_clock(os.environ.get("STORE_TIME_ZONE", "Asia/Tokyo")),
        host=host,
        archive_reports=True,
        web_security=WebSecurity.from_env(),
    )
    refresh = os.environ.get("BACKOFFICE_LIVE_REFRESH_S")
    if refresh:
        try:
            app.state.bo.live_refresh_s = float(refresh)
        except ValueError:
            raise SystemExit(
                f"BACKOFFICE_LIVE_REFRESH_S={refresh!r}: the live pages' refresh in seconds"
            ) from None
    with_warm_up(app, database)  # the first kiosk burst after a restart: not the slowest
    return app


def _env_plugins() -> list[str]:
    return [n.strip() for n in os.environ.get("BACKOFFICE_PLUGINS", "").split(",") if n.strip()]


def plugin_host(names: list[str]):
    """The back office's plugins: the built-ins (``kiosk.backoffice.core.extensions``) and, of the
    installed third-party ones, only those the operator names, like a kiosk's allow-list."""
    from kiosk.backoffice.core.extensions import builtin_host

    host = builtin_host(pinned_to_installed(names) if names else ())
    missing = sorted(set(names) - set(host.names))
    if missing:
        from kiosk.cli_errors import CommandError

        raise CommandError(
            _("--plugin {names}: not installed (or failed to load)").format(
                names=", ".join(missing)
            )
        )
    return host


def pinned_to_installed(names: list[str]) -> list:
    """Allow-list entries for the entry points the operator named, pinned to the one installed
    distribution declaring each: a name two distributions declare is refused, not guessed."""
    from importlib.metadata import entry_points

    from kiosk.cli_errors import CommandError
    from kiosk.plugin_trust import AllowedPlugin
    from kiosk.plugins import ENTRY_POINT_GROUP

    pinned = []
    for name in names:
        dists = {
            (ep.dist.metadata["Name"], ep.dist.version)
            for ep in entry_points(group=ENTRY_POINT_GROUP, name=name)
            if ep.dist is not None
        }
        if len(dists) > 1:
            found = ", ".join(f"{n} {v}" for n, v in sorted(dists))
            raise CommandError(f"--plugin {name}: declared by more than one distribution ({found})")
        if dists:
            ((dist, version),) = dists
            pinned.append(AllowedPlugin(name, dist, version))
    return pinned


def store_clock(zone: str):
    """The store's wall clock (naive, like the kiosks' sale times) in IANA zone ``zone``."""
    from kiosk.cli_errors import CommandError
    from kiosk.config import valid_time_zone

    if not valid_time_zone(zone):
        raise CommandError(
            _("--time-zone {zone}: not an IANA time zone such as Asia/Tokyo").format(
                zone=repr(zone)
            )
        )
    tz = ZoneInfo(zone)
    return lambda: datetime.now(tz).replace(tzinfo=None)


def _now(args: argparse.Namespace) -> datetime:
    """The store's time for a command's rows (audit, enrolment): the server's clock, not the
    machine's, which is often UTC — a CLI row 9 hours before the server's rows next to it."""
    return store_clock(args.time_zone)()


def _migrate(args: argparse.Namespace) -> int:
    if not args.create:
        _existing_sqlite(args.database_url)
    _db(args, new=True).close()
    print("schema is up to date")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from kiosk.backoffice.core.backup import backup
    from kiosk.backup_crypto import default_key_path, load_backup_key

    _existing_store(args.database_url)  # sqlite3 would back up a new, empty file
    key_path = args.key_file or default_key_path()
    made = not key_path.exists()
    backup(args.database_url, args.file, load_backup_key(key_path, create=True))
    if made:
        print(
            _(
                "made a new backup key at {key}: keep a copy somewhere safe, apart from "
                "the backups; without it they cannot be restored"
            ).format(key=key_path)
        )
    print(_("backup written to {file} (encrypted with {key})").format(file=args.file, key=key_path))
    return 0


def _confirmed(question: str) -> bool:
    """The operator's y; no answer at all (stdin closed: a script) is a refusal, said so."""
    from kiosk.cli_errors import CommandError

    try:
        return input(question).strip().lower() == "y"
    except EOFError:
        raise CommandError(_("not restored: nobody answered y (pass --yes in a script)")) from None


def _restore(args: argparse.Namespace) -> int:
    from kiosk.backoffice.core.backup import check_restorable, restore
    from kiosk.backup_crypto import default_key_path, is_encrypted, load_backup_key

    check_restorable(args.database_url, args.file)  # before the question

    question = _("replace {database} with {file}? [y/N] ")
    if not args.yes and not _confirmed(question.format(database=args.database_url, file=args.file)):
        return 1
    key_path = args.key_file or default_key_path()
    restore(
        args.database_url,
        args.file,
        load_backup_key(key_path) if is_encrypted(args.file) else None,
    )
    _db(args, new=True).close()  # a backup from an older release is migrated forward
    print(_("restored from {file}; kiosks will resend anything newer").format(file=args.file))
    return 0


def _enrol(args: argparse.Namespace) -> int:
    from kiosk.backoffice.staff.auth import KioskAlreadyEnrolled, enrol_kiosk
    from kiosk.cli_errors import CommandError

    try:
        with _db(args).transaction() as session:
            token = enrol_kiosk(
                session, args.kiosk_id, _now(args), store_id=args.store, name=args.name,
                replace=args.replace,
            )  # fmt: skip
    except KioskAlreadyEnrolled as exc:  # a typo must not cut a selling kiosk off
        raise CommandError(
            _(
                "kiosk {kiosk} is already enrolled (since {since}) and its token is in use; "
                "nothing was changed. To replace its token on purpose (the kiosk stops syncing "
                "until its kiosk.toml has the new one): enrol-kiosk {kiosk} --replace"
            ).format(kiosk=exc.kiosk_id, since=f"{exc.enrolled_at:%Y-%m-%d %H:%M}")
        ) from None
    print(token)
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from kiosk.backoffice.staff.auth import revoke_kiosk

    with _db(args).transaction() as session:
        revoke_kiosk(session, args.kiosk_id, _now(args), "cli")
    print(f"{args.kiosk_id} revoked")
    return 0


def _set_issuer(args: argparse.Namespace) -> int:
    from kiosk.backoffice.ereceipt.web import set_issuer
    from kiosk.cli_errors import CommandError
    from kiosk.domain.receipt import InvalidRegistrationNumber, Issuer

    try:
        issuer = Issuer(args.name, args.registration_number, args.address, args.phone)
    except InvalidRegistrationNumber:  # the operator's typo, not a fault of the program
        raise CommandError(
            _(
                "registration number {number}: T and the 13 digits of the 登録番号, "
                "check digit included, such as T5835678256246"
            ).format(number=repr(args.registration_number))
        ) from None
    with _db(args).transaction() as session:
        set_issuer(session, issuer, _now(args), "cli")
    print(f"e-receipt issuer set: {issuer.name} {issuer.registration_number}")
    return 0


def _add_staff(args: argparse.Namespace) -> int:
    from kiosk.backoffice.staff.auth import Role, add_staff

    password = args.password or os.environ.get("BACKOFFICE_PASSWORD") or _read_password()
    with _db(args).transaction() as session:
        add_staff(session, args.username, password, Role(args.role), _now(args), "cli")
    print(f"added {args.username} ({args.role})")
    return 0


def _read_password() -> str:
    """Asked twice on a terminal; one line from stdin when piped (scripts, Ansible)."""
    from kiosk.cli_errors import CommandError

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise CommandError(_("the two passwords differ; nothing was added"))
    return first


def _import(args: argparse.Namespace) -> int:
    from kiosk.backoffice.masterdata import service as masterdata
    from kiosk.store.catalogue_csv import read_catalogue_csv

    products = read_catalogue_csv(args.file)
    with _db(args).transaction() as session:
        count = masterdata.upsert_products(session, products, _now(args), "cli")
        if args.publish:
            version = masterdata.publish(session, _now(args), "cli").version
            print(f"published master data version {version}")
    print(f"imported {count} products")
    return 0


def _publish(args: argparse.Namespace) -> int:
    from kiosk.backoffice.masterdata import service as masterdata

    with _db(args).transaction() as session:
        row = masterdata.publish(session, _now(args), "cli")
    print(f"published master data version {row.version} ({len(row.snapshot['products'])} products)")
    return 0


def _generate_reports(args: argparse.Namespace) -> int:
    from kiosk.backoffice.archive.service import RECHECK, describe, generate

    def progress(i, n, period, done) -> None:
        print(
            f"[{i}/{n}] {describe(done) if done else f'{period.kind} {period.period}: stored by another process'}",
            flush=True,
        )

    db = _db(args)
    try:
        run = generate(
            db,
            store_clock(args.time_zone)(),
            until=args.until,
            recheck=None if args.recheck_all else RECHECK,
            limit=None,
            progress=progress,
        )
    finally:
        db.close()
    print(f"archived {len(run.archived)} report(s)")
    return 0


def _verify_audit(args: argparse.Namespace) -> int:
    from kiosk.backoffice.audit.service import verify

    db = _db(args)
    try:
        with db.reading() as session:
            check = verify(session)
    finally:
        db.close()
    if check.ok:
        print(f"audit chain intact: {check.rows} rows")
        return 0
    print(
        f"kiosk-backoffice: audit chain broken at row {check.first_bad_id}: {check.problem}",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
