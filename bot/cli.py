"""The `actionbot` command line (CONTRACT.md §3).

Exit codes: 0 success, 1 input rejected, 2 usage or configuration error. Errors are plain lines on
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn, TextIO, TypeAlias

import yaml
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from bot.domain.catalog import UnknownName
from bot.domain.command_grammar import FilterKey, selection_from_filters
from bot.domain.incoming import InvalidInput
from bot.domain.roles import Role, parse_role
from bot.domain.selection import Selection
from bot.domain.subjects import normalize_subject
from bot.domain.windows import DEFAULT_WINDOW
from bot.services import roles as role_service
from bot.services.ingest import ingest_input
from bot.services.query import every_row
from bot.settings import Settings, describe_settings_error
from bot.views.listing import write_csv, write_json, write_table
from storage.db import Database, DatabaseUnavailable, redact
from storage.migrate import upgrade

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A usage or configuration error: one line on stderr, exit 2."""


class Rejected(Exception):
    """The input was refused: its lines go to stderr, exit 1."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = list(lines)
        super().__init__(lines[-1] if lines else "rejected")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


Command = Callable[[argparse.Namespace, Settings], int]
COMMANDS: dict[str, Command] = {}
"""Subcommand handlers by name; other modules (run, sandbox) add theirs with `command`."""


def command(name: str) -> Callable[[Command], Command]:
    def register(handler: Command) -> Command:
        COMMANDS[name] = handler
        return handler

    return register


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="actionbot", description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    db_sub.add_parser("upgrade", help="apply migrations to ACTIONBOT_DATABASE_URL")

    ing = sub.add_parser("ingest", help="store actions from a JSON, JSON array or JSON Lines file")
    ing.add_argument("file", nargs="?", default="-", help="a file, or - for standard input")

    roles = sub.add_parser("roles", help="local role assignments")
    roles_sub = roles.add_subparsers(dest="roles_command", required=True, parser_class=_Parser)
    for verb in ("grant", "revoke"):
        p = roles_sub.add_parser(verb, help=f"{verb} roles (email address or Slack user ID)")
        p.add_argument("user")
        p.add_argument("roles", nargs="+", metavar="ROLE")
    lst = roles_sub.add_parser("list", help="list assignments")
    lst.add_argument("user", nargs="?")
    imp = roles_sub.add_parser("import", help="replace all assignments with a YAML file")
    imp.add_argument("file")

    for name, help_text in (
        ("history", "decided and finished actions"),
        ("pending", "pending actions"),
    ):
        p = sub.add_parser(name, help=help_text)
        if name == "history":
            p.add_argument(
                "--window",
                default=DEFAULT_WINDOW.value,
                help="day, week, month or 6months (24h, 7d, 30d, 180d)",
            )
        p.add_argument("--source", action="append", default=[], metavar="KEY")
        p.add_argument("--type", action="append", default=[], metavar="KEY")
        p.add_argument("--status", action="append", default=[], metavar="KEY")
        p.add_argument("--device", action="append", default=[], metavar="NAME")
        p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    for extra in _EXTRA_PARSERS:
        extra(sub)
    return parser


SubParsers: TypeAlias = "argparse._SubParsersAction[_Parser]"
_EXTRA_PARSERS: list[Callable[[SubParsers], None]] = []


def extra_parser(add: Callable[[SubParsers], None]) -> Callable[[SubParsers], None]:
    """Let another module (the runner, the sandbox) add its subcommand's arguments."""
    _EXTRA_PARSERS.append(add)
    return add


def open_database(settings: Settings) -> Database:
    """Open the configured database and bring its schema up to date."""
    db = Database.from_url(settings.database_url)
    try:
        upgrade(db.engine)
    except DBAPIError as exc:
        # Not only "unreachable" (OperationalError): a file that is not a database, say.
        db.dispose()
        raise DatabaseUnavailable(f"{redact(settings.database_url)}: {_reason(exc)}") from None
    return db


