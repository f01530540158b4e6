"""Logging in and out, the second factor, passwords, and the coordination's security page."""

from django.urls import path

from .views import account

urlpatterns = [
    path("connexion/", account.LoginView.as_view(), name="login"),
    path("deconnexion/", account.LogoutView.as_view(), name="logout"),
    path("connexion/code/", account.second_factor_verify, name="second_factor_verify"),
    path("compte/", account.account_security, name="account_security"),
    path("compte/second-facteur/", account.second_factor_enrol, name="second_factor_enrol"),
    path("compte/second-facteur/codes/", account.recovery_codes_renew, name="recovery_codes_renew"),
    path("compte/second-facteur/supprimer/", account.second_factor_remove, name="second_factor_remove"),
    path("compte/mot-de-passe/", account.password_change, name="password_change"),
    path("compte/mot-de-passe/modifie/", account.password_change_done, name="password_change_done"),
    path("mot-de-passe-oublie/", account.password_reset, name="password_reset"),
    path("mot-de-passe-oublie/envoye/", account.password_reset_done, name="password_reset_done"),
    path(
        "mot-de-passe-oublie/<uidb64>/<token>/", account.password_reset_confirm, name="password_reset_confirm"
    ),
    path("mot-de-passe-oublie/termine/", account.password_reset_complete, name="password_reset_complete"),
    path("organisation/securite/", account.organisation_security, name="organisation_security"),
    path("organisation/securite/debloquer/", account.login_unlock, name="login_unlock"),
    path("organisation/securite/second-facteur/", account.second_factor_reset, name="second_factor_reset"),
]
