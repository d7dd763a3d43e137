"""Accounts as values and rules: who a visitor is, and the one password rule and hash.

The web layer reads a `Visitor` with each request and the CLI creates accounts; both take their
password rule and hashing from here, so the rule is stated once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from player.store.models import User

MIN_PASSWORD = 10  # characters; long passphrases beat complexity rules

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@dataclass(frozen=True)
class Visitor:
    """Who is asking, as a request sees them: read with the session row, never written through.

    A change to the account loads the `User` row by id in its own write transaction.
    """

    id: int
    email: str | None
    name: str
    role: str
    linked: bool = False  # made by an LMS launch: signed in through the LMS, with or without an email

    @property
    def is_guest(self) -> bool:
        return self.email is None and not self.linked


def password_too_short(password: str) -> bool:
    """The password rule, for sign-up, password change and `coursepack user create` alike."""
    return len(password) < MIN_PASSWORD


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _stand_in_hash() -> str:
    """A hash no password matches, verified in place of a missing one (made once, when first needed)."""
    return _hasher.hash("coursepack: no account has this password \0")


def check_password(user: User | None, password: str) -> bool:
    """Whether `password` is the user's. It takes the same time for an unknown email or an
    account without a password (made by an LMS) as for a wrong password: one argon2
    verification either way, so the time of an answer does not tell whether an account exists."""
    stored = user.password_hash if user is not None and user.password_hash else None
    try:
        matches = _hasher.verify(stored or _stand_in_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return matches and stored is not None


def spend_a_hash(password: str) -> None:
    """Do the work of hashing a new password and keep nothing: sign-up for an email that has an
    account costs what making one does, so its time says nothing either."""
    hash_password(password)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def plausible_email(email: str) -> bool:
    """An address mail could go to: one @, something before it, a dotted domain after it, no
    spaces or characters only quoting would allow, at most 254 characters. Whether it exists only a message sent to it would tell."""
    local, at, domain = email.rpartition("@")
    return (bool(at) and bool(local) and "@" not in local and "." in domain.strip(".") and len(email) <= 254
            and not any(c.isspace() or ord(c) < 32 or c in '<>()[]\\,;:"' for c in email)
            and not any(c in "/'" for c in domain))
