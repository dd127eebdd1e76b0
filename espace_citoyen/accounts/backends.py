"""Django's ModelBackend (e-mail and password, `is_active` checked), whose `get_user`,
run on every request of a logged-in user, takes the account read with the session
(accounts.sessions, handed over by `prefetched_user`) or else reads it with one raw
statement, instead of building an ORM query each time (docs/benchmarks.md)."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.backends import ModelBackend

from espace_citoyen.accounts.models import User
from espace_citoyen.core import rawsql

# Its path, as AUTHENTICATION_BACKENDS and the sessions name it.
USER_BACKEND = "espace_citoyen.accounts.backends.UserBackend"


# The session whose account `get_user` may take instead of reading it again: set only
# while Django's `get_user` runs for a request (prefetched_user).
_session: ContextVar[object] = ContextVar("session_with_account", default=None)


def account_id(value) -> int | None:
    """An account id as a session holds it (text), as an int; None if it is none."""
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


@contextmanager
def prefetched_user(session):
    """While Django's `get_user` runs for a request, let the backend take the account read
    with this session (its `prefetched`: (id, account or None)) instead of reading it."""
    token = _session.set(session)
    try:
        yield
    finally:
        _session.reset(token)


def _read_with_session(user_id) -> tuple[bool, User | None]:
    prefetched = getattr(_session.get(), "prefetched", None)
    if prefetched is None or prefetched[0] != account_id(user_id):
        return False, None
    return True, prefetched[1]


def user_by_id(user_id) -> User | None:
    """The user of this id, every field loaded; None when there is none."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    if user_id not in rawsql.ID_RANGE:  # the ORM would find nobody
        return None
    cols = rawsql.columns(User)
    found = rawsql.fetch(
        f"SELECT {cols.sql} FROM {User._meta.db_table} WHERE id = %s",  # noqa: S608
        [user_id],
    )
    return cols.build(found[0]) if found else None


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        read, user = _read_with_session(user_id)
        if not read:
            user = user_by_id(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
