from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin, restricted to the administrateur role."""

    default_site = "espace_citoyen.backoffice.admin_site.AdminSite"
