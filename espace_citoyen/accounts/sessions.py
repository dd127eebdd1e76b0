"""Sessions in the database (accounts.Session: Django's session table plus the account it
is logged in as), read with one raw statement that also reads the account: every page a
user opens loads its session and its user, and the ORM's query building cost more than
the reads themselves (docs/benchmarks.md). The signed format is Django's; writes (login,
logout, a message kept for the next page) are Django's own, which record the account.

The account read with the session is handed to the authentication backend
(accounts.backends.prefetched_user, from accounts.middleware), and Django's own checks
still run on it: the backend that logged in, the account active, the session's hash of
the password."""

from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends import db
from django.utils import timezone

from espace_citoyen.accounts.backends import USER_BACKEND, account_id
from espace_citoyen.core import rawsql

# Sessions written before the project's backend name Django's ModelBackend: they are read
# as naming it (same users, same checks), so nobody is logged out by the change.
LEGACY_BACKENDS = frozenset({"django.contrib.auth.backends.ModelBackend"})


class SessionStore(db.SessionStore):
    # (account id, the account or None when it is gone), read with the session.
    prefetched: tuple[int, object] | None = None

    @classmethod
    def get_model_class(cls):
        from espace_citoyen.accounts.models import Session

        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = account_id(data.get(SESSION_KEY))
        return session

    def load(self) -> dict:
        self.prefetched = None
        if self.session_key is None:
            return {}
        from espace_citoyen.accounts.models import User

        users = rawsql.columns(User, alias="u")
        found = rawsql.fetch(
            f'SELECT s."session_data", s."user_id", {users.sql} '  # noqa: S608 (the models' own tables)
            f'FROM "{self.model._meta.db_table}" s '
            f'LEFT JOIN "{User._meta.db_table}" u ON u."id" = s."user_id" '
            'WHERE s."session_key" = %s AND s."expire_date" > %s',
            [self.session_key, rawsql.moment(timezone.now())],
        )
        if not found:
            self._session_key = None
            return {}
        session_data, user_id, *user = found[0]
        data = self.decode(session_data)
        if data.get(BACKEND_SESSION_KEY) in LEGACY_BACKENDS:
            data[BACKEND_SESSION_KEY] = USER_BACKEND
        if user_id is not None and account_id(data.get(SESSION_KEY)) == user_id:
            self.prefetched = (user_id, users.build(user) if user[0] is not None else None)
        return data
