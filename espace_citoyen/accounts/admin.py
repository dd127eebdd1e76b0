"""Accounts in /admin/: administrators manage agents (names, roles, access), never a
citizen's credentials. Nobody sets a password or changes an e-mail here (each person does
it from their own account, by e-mail link); nobody changes their own roles; every role
given or taken is recorded and e-mailed to the other administrators."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from espace_citoyen.accounts import services
from espace_citoyen.accounts.models import RoleChange, User
from espace_citoyen.core.errors import ApplicationError


class UserCreationForm(forms.ModelForm):
    """A new agent account: no password here; the person receives a link to choose it."""

    class Meta:
        model = User
        fields = ("email", "last_name", "first_name")


class UserChangeForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("civility", "last_name", "first_name", "phone", "is_active", "is_staff", "groups")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["last_name", "first_name"]
    list_display = ["email", "last_name", "first_name", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups"]
    search_fields = ["email", "last_name", "first_name"]
    fieldsets = [
        (None, {"fields": ["email"]}),
        (_("Identité"), {"fields": ["civility", "last_name", "first_name", "phone"]}),
        (_("Rôles et accès"), {"fields": ["is_active", "is_staff", "groups"]}),
        (_("Dates"), {"fields": ["date_joined", "last_login", "privacy_accepted_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "last_name", "first_name"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["date_joined", "last_login", "privacy_accepted_at"]
        if obj is not None:
            # The e-mail is the login: only its owner changes it.
            readonly.append("email")
            if obj.pk == request.user.pk:
                readonly += ["groups", "is_staff", "is_active"]
        return readonly

    def user_change_password(self, request, id, form_url=""):
        """Nobody sets someone else's password: « Mot de passe oublié » e-mails a link."""
        raise PermissionDenied

    def save_model(self, request, obj, form, change):
        if not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        if not change:
            services.user_send_password_link(user=obj)

    def save_related(self, request, form, formsets, change):
        groups = form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)
        if groups is None:
            return
        try:
            with transaction.atomic():
                services.user_groups_set(user=form.instance, groups=groups, by=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)


@admin.register(RoleChange)
class RoleChangeAdmin(admin.ModelAdmin):
    """The record of roles given and taken: read only."""

    list_display = ["at", "user", "group", "granted", "by"]
    list_filter = ["group", "granted"]
    search_fields = ["user__email", "user__last_name", "by__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
