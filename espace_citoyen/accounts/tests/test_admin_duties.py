"""Separation of duties in /admin/: administrators manage agents and configuration, never
a citizen's credentials; nobody gives themselves a role; every role given is recorded and
told to the other administrators."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from espace_citoyen.accounts import services
from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.accounts.models import RoleChange, User
from espace_citoyen.accounts.roles import Role, user_roles
from espace_citoyen.audit.selectors import audit_for_subject
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.testing import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(agent):
    return agent(Role.ADMINISTRATEUR)


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def _change_data(user: User, **overrides) -> dict:
    data = {
        "civility": user.civility,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "phone": user.phone,
        "is_active": "on",
        "groups": [group.pk for group in user.groups.all()],
        "email": user.email,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_an_administrator_cannot_set_a_citizens_password(admin_client, citizen):
    url = reverse("admin:auth_user_password_change", args=[citizen.pk])
    assert admin_client.get(url).status_code == 403
    response = admin_client.post(
        url, {"password1": "N0uveau-mot-de-passe!", "password2": "N0uveau-mot-de-passe!"}
    )
    assert response.status_code == 403
    citizen.refresh_from_db()
    assert not citizen.check_password("N0uveau-mot-de-passe!")
    page = admin_client.get(reverse("admin:accounts_user_change", args=[citizen.pk])).content
    assert b"../password/" not in page and url.encode() not in page


def test_an_administrator_cannot_change_a_citizens_email(admin_client, citizen):
    url = reverse("admin:accounts_user_change", args=[citizen.pk])
    response = admin_client.post(url, _change_data(citizen, email="pirate@example.org"))
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.email == "camille.martin@example.org"


def test_nobody_gives_themselves_a_role(admin_client, administrator):
    url = reverse("admin:accounts_user_change", args=[administrator.pk])
    scolaire = Group.objects.get(name=Role.SCOLAIRE.value)
    admin_client.post(
        url,
        _change_data(
            administrator, groups=[g.pk for g in administrator.groups.all()] + [scolaire.pk]
        ),
    )
    administrator = User.objects.get(pk=administrator.pk)
    assert Role.SCOLAIRE not in user_roles(administrator)
    assert not RoleChange.objects.exists()
    with pytest.raises(ApplicationError, match="vos propres rôles"):
        services.user_groups_set(user=administrator, groups=[scolaire], by=administrator)


def test_a_role_given_is_recorded_and_told_to_the_other_administrators(
    admin_client, administrator, agent, mailoutbox, django_capture_on_commit_callbacks
):
    other_admin = agent(Role.ADMINISTRATEUR)
    colleague = agent(Role.GUICHET)
    url = reverse("admin:accounts_user_change", args=[colleague.pk])
    scolaire = Group.objects.get(name=Role.SCOLAIRE.value)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, _change_data(colleague, groups=[scolaire.pk]))
    assert response.status_code == 302
    assert user_roles(User.objects.get(pk=colleague.pk)) == {Role.SCOLAIRE}
    changes = {(c.group, c.granted, c.by_id) for c in RoleChange.objects.filter(user=colleague)}
    assert changes == {("scolaire", True, administrator.pk), ("guichet", False, administrator.pk)}
    entry = audit_for_subject(colleague).get()
    assert (entry.area, entry.actor, entry.action) == ("accounts", administrator, "modification")
    assert entry.changes == {"rôles": [["guichet"], ["scolaire"]]}
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [other_admin.email]
    assert "Rôles donnés : Service scolaire." in mail.body
    assert "Rôles retirés : Guichet des formalités administratives." in mail.body
    assert administrator.email in mail.body


def test_a_new_agent_chooses_their_own_password(
    admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    add = admin_client.get(reverse("admin:accounts_user_add"))
    assert "password1" not in add.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:accounts_user_add"),
            {
                "email": "nouvel.agent@mairie.example.org",
                "last_name": "Agent",
                "first_name": "Nouvel",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="nouvel.agent@mairie.example.org")
    assert not user.has_usable_password()
    assert mailoutbox[-1].to == ["nouvel.agent@mairie.example.org"]
    assert "/compte/mot-de-passe/choisir/" in mailoutbox[-1].body


def test_the_role_record_is_read_only(admin_client, administrator):
    colleague = UserFactory()
    services.user_groups_set(
        user=colleague, groups=[Group.objects.get(name="regie")], by=administrator
    )
    listing = page_text(admin_client.get(reverse("admin:accounts_rolechange_changelist")))
    assert "regie" in listing
    change = RoleChange.objects.get()
    assert (
        admin_client.post(
            reverse("admin:accounts_rolechange_delete", args=[change.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
