from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from espace_citoyen.accounts import forms, services
from espace_citoyen.accounts.backends import USER_BACKEND
from espace_citoyen.accounts.roles import is_agent
from espace_citoyen.accounts.tokens import account_link_check
from espace_citoyen.core.errors import ApplicationError


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("portal:dashboard")
    form = forms.SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_signup(**form.cleaned_data)
        request.session["signup_email"] = form.cleaned_data["email"]
        return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form})


def signup_sent(request):
    return render(
        request, "accounts/signup_sent.html", {"email": request.session.get("signup_email", "")}
    )


@require_http_methods(["GET", "HEAD", "POST"])
def set_password(request, token: str):
    try:
        user = account_link_check(token)
    except ApplicationError as error:
        return render(
            request, "accounts/link_invalid.html", {"error": error, "code": error.code}, status=400
        )
    form = forms.SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_set_password_from_link(
                token=token, password=form.cleaned_data["new_password1"]
            )
        except ApplicationError as error:
            return render(
                request,
                "accounts/link_invalid.html",
                {"error": error, "code": error.code},
                status=400,
            )
        login(request, user, backend=USER_BACKEND)
        messages.success(
            request, _("Votre mot de passe est enregistré. Bienvenue dans votre espace citoyen.")
        )
        return redirect("portal:dashboard")
    return render(request, "accounts/set_password.html", {"form": form, "account": user})


def axes_username(request, credentials) -> str:
    """The address counted by the lockout, whatever its case: « A@x.fr » is « a@x.fr »."""
    source = credentials if credentials else request.POST
    return (source.get("username") or "").strip().lower()


def lockout(request, original_response=None, credentials=None):
    """What django-axes shows after 5 failed logins: the login page, address kept."""
    form = forms.LoginForm(request, data=request.POST or None)
    form.is_bound = False  # keep the typed address without running authentication again
    form.initial = {"username": (credentials or {}).get("username", "")}
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "lockout": _(
                "Trop de tentatives de connexion ont échoué. Par sécurité, la connexion "
                "à ce compte est bloquée pendant 15 minutes depuis cet appareil. Réessayez "
                "plus tard, ou choisissez un nouveau mot de passe avec « Mot de passe "
                "oublié ? »."
            ),
        },
        status=429,
    )


class LoginView(auth_views.LoginView):
    form_class = forms.LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Without a `next` address, agents land on the back-office, parents on Mon
        espace."""
        if is_agent(self.request.user):
            return resolve_url("backoffice:home")
        return super().get_default_redirect_url()


class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.PasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("portal:dashboard")
    post_reset_login = True
    post_reset_login_backend = USER_BACKEND

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Votre nouveau mot de passe est enregistré."))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["old_password"].label = _("Mot de passe actuel")
        form.fields["new_password1"].label = _("Nouveau mot de passe")
        form.fields["new_password1"].help_text = _(
            "Au moins 12 caractères ; évitez les mots de passe courants."
        )
        form.fields["new_password2"].label = _("Confirmation du nouveau mot de passe")
        return form

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Votre mot de passe a été changé. Vos autres sessions ont été déconnectées."),
        )
        return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    form = forms.ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Votre profil est enregistré."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
