"""What accounts tells the apps above it. accounts knows only core (the import contract),
so the apps that must act on an account's change listen here."""

from django.dispatch import Signal

# Sent by accounts.services.user_groups_set inside its transaction, after the roles
# changed: user, by (the administrator), granted and removed (group names, sorted).
# The audit app records it in the one trail (audit.receivers).
roles_changed = Signal()

# Sent by accounts.services.user_profile_update inside its transaction: user, by (who
# acted: the account's owner), before and after (the profile's fields). The audit app
# records it in the one trail (audit.receivers).
profile_changed = Signal()
