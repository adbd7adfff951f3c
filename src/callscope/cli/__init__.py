"""The `callscope` command line: thin — parse, call the library, print.

Each area registers its commands from its own module. Errors a user can fix are printed as one
line with a hint and exit status 2; set CALLSCOPE_DEBUG=1 for a traceback.
"""

from __future__ import annotations

import os
import sys

import typer

from callscope.cli import casestudy, data, demo, diagnose, forecast, kpi, plan, report, schedule, simulate, staffing

__all__ = ["app", "main"]

app = typer.Typer(
    name="callscope",
    help="Contact-centre operations toolkit / 呼叫中心运营工具",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
for module in (data, demo, kpi, diagnose, staffing, forecast, schedule, simulate, plan, report, casestudy):
    module.register(app)


def _user_errors() -> tuple[type[BaseException], ...]:
    from callscope.ingest import AccountingError, ProfileError
    from callscope.store import StoreVersionError

    return (ProfileError, AccountingError, StoreVersionError, FileNotFoundError, ValueError, KeyError)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `callscope ingest --profile` with no value lists the shipped profiles.
    if argv[:1] == ["ingest"] and argv[-1] == "--profile":
        argv = argv[:-1]
    try:
        app(argv, standalone_mode=True)
    except SystemExit:
        raise
    except _user_errors() as exc:
        if os.environ.get("CALLSCOPE_DEBUG"):
            raise
        from callscope.cli.common import err_console

        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        err_console.print(f"[bold red]callscope:[/] {message}", highlight=False, soft_wrap=True)  # one line, never wrapped
        sys.exit(2)
