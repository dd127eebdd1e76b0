"""Django's ModelBackend (e-mail and password, `is_active` checked), whose `get_user`,
run on every request of a logged-in user, reads the user with one raw statement instead
of building an ORM query each time (docs/benchmarks.md)."""

from django.contrib.auth.backends import ModelBackend

from espace_citoyen.accounts.models import User
from espace_citoyen.core import rawsql

# Its path, as AUTHENTICATION_BACKENDS and the sessions name it.
USER_BACKEND = "espace_citoyen.accounts.backends.UserBackend"


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
        user = user_by_id(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
