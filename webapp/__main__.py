"""Command line: `python -m webapp` serve, migrate, create-user, rotate-key, sandbox, and the
configuration commands export, plan and apply (webapp.configs_cli)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from webapp.settings import Settings, SettingsError


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m webapp")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the configurator")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    user = commands.add_parser("create-user", help="add a user (the first one: an admin)")
    user.add_argument("--email", required=True)
    user.add_argument("--role", choices=("viewer", "editor", "admin"), required=True)
    user.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    commands.add_parser(
        "rotate-key",
        help="re-encrypt every stored Floqer key under WEBAPP_SECRET_KEY "
        "(the old secret in WEBAPP_OLD_SECRET_KEY or WEBAPP_OLD_SECRET_KEY_FILE)",
    )
    migrate = commands.add_parser("migrate", help="bring the database to the latest schema")
    migrate.add_argument(
        "--check", action="store_true", help="also fail if the models need a new migration"
    )
    sandbox = commands.add_parser("sandbox", help="run the local Floqer API stand-in")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8100)
    sandbox.add_argument("--org", choices=("default", "large", "hostile"), default="default")
    sandbox.add_argument("--latency-ms", type=_non_negative, default=0)
    sandbox.add_argument("--rate-limit-per-minute", type=_positive, default=200)
    sandbox.add_argument("--rate-limit-per-day", type=_positive, default=10_000)
    _configuration_commands(commands)
    return parser


def _configuration_commands(commands: Any) -> None:
    export = commands.add_parser(
        "export", help="print saved configurations as the export's JSON document"
    )
    which = export.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="every one (the default)")
    which.add_argument("--id", type=_positive, help="the configuration with this id")
    plan = commands.add_parser(
        "plan",
        help="show what applying a document would change here and in Floqer "
        "(exit 0: nothing, 2: something, 1: an error)",
    )
    plan.add_argument("file", help="the document (- for standard input)")
    plan.add_argument("--json", action="store_true", help="the plan as JSON")
    plan.add_argument(
        "--push", action="store_true", help="count steps Floqer does not hold as changes"
    )
    apply = commands.add_parser(
        "apply", help="save each configuration of a document that differs, in order"
    )
    apply.add_argument("file", help="the document (- for standard input)")
    apply.add_argument(
        "--push", action="store_true", help="also push each one Floqer does not hold yet"
    )
    apply.add_argument("--force", action="store_true", help="apply despite pre-flight errors")
    apply.add_argument(
        "--as",
        dest="as_email",
        metavar="EMAIL",
        help="the editor or admin who applies (default: the only admin)",
    )


def _export(args: argparse.Namespace) -> None:
    from webapp import configs_cli

    settings = _settings()
    sys.exit(configs_cli.guarded("export", lambda: configs_cli.export(settings, args.id)))


def _plan(args: argparse.Namespace) -> None:
    from webapp import configs_cli

    settings = _settings()

    def work() -> int:
        return configs_cli.plan_file(settings, args.file, as_json=args.json, push=args.push)

    sys.exit(configs_cli.guarded("plan", work))


def _apply(args: argparse.Namespace) -> None:
    from webapp import configs_cli

    settings = _settings()

    def work() -> int | str:
        return configs_cli.apply_file(
            settings, args.file, push=args.push, force=args.force, as_email=args.as_email
        )

    sys.exit(configs_cli.guarded("apply", work))


def _run_sandbox(args: argparse.Namespace) -> None:
    import uvicorn

    from webapp.sandbox import SandboxSettings, create_sandbox_app

    settings = SandboxSettings(
        org=args.org,
        latency_ms=args.latency_ms,
        rate_limit_per_minute=args.rate_limit_per_minute,
        rate_limit_per_day=args.rate_limit_per_day,
    )
    uvicorn.run(create_sandbox_app(settings), host=args.host, port=args.port, log_level="info")


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    from webapp.app import create_app
    from webapp.redaction import logging_config

    settings = _settings().serving_on(args.host)
    # Forwarded headers are read by the app itself (webapp.web.guard.FrontDoor), which
    # keeps the address that connected for single sign-on: uvicorn must not rewrite it.
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_config=logging_config(),
        proxy_headers=False,
    )


def _migrate(args: argparse.Namespace) -> None:
    from sqlalchemy.exc import OperationalError

    from webapp import migrate
    from webapp.db import unreachable

    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        migrate.upgrade(settings.database_url)
        if args.check:
            migrate.check(settings.database_url)
    except OperationalError as exc:
        sys.exit(f"migrate: {unreachable(settings.database_url, exc)}")
    print("database is at the latest schema")


def _create_user(args: argparse.Namespace) -> None:
    import getpass

    from webapp.admin_cli import create_user_from_cli

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password again: "):
            sys.exit("the two passwords differ")
    sys.exit(create_user_from_cli(_settings(), args.email, args.role, password))


def _rotate_key(args: argparse.Namespace) -> None:
    from webapp.admin_cli import rotate_keys

    sys.exit(rotate_keys(_settings()))


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except (SettingsError, OSError) as exc:
        sys.exit(f"configuration problem: {exc}")


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    commands = {
        "sandbox": _run_sandbox,
        "serve": _serve,
        "migrate": _migrate,
        "create-user": _create_user,
        "rotate-key": _rotate_key,
        "export": _export,
        "plan": _plan,
        "apply": _apply,
    }
    commands[args.command](args)


if __name__ == "__main__":
    main(sys.argv[1:])
