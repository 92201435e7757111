"""Command line: `python -m webapp sandbox|...`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


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
    sandbox = commands.add_parser("sandbox", help="run the local Floqer API stand-in")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8100)
    sandbox.add_argument("--org", choices=("default", "large", "hostile"), default="default")
    sandbox.add_argument("--latency-ms", type=_non_negative, default=0)
    sandbox.add_argument("--rate-limit-per-minute", type=_positive, default=200)
    sandbox.add_argument("--rate-limit-per-day", type=_positive, default=10_000)
    return parser


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


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if args.command == "sandbox":
        _run_sandbox(args)


if __name__ == "__main__":
    main(sys.argv[1:])
