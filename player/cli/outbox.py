"""What `coursepack xapi` and `coursepack lti` share: sending a channel of the outbox and
showing its state (player.domain.outbox)."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click
from flask import Flask
from sqlalchemy.orm import Session

from player.domain import outbox
from player.web import db as database


def send(app: Flask, channel: str, make_sender: Callable[[Session], outbox.Sender], retry_failed: bool) -> None:
    """Send what is due; exit 1 when something failed for good or is waiting to be tried again,
    whether it was tried in this run or earlier (a message waiting out its back-off is not sent
    now, and a cron job must still see that the peer is not answering)."""
    with app.app_context(), Session(database.engine()) as reads:
        if retry_failed:
            with database.writing() as write:
                outbox.retry_failed(write, channel)
        delivered = outbox.deliver(database.engine(), channel, make_sender(reads))
        stuck = outbox.status(database.session(), channel).problems
    waiting = sum(message.status == "pending" for message in stuck)
    failed = sum(message.status == "failed" for message in stuck)
    click.echo(f"{channel}: sent {delivered.sent}; {waiting} waiting for another try, {failed} failed"
               f"{f' (see coursepack {channel} status)' if stuck else ''}", err=True)
    sys.exit(1 if stuck else 0)


def show_status(app: Flask, channel: str) -> None:
    """Counts by state, then one line per message that failed or is being retried."""
    with app.app_context():
        status = outbox.status(database.session(), channel)
        counts = status.counts
        click.echo(f"{channel}: {counts['pending']} pending, {counts['sent']} sent, {counts['failed']} failed")
        for message in status.problems:
            when = f", next try {message.next_attempt_at:%Y-%m-%d %H:%M} UTC" if message.status == "pending" else ""
            click.echo(f"{message.id} {message.status} after {message.attempts} tries{when}: {message.last_error}")
