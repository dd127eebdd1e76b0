from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from espace_citoyen.accounts.models import Civility, User
from espace_citoyen.core.notifications import notify

format_html_lazy = lazy(format_html, str)


class SignupForm(forms.Form):
    civility = forms.ChoiceField(
        label=_("Civilité"), choices=Civility.choices, widget=forms.RadioSelect
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    email = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        help_text=_(
            "Format attendu : nom@exemple.fr. Le lien pour choisir votre mot de passe "
            "y sera envoyé."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    privacy_accepted = forms.BooleanField(
        label=format_html_lazy(
            _(
                "J'ai lu la <a href=\"{}\">politique de confidentialité</a> et j'accepte "
                "que mes données soient traitées pour gérer mon compte."
            ),
            reverse_lazy("portal:privacy"),
        ),
        error_messages={
            "required": _(
                "Vous devez accepter la politique de confidentialité pour créer un compte."
            )
        },
    )


class SetPasswordForm(auth_forms.SetPasswordForm):
    """Choose a password: 12 characters at least, not a common one (settings' validators)."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = _("Mot de passe")
        self.fields["new_password1"].help_text = _(
            "Au moins 12 caractères. Une phrase de plusieurs mots est facile à retenir "
            "et difficile à deviner. Évitez les mots de passe courants."
        )
        self.fields["new_password2"].label = _("Confirmation du mot de passe")
        self.fields["new_password2"].help_text = ""


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _(
            "L'adresse électronique ou le mot de passe est incorrect. Vérifiez-les et "
            "réessayez : après 5 essais infructueux, la connexion est bloquée 15 minutes."
        ),
        "inactive": _("Ce compte est désactivé. Contactez la mairie."),
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, with the mail sent through the product's mail queue."""

    email = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email):
        # Also an account still waiting for its first password: the reset link is how a
        # parent whose sign-up link expired gets a new one.
        return User.objects.filter(email__iexact=email.strip(), is_active=True)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        link = settings.SITE_URL + reverse_lazy(
            "accounts:password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        notify("accounts/mail/password_reset", to=to_email, context={**context, "link": link})


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["civility", "last_name", "first_name", "phone"]
        widgets = {
            "civility": forms.RadioSelect,
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }
        labels = {
            "civility": _("Civilité"),
            "last_name": _("Nom"),
            "first_name": _("Prénom"),
            "phone": _("Téléphone (facultatif)"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["civility"].choices = Civility.choices
        self.fields["civility"].required = True
