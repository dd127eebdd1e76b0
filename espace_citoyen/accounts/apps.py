from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "espace_citoyen.accounts"
    label = "accounts"
    verbose_name = "Comptes"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from espace_citoyen.accounts.roles import roles_sync, session_is_agent_store

        # After every app, so that the permissions of apps migrated later exist.
        post_migrate.connect(roles_sync, dispatch_uid="accounts.roles_sync")
        user_logged_in.connect(session_is_agent_store, dispatch_uid="accounts.session_is_agent")
