"""`coursepack xapi`: send the statements in the outbox to the LRS, and show what is waiting."""

from __future__ import annotations

import click

from player.cli import outbox
from player.cli.app import make_app
from player.domain import xapi as statements

DATABASE = click.option("--database", help="Database URL [env COURSEPACK_DATABASE_URL].")


@click.group()
def xapi() -> None:
    """xAPI statements for a learning record store (docs/lti-xapi.md)."""


@xapi.command("send")
@click.option("--retry-failed", is_flag=True, help="Queue the failed statements again first (after mending the cause).")
@DATABASE
def send(retry_failed: bool, database: str | None) -> None:
    """Send the statements that are due (run it every minute from cron or a systemd timer).

    Exit 0 when everything due went; 1 when some wait for another try or failed for good.
    """
    app = make_app(database)
    settings = app.config["EVENTS"].xapi
    if settings is None:
        raise click.ClickException("no LRS is configured: set COURSEPACK_XAPI_ENDPOINT, COURSEPACK_XAPI_KEY and COURSEPACK_XAPI_SECRET")
    outbox.send(app, statements.CHANNEL, lambda _reads: statements.sender(settings), retry_failed)


@xapi.command("status")
@DATABASE
def status(database: str | None) -> None:
    """How many statements wait, went or failed, and why the stuck ones are stuck."""
    outbox.show_status(make_app(database), statements.CHANNEL)
