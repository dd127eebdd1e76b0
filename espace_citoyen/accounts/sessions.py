"""Sessions in the database, as Django's `db` engine (same table, same signed format, so
a deploy keeps everyone logged in), read with one raw statement: every page a user
opens loads its session, and the ORM's query building cost more than the read itself
(docs/benchmarks.md). Writes (login, logout, a message kept for the next page) stay
Django's own."""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import db
from django.utils import timezone

from espace_citoyen.accounts.backends import USER_BACKEND
from espace_citoyen.core import rawsql

# Sessions written before the project's backend name Django's ModelBackend: they are read
# as naming it (same users, same checks), so nobody is logged out by the change.
LEGACY_BACKENDS = frozenset({"django.contrib.auth.backends.ModelBackend"})


class SessionStore(db.SessionStore):
    def load(self) -> dict:
        if self.session_key is None:
            return {}
        table = self.model._meta.db_table
        found = rawsql.fetch(
            f'SELECT "session_data" FROM "{table}" '  # noqa: S608 (the model's own table)
            'WHERE "session_key" = %s AND "expire_date" > %s',
            [self.session_key, rawsql.moment(timezone.now())],
        )
        if not found:
            self._session_key = None
            return {}
        data = self.decode(found[0][0])
        if data.get(BACKEND_SESSION_KEY) in LEGACY_BACKENDS:
            data[BACKEND_SESSION_KEY] = USER_BACKEND
        return data
