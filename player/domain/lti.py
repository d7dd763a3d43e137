"""The player as an LTI 1.3 tool (docs/lti-xapi.md): platform registrations, the tool's keys,
the OIDC login and the validation of a launch's id_token, and deep linking responses.

Written on PyJWT rather than pylti1p3 (or its maintained fork, pylti1p3next): those keep the
login's nonce in the browser's cookie session and accept it again, so a replayed launch in the
same browser passes, and make their calls to the platform without a timeout. Here the state
and nonce of a login are a database row that a launch consumes (in its own transaction, so a
refused launch still uses it up), which works across workers and without the session cookie a
cross-site POST does not carry. What a launch means for accounts, roles and cohorts is in
`player.domain.lti_accounts`; grade passback in `player.domain.lti_grades`.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from player.store.models import LtiKey, LtiLogin, LtiPlatform, utcnow

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
RESOURCE_LINK, DEEP_LINKING = "LtiResourceLinkRequest", "LtiDeepLinkingRequest"
LOGIN_LIFETIME = timedelta(minutes=10)  # from the login initiation to the launch
LEEWAY = 60  # seconds of clock difference allowed between the platform and us

# Finds the platform's public key for a token (the web layer fetches and keeps its JWKS).
KeyFinder = Callable[[LtiPlatform, str], Any]


class LaunchRefused(Exception):
    """A login or launch the tool does not accept; the message says why, for the LMS's admin."""


@dataclass(frozen=True)
class Launch:
    """A validated launch, as plain values."""

    platform_id: int
    frame_origin: str
    deployment_id: str
    message_type: str
    subject: str
    roles: tuple[str, ...]
    name: str = ""
    email: str | None = None
    context_id: str | None = None
    context_title: str = ""
    custom: dict[str, str] = field(default_factory=dict)
    lineitem: str | None = None
    deep_linking: dict[str, Any] = field(default_factory=dict)


# -- registrations --------------------------------------------------------------------------
@dataclass(frozen=True)
class Registration:
    """What an LMS's administrator copies from the LMS's tool page (`coursepack lti add-platform`)."""

    name: str
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    jwks_url: str
    deployment_ids: tuple[str, ...]
    frame_origin: str = ""  # default: the origin of auth_login_url


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def add_platform(db: Session, registration: Registration) -> LtiPlatform:
    for url in (registration.auth_login_url, registration.auth_token_url, registration.jwks_url):
        if urlsplit(url).scheme not in ("https", "http") or not urlsplit(url).netloc:
            raise ValueError(f"{url!r} is not an https:// address")
    same = registration.issuer.rstrip("/")
    if db.scalar(select(LtiPlatform.id).where(LtiPlatform.issuer.in_([same, same + "/"]),
                                              LtiPlatform.client_id == registration.client_id)):
        raise ValueError(f"a platform with issuer {registration.issuer} and client id {registration.client_id} is registered already"
                         " (with or without a '/' at the end: launches compare the issuer exactly, so keep the one the LMS shows)")
    platform = LtiPlatform(
        name=registration.name, issuer=registration.issuer, client_id=registration.client_id,
        auth_login_url=registration.auth_login_url, auth_token_url=registration.auth_token_url,
        jwks_url=registration.jwks_url, deployment_ids=list(registration.deployment_ids),
        frame_origin=registration.frame_origin or origin(registration.auth_login_url),
    )
    db.add(platform)
    ensure_key(db)
    db.flush()
    return platform


def platforms(db: Session) -> list[LtiPlatform]:
    return list(db.scalars(select(LtiPlatform).order_by(LtiPlatform.id)))


def remove_platform(db: Session, platform_id: int) -> bool:
    """Forget a platform, its logins, account links, contexts and queued scores."""
    return (db.execute(delete(LtiPlatform).where(LtiPlatform.id == platform_id)).rowcount or 0) > 0


# -- the tool's keys ------------------------------------------------------------------------
def ensure_key(db: Session) -> LtiKey:
    """The newest signing key, made now when there is none."""
    key = db.scalars(select(LtiKey).order_by(LtiKey.created_at.desc())).first()
    if key is None:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        key = LtiKey(kid=uuid.uuid4().hex, private_key=pem.decode())
        db.add(key)
        db.flush()
    return key


def public_jwks(db: Session) -> dict[str, Any]:
    """The tool's public keys, for the platform to check what the tool signs."""
    keys = []
    for key in db.scalars(select(LtiKey).order_by(LtiKey.created_at)):
        public = serialization.load_pem_private_key(key.private_key.encode(), None).public_key()
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(public, as_dict=True)
        keys.append({**jwk, "kid": key.kid, "alg": "RS256", "use": "sig"})
    return {"keys": keys}


def sign(db: Session, claims: dict[str, Any]) -> str:
    key = ensure_key(db)
    return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid})


# -- login and launch -----------------------------------------------------------------------
def find_platform(db: Session, issuer: str, client_id: str | None) -> LtiPlatform:
    query = select(LtiPlatform).where(LtiPlatform.issuer == issuer)
    if client_id:
        query = query.where(LtiPlatform.client_id == client_id)
    found = list(db.scalars(query.limit(2)))
    if not found:
        which = f"issuer {issuer!r}" + (f" and client id {client_id!r}" if client_id else "")
        raise LaunchRefused(f"no platform is registered for {which}; see 'coursepack lti list'")
    if len(found) > 1:
        raise LaunchRefused(f"several platforms are registered for issuer {issuer!r} and the login names no client id; "
                            "ask the LMS to send client_id, or keep one platform: see 'coursepack lti list'")
    return found[0]


