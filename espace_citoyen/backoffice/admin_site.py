from django.contrib import admin

from espace_citoyen.accounts.roles import Role, has_role


class AdminSite(admin.AdminSite):
    site_header = "Espace Citoyen — configuration"
    site_title = "Espace Citoyen"
    index_title = "Configuration de la commune"

    def has_permission(self, request) -> bool:
        """Only administrators (role administrateur, or superusers) reach /admin/."""
        user = request.user
        return bool(
            user.is_active
            and user.is_staff
            and (user.is_superuser or has_role(user, Role.ADMINISTRATEUR))
        )