def _reason(exc: BaseException) -> str:
    """The first line of what the database driver said, without SQLAlchemy's decoration."""
    orig = getattr(exc, "orig", None)
    lines = str(orig if orig is not None else exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@command("db")
def _db(args: argparse.Namespace, settings: Settings) -> int:
    open_database(settings).dispose()
    print(f"database is up to date: {redact(settings.database_url)}")
    return EXIT_OK


@command("ingest")
def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    data = _read_input(args.file)
    db = open_database(settings)
    try:
        result = ingest_input(db, data, actor=_actor())
    except InvalidInput as exc:
        raise Rejected([e.describe() for e in exc.errors] + [exc.summary]) from None
    finally:
        db.dispose()
    print(f"{result.new} new, {result.updated} updated, {result.unchanged} unchanged")
    return EXIT_OK


def _read_input(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None


@command("roles")
def _roles(args: argparse.Namespace, settings: Settings) -> int:
    if settings.role_source != "local":
        raise UsageError(
            f"ACTIONBOT_ROLE_SOURCE is {settings.role_source}: roles come from Microsoft Graph, "
            "so local assignments would change nothing; manage them in Entra ID"
        )
    verb = args.roles_command
    table = _read_role_file(args.file) if verb == "import" else {}
    roles = [_parse(parse_role, r) for r in getattr(args, "roles", [])]
    db = open_database(settings)
    try:
        with _bad_subject_is_usage():
            if verb == "grant":
                new = role_service.grant(db, args.user, roles, actor=_actor())  # type: ignore[arg-type]
                granted = ", ".join(r.value for r in new) or "nothing new"
                print(f"{normalize_subject(args.user)}: granted {granted}")
            elif verb == "revoke":
                removed = role_service.revoke(db, args.user, roles, actor=_actor())  # type: ignore[arg-type]
                print(f"{normalize_subject(args.user)}: revoked {removed} role(s)")
            elif verb == "list":
                _print_assignments(role_service.assignments(db, args.user), sys.stdout)
            else:
                count = role_service.replace_all(db, table, actor=_actor())
                print(f"imported {count} assignment(s) for {len(table)} user(s)")
    finally:
        db.dispose()
    return EXIT_OK


@contextmanager
def _bad_subject_is_usage() -> Iterator[None]:
    try:
        yield
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _print_assignments(table: dict[str, frozenset[Role]], out: TextIO) -> None:
    if not table:
        out.write("(no role assignments)\n")
    for who, roles in table.items():
        out.write(f"{who}: {', '.join(sorted(r.value for r in roles))}\n")


def _read_role_file(name: str) -> dict[str, list[Role]]:
    try:
        content = yaml.safe_load(_read_input(name)) or {}
    except yaml.YAMLError as exc:
        raise Rejected([f"{name}: not valid YAML: {exc}".splitlines()[0]]) from None
    if not isinstance(content, dict):
        raise Rejected([f"{name}: expected a mapping of USER: [ROLE, ...]"])
    table: dict[str, list[Role]] = {}
    problems: list[str] = []
    for user, roles in content.items():
        if isinstance(roles, str):
            roles = [roles]
        if not isinstance(roles, list):
            problems.append(f"{user}: expected a list of roles")
            continue
        try:
            normalize_subject(str(user))
            table[str(user)] = [parse_role(str(r)) for r in roles]
        except (UnknownName, ValueError) as exc:
            problems.append(f"{user}: {exc}")
    if problems:
        raise Rejected([*problems, f"{len(problems)} invalid entr(y/ies); nothing was changed"])
    return table


def _parse(parse: Callable[[str], object], text: str) -> object:
    try:
        return parse(text)
    except UnknownName as exc:
        raise UsageError(str(exc)) from None


def selection_from_args(args: argparse.Namespace, pending: bool) -> Selection:
    """The same selection the slash command builds (bot.domain.command_grammar), from options."""

    def each(values: list[str]) -> list[str]:
        return [v for item in values for v in item.split(",")]

    return selection_from_filters(
        pending=pending,
        window=None if pending else args.window,
        filters={
            FilterKey.SOURCE: each(args.source),
            FilterKey.TYPE: each(args.type),
            FilterKey.STATUS: each(args.status),
            FilterKey.DEVICE: each(args.device),
        },
        raise_as=UsageError,
    )


def _listing(args: argparse.Namespace, settings: Settings, pending: bool) -> int:
    selection = selection_from_args(args, pending)
    db = open_database(settings)
    try:
        rows = every_row(db, selection)
        writer = {"table": write_table, "csv": write_csv, "json": write_json}[args.format]
        writer(rows, sys.stdout)
    finally:
        db.dispose()
    return EXIT_OK


@command("history")
def _history(args: argparse.Namespace, settings: Settings) -> int:
    return _listing(args, settings, pending=False)


@command("pending")
def _pending(args: argparse.Namespace, settings: Settings) -> int:
    return _listing(args, settings, pending=True)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        try:
            settings = Settings()
        except ValidationError as exc:
            raise UsageError(describe_settings_error(exc)) from None
        return COMMANDS[args.command](args, settings)
    except UsageError as exc:
        print(f"actionbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DatabaseUnavailable as exc:
        print(f"actionbot: database unreachable: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Rejected as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return EXIT_REJECTED
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except SQLAlchemyError as exc:
        # The database failed mid-command (locked, disk full, connection lost).
        print(f"actionbot: database error: {_reason(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:
        # The contract promises a plain line, never a traceback, even for our own bugs.
        print(f"actionbot: unexpected error: {type(exc).__name__}: {_reason(exc)}", file=sys.stderr)
        return EXIT_USAGE