def begin_login(db: Session, issuer: str, client_id: str | None) -> tuple[LtiPlatform, LtiLogin]:
    """Third-party initiated login: a fresh state and nonce for the platform's auth request."""
    platform = find_platform(db, issuer, client_id)
    db.execute(delete(LtiLogin).where(LtiLogin.created_at < utcnow() - LOGIN_LIFETIME))
    login = LtiLogin(state=secrets.token_urlsafe(32), platform_id=platform.id, nonce=secrets.token_urlsafe(32))
    db.add(login)
    db.flush()
    return platform, login


def take_login(db: Session, state: str) -> LtiLogin:
    """The login a launch answers, used up now: a second launch with it is refused."""
    login = db.get(LtiLogin, state) if state else None
    if login is None:
        raise LaunchRefused("this launch's state is unknown or used already (a replayed launch?)")
    db.delete(login)
    return login


def validate_launch(db: Session, login: LtiLogin, id_token: str, find_key: KeyFinder) -> Launch:
    """Check the id_token against the platform's keys, our client id, the login's nonce and the
    registered deployments (LTI 1.3 core, 5.1.3), and read what the tool needs from it."""
    if login.created_at < utcnow() - LOGIN_LIFETIME:
        raise LaunchRefused("the login took too long; launch again from the LMS")
    platform = db.get(LtiPlatform, login.platform_id)
    if platform is None:
        raise LaunchRefused("the platform of this login was removed")
    try:
        claims = jwt.decode(
            id_token, find_key(platform, id_token), algorithms=["RS256"], audience=platform.client_id,
            issuer=platform.issuer, leeway=LEEWAY, options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]},
        )
    except jwt.PyJWTError as error:
        raise LaunchRefused(f"the id_token is not valid: {error}") from error
    _check_claims(platform, login, claims)
    return _launch(platform, claims)


def _check_claims(platform: LtiPlatform, login: LtiLogin, claims: dict[str, Any]) -> None:
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != platform.client_id:
        raise LaunchRefused("the id_token names several audiences and we are not its authorised party")
    if not secrets.compare_digest(str(claims["nonce"]), login.nonce):
        raise LaunchRefused("the id_token's nonce is not the one this login sent (a replayed launch?)")
    if claims.get(CLAIM + "deployment_id") not in platform.deployment_ids:
        raise LaunchRefused(f"deployment {claims.get(CLAIM + 'deployment_id')!r} is not registered for {platform.name}; "
                            "add it with 'coursepack lti add-platform --deployment'")
    if claims.get(CLAIM + "version") != "1.3.0":
        raise LaunchRefused("only LTI 1.3.0 launches are understood")
    if claims.get(CLAIM + "message_type") not in (RESOURCE_LINK, DEEP_LINKING):
        raise LaunchRefused(f"message type {claims.get(CLAIM + 'message_type')!r} is not supported")


def _launch(platform: LtiPlatform, claims: dict[str, Any]) -> Launch:
    context = claims.get(CLAIM + "context") or {}
    custom = claims.get(CLAIM + "custom") or {}
    return Launch(
        platform_id=platform.id, frame_origin=platform.frame_origin,
        deployment_id=claims[CLAIM + "deployment_id"], message_type=claims[CLAIM + "message_type"],
        subject=str(claims["sub"]), roles=tuple(claims.get(CLAIM + "roles") or ()),
        name=str(claims.get("name") or " ".join(filter(None, (claims.get("given_name"), claims.get("family_name"))))),
        email=claims.get("email") or None,
        context_id=context.get("id"), context_title=str(context.get("title") or context.get("label") or ""),
        custom={str(k): str(v) for k, v in custom.items()} if isinstance(custom, dict) else {},
        lineitem=(claims.get(AGS_CLAIM) or {}).get("lineitem"),
        deep_linking=claims.get(DL_CLAIM + "deep_linking_settings") or {},
    )


# -- deep linking ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LinkedItem:
    """A course or block a teacher picked, as the LMS will launch it."""

    title: str
    course_id: str
    block_id: str = ""


def resource_link(item: LinkedItem, launch_url: str) -> dict[str, Any]:
    """An LtiResourceLink whose launches land on the item, with a grade column for it."""
    custom = {"course": item.course_id, **({"block": item.block_id} if item.block_id else {})}
    return {
        "type": "ltiResourceLink", "title": item.title, "url": launch_url, "custom": custom,
        "lineItem": {"scoreMaximum": 100, "label": item.title, "resourceId": "/".join(custom.values())},
    }


def deep_linking_response(db: Session, platform_id: int, deployment_id: str, settings: dict[str, Any],
                          items: list[dict[str, Any]]) -> str:
    """The signed LtiDeepLinkingResponse the browser posts back to the platform."""
    platform = db.get(LtiPlatform, platform_id)
    if platform is None:
        raise LaunchRefused("the platform of this deep linking request was removed")
    now = int(time.time())
    claims = {
        "iss": platform.client_id, "aud": platform.issuer, "iat": now, "exp": now + 600, "nonce": secrets.token_urlsafe(16),
        CLAIM + "message_type": "LtiDeepLinkingResponse", CLAIM + "version": "1.3.0",
        CLAIM + "deployment_id": deployment_id, DL_CLAIM + "content_items": items,
    }
    if settings.get("data"):
        claims[DL_CLAIM + "data"] = settings["data"]
    return sign(db, claims)
