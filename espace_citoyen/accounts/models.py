"""Accounts: the user (one account per e-mail address, which is also the login), the
record of its roles given and taken, and its sessions."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Civility(models.TextChoices):
    MADAME = "mme", _("Madame")
    MONSIEUR = "m", _("Monsieur")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(email__iexact=username.strip())


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("adresse électronique"), max_length=254, unique=True)
    civility = models.CharField(_("civilité"), max_length=3, choices=Civility.choices, blank=True)
    last_name = models.CharField(_("nom"), max_length=150)
    first_name = models.CharField(_("prénom"), max_length=150)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(
        _("accès à l'administration"),
        default=False,
        help_text=_("Réservé aux administrateurs de la configuration."),
    )
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)
    privacy_accepted_at = models.DateTimeField(
        _("politique de confidentialité acceptée le"), null=True, blank=True
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["last_name", "first_name"]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def formal_name(self) -> str:
        """ "Madame Camille Martin", as letters and e-mails address people."""
        # The label without get_civility_display's mapping of every choice (each page).
        known = self.civility in Civility.values
        civility = str(Civility(self.civility).label) if known else self.civility
        return " ".join(part for part in (civility, self.get_full_name()) if part)


class RoleChange(models.Model):
    """A role (group) given to or taken from an account: by whom, when. Written only by
    `accounts.services.user_groups_set`, which also tells the other administrators."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="role_changes")
    group = models.CharField(_("rôle"), max_length=150)
    granted = models.BooleanField(_("donné"), help_text=_("Sinon, retiré."))
    by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("changement de rôle")
        verbose_name_plural = _("changements de rôle")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {'+' if self.granted else '-'}{self.group}"


class Session(AbstractBaseSession):
    """A session in the database, as Django's own, plus the account it is logged in as:
    every page reads its session and its user in one statement (accounts.sessions). A
    session with no account (not logged in, or written before this column) is read the
    usual way. Deleting an account deletes its sessions."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta(AbstractBaseSession.Meta):
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls):
        from espace_citoyen.accounts.sessions import SessionStore

        return SessionStore
