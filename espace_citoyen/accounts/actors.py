"""Who does something, as the services' `actor` / `agent` parameters say it."""

from espace_citoyen.accounts.models import User

# The person behind a change: a citizen or an agent; None when the product acts by itself
# (an enrolment accepted automatically, a code e-mailed at once, a night job).
Actor = User | None
