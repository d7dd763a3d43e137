"""`coursepack lti`: the LMS platforms that may launch the player, and their grade passback."""

from __future__ import annotations

import click
from flask import Flask, url_for

from player.cli import outbox
from player.cli.app import make_app
from player.domain import lti as tool
from player.domain import lti_grades
from player.web import db as database_module

DATABASE = click.option("--database", help="Database URL [env COURSEPACK_DATABASE_URL].")


@click.group()
def lti() -> None:
    """LTI 1.3: the player as a tool inside an LMS (docs/lti-xapi.md)."""


@lti.command("add-platform")
@click.option("--name", required=True, help="What to call the LMS, e.g. 'Moodle of the Skopje centre'.")
@click.option("--issuer", required=True, help="The platform ID (issuer), e.g. https://moodle.example.org.")
@click.option("--client-id", required=True, help="The client ID the LMS gave the tool.")
@click.option("--auth-url", required=True, help="The LMS's authentication request URL (OIDC auth endpoint).")
@click.option("--token-url", required=True, help="The LMS's access token URL.")
@click.option("--jwks-url", required=True, help="The LMS's public keyset URL.")
@click.option("--deployment", "deployments", multiple=True, required=True, help="A deployment ID (repeat for several).")
@click.option("--frame-origin", default="", help="The LMS's web origin, allowed to frame the player [default: that of --auth-url].")
@DATABASE
def add_platform(name: str, issuer: str, client_id: str, auth_url: str, token_url: str, jwks_url: str,
                 deployments: tuple[str, ...], frame_origin: str, database: str | None) -> None:
    """Register an LMS; prints the tool's addresses to enter in the LMS."""
    registration = tool.Registration(name, issuer, client_id, auth_url, token_url, jwks_url, deployments, frame_origin)
    app = make_app(database)
    with app.app_context():
        try:
            with database_module.writing() as write:
                platform_id = tool.add_platform(write, registration).id
        except ValueError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"registered platform {platform_id}: {name}", err=True)
        _print_tool_urls(app)


def _print_tool_urls(app: Flask) -> None:
    public = app.config.get("PUBLIC_URL", "").rstrip("/")
    if not public:
        click.echo("set COURSEPACK_PUBLIC_URL to the player's https:// address; the paths below go after it", err=True)
    with app.test_request_context():
        for label, endpoint in (("Tool URL / redirection URI", "lti.launch"), ("Initiate login URL", "lti.login"),
                                ("Public keyset URL", "lti.jwks"), ("Content selection URL", "lti.launch")):
            click.echo(f"{label}: {public}{url_for(endpoint)}")


@lti.command("list")
@DATABASE
def list_platforms(database: str | None) -> None:
    """The registered platforms, one per line: id, name, issuer, client id, deployments."""
    with make_app(database).app_context():
        for platform in tool.platforms(database_module.session()):
            click.echo(f"{platform.id}\t{platform.name}\t{platform.issuer}\t{platform.client_id}\t"
                       f"{','.join(platform.deployment_ids)}\tframe {platform.frame_origin}")


@lti.command("remove")
@click.argument("platform_id", type=int)
@DATABASE
def remove(platform_id: int, database: str | None) -> None:
    """Forget a platform: its launches stop working; accounts made through it stay."""
    with make_app(database).app_context(), database_module.writing() as write:
        if not tool.remove_platform(write, platform_id):
            raise click.ClickException(f"no platform {platform_id}; see 'coursepack lti list'")
    click.echo(f"removed platform {platform_id}", err=True)


@lti.command("send")
@click.option("--retry-failed", is_flag=True, help="Queue the failed scores again first (after mending the cause).")
@DATABASE
def send(retry_failed: bool, database: str | None) -> None:
    """Post the scores that are due to the LMS gradebooks (run it every minute, like xapi send).

    Exit 0 when everything due went; 1 when some wait for another try or failed for good.
    """
    outbox.send(make_app(database), lti_grades.CHANNEL, lti_grades.sender, retry_failed)


@lti.command("status")
@DATABASE
def status(database: str | None) -> None:
    """How many scores wait, went or failed, and why the stuck ones are stuck."""
    outbox.show_status(make_app(database), lti_grades.CHANNEL)
