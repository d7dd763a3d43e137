"""Settings from the environment, with development defaults that are safe to run on a laptop."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from player.domain.events import Listeners
from player.domain.xapi import XapiSettings

DEV_SECRET = "development-only-secret"  # noqa: S105 - refused outside development


class ConfigError(RuntimeError):
    """A setting is missing or unsafe; the message says which and how to set it."""


def from_environment(instance_path: Path) -> dict[str, Any]:
    """Read COURSEPACK_* variables and SECRET_KEY into Flask config keys."""
    env = os.environ
    development = env.get("COURSEPACK_ENV", "production") == "development"
    return {
        "DEVELOPMENT": development,
        "SECRET_KEY": env.get("SECRET_KEY") or (DEV_SECRET if development else None),
        "COURSES_DIR": Path(env.get("COURSEPACK_COURSES", "courses")),
        # Exported packs, made again on demand: beside the database by default, wherever the
        # process was started from.
        "PACK_CACHE": Path(env.get("COURSEPACK_CACHE") or instance_path / "cache"),
        # The last good version of each course, copied so that a restart while an edit fails
        # validation still serves it (player.store.kept).
        "CONTENT_KEPT": instance_path / "content-kept",
        "DATABASE_URL": env.get("COURSEPACK_DATABASE_URL") or f"sqlite:///{instance_path / 'coursepack.db'}",
        # Throttling counters: in Redis when it is given, else in the database (player.store.limits);
        # either way every worker and host counts together.
        "RATELIMIT_STORAGE_URI": env.get("COURSEPACK_REDIS_URL") or "coursepack-db://",
        "CONTENT_RELOAD": env.get("COURSEPACK_RELOAD", "1") == "1",
        "RELEASE": env.get("COURSEPACK_RELEASE", ""),
        # How many proxies in front set X-Forwarded-For, -Proto and -Host (nginx, a load
        # balancer): their word is taken for the visitor's address (throttling counts per
        # address) and the site's scheme and host. 0: the connection's own, nothing trusted.
        "PROXIES": env.get("COURSEPACK_PROXIES", "0"),
        "TEMPLATES_AUTO_RELOAD": development,  # an edited template shows at once; production keeps them
        "PUBLIC_URL": env.get("COURSEPACK_PUBLIC_URL", ""),
        # The organisation named on certificates; unset: the site's host name (docs/trainers.md).
        "CERTIFICATE_ISSUER": env.get("COURSEPACK_CERTIFICATE_ISSUER", ""),
        # Flask has its own defaults for these, so they are set here, before the caller's overrides.
        "SESSION_COOKIE_NAME": "coursepack_session",
        "SESSION_COOKIE_SECURE": not development,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # A guest's cookie is kept this long after it last changed (auth.start_session), so a
        # closed browser loses no progress; it is not sent again on every request (each would
        # sign and compress the cookie afresh).
        "PERMANENT_SESSION_LIFETIME": timedelta(days=90),
        "SESSION_REFRESH_EACH_REQUEST": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_LIMIT": "10 per 5 minutes",
        # Accounts made from one address: a training room behind one router signs up together,
        # a script making accounts (each costs an argon2 hash) is stopped.
        "SIGNUP_LIMIT": env.get("COURSEPACK_SIGNUP_LIMIT", "30 per 10 minutes"),
        # xAPI (docs/lti-xapi.md): statements go to an LRS only when an endpoint is set.
        "XAPI_ENDPOINT": env.get("COURSEPACK_XAPI_ENDPOINT", ""),
        "XAPI_KEY": env.get("COURSEPACK_XAPI_KEY", ""),
        "XAPI_SECRET": env.get("COURSEPACK_XAPI_SECRET", ""),
        "XAPI_ACTOR": env.get("COURSEPACK_XAPI_ACTOR", "account"),
    }


MIN_SECRET = 32  # characters: secrets.token_hex(32), as the README makes it, has 64


def finalise(config: dict[str, Any]) -> None:
    """Refuse to start without a real secret outside development, or with a proxy count that is
    not one."""
    if not config.get("SECRET_KEY"):
        raise ConfigError("SECRET_KEY is not set: export SECRET_KEY=<a long random value> (or COURSEPACK_ENV=development on your own machine)")
    development = config.get("DEVELOPMENT", False)
    if not development and config["SECRET_KEY"] == DEV_SECRET:
        raise ConfigError("SECRET_KEY is the development placeholder; set a real secret outside development")
    if not development and len(str(config["SECRET_KEY"])) < MIN_SECRET:
        raise ConfigError(f"SECRET_KEY has {len(str(config['SECRET_KEY']))} characters: it signs every session and keys the "
                          f"answer tokens, so use at least {MIN_SECRET} random ones: "
                          "export SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')")
    proxies = str(config.get("PROXIES", 0))
    if not proxies.isdigit():
        raise ConfigError(f"COURSEPACK_PROXIES is {proxies!r}: give the number of proxies in front of the player (0, 1, ...)")
    config["PROXIES"] = int(proxies)
    config["EVENTS"] = Listeners(xapi=xapi_settings(config))


def xapi_settings(config: dict[str, Any]) -> XapiSettings | None:
    """The LRS settings, or None when no endpoint is set; a half-made setting is an error."""
    if not config.get("XAPI_ENDPOINT"):
        return None
    try:
        return XapiSettings(endpoint=config["XAPI_ENDPOINT"], key=config.get("XAPI_KEY", ""),
                            secret=config.get("XAPI_SECRET", ""), home=config.get("PUBLIC_URL", ""),
                            actor=config.get("XAPI_ACTOR", "account"))
    except ValueError as error:
        raise ConfigError(str(error)) from error
