from django.urls import path

from espace_citoyen.accounts import views

app_name = "accounts"

urlpatterns = [
    path("creer/", views.signup, name="signup"),
    path("creer/message-envoye/", views.signup_sent, name="signup_sent"),
    path("mot-de-passe/choisir/<str:token>/", views.set_password, name="set_password"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oublie/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("mot-de-passe/changer/", views.PasswordChangeView.as_view(), name="password_change"),
    path("profil/", views.profile, name="profile"),
]
