import re
from datetime import date

import pytest
from django.urls import reverse

from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.testing import page_text
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.families import services
from espace_citoyen.families.factories import ChildFactory, FamilyFactory, GuardianFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def durand():
    family = FamilyFactory()
    guardian = GuardianFactory(
        family=family, last_name="Durand", first_name="Léa", email="lea.durand@example.org"
    )
    ChildFactory(family=family, birth_date=date(2021, 6, 30))
    return guardian


def _ask(client, **changes):
    data = {
        "last_name": "DURAND",
        "first_name": "Lea",
        "family_number": "",
        "child_birth_date": "2021-06-30",
        "email": "lea.durand@example.org",
        **changes,
    }
    return client.post(reverse("families:lost_code"), data, follow=True)


SAME_ANSWER = "Si les informations saisies correspondent à une carte famille"


def test_matching_details_email_a_new_code_at_once(
    client, durand, mailoutbox, django_capture_on_commit_callbacks
):
    """Details matching a guardian whose e-mail is the account's: a code is e-mailed at
    once; the démarche is filed all the same, and closes when the account is linked."""
    user = UserFactory(email="lea.durand@example.org")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        page = page_text(_ask(client))
    assert SAME_ANSWER in page
    code_mail = next(m for m in mailoutbox if "Code d'activation :" in m.body)
    code = re.search(r"Code d'activation : (\S+)", code_mail.body).group(1)
    demarche = Demarche.objects.get(type="carte_famille_code_perdu")
    assert demarche.status == "deposee" and demarche.lost_code.code_sent_at
    with django_capture_on_commit_callbacks(execute=True):
        family = services.activation_code_redeem(user=user, typed=code)
    assert family == durand.family
    demarche.refresh_from_db()
    assert demarche.status == "acceptee"


def _requester_side(client, user, **changes) -> tuple[str, str, str]:
    """What a requester sees: the answer page, their history, the démarche's page (its
    reference and dates removed)."""
    client.force_login(user)
    answer = page_text(_ask(client, **changes))
    history = page_text(client.get(reverse("demarches:history")))
    demarche = Demarche.objects.get(lost_code__user=user)
    detail = page_text(client.get(reverse("demarches:detail", args=[demarche.reference])))

    def clean(text: str) -> str:
        text = text.replace(demarche.reference, "REF").replace(user.email, "EMAIL")
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
        text = re.sub(r'datetime="[^"]+"', "", text)
        return re.sub(r"\d{2}/\d{2}/\d{4}( à)? ?\d{0,2}[:h]?\d{0,2}", "DATE", text)

    return clean(answer), clean(history), clean(detail)


def test_a_match_and_a_non_match_look_the_same_to_the_requester(client, durand):
    """Same answer, same history, same démarche page: nothing tells the requester
    whether the details matched a family (the code e-mail goes only to the address on
    file, which a matching requester already owns)."""
    matching = UserFactory(email="lea.durand@example.org", first_name="Léa", last_name="Durand")
    other = UserFactory(email="autre@example.org", first_name="Léa", last_name="Durand")
    seen_by_match = _requester_side(client, matching)
    seen_by_other = _requester_side(client, other, email="autre@example.org")
    assert Demarche.objects.get(lost_code__user=matching).lost_code.code_sent_at
    assert not Demarche.objects.get(lost_code__user=other).lost_code.code_sent_at
    for mine, theirs in zip(seen_by_match, seen_by_other, strict=True):
        assert mine.splitlines() == theirs.splitlines()


def test_other_details_go_to_the_guichet_with_the_same_answer(
    client, durand, mailoutbox, django_capture_on_commit_callbacks
):
    """An account whose e-mail is not the one on file: same answer, a démarche instead."""
    user = UserFactory(email="autre@example.org")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        page = page_text(_ask(client, email="autre@example.org"))
    assert SAME_ANSWER in page
    demarche = Demarche.objects.get(type="carte_famille_code_perdu")
    assert demarche.owner == user
    assert demarche.lost_code.matched_guardian == durand
    assert all("Code d'activation :" not in m.body for m in mailoutbox)


def test_unknown_details_get_the_same_answer(client):
    client.force_login(UserFactory())
    assert SAME_ANSWER in page_text(_ask(client, last_name="Inconnu"))


def test_the_guichet_sends_a_code_to_the_requester(
    client, durand, agent, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="autre@example.org")
    client.force_login(user)
    _ask(client, email="autre@example.org")
    demarche = Demarche.objects.get()
    client.force_login(agent(Role.GUICHET))
    detail = page_text(client.get(reverse("backoffice:demarche", args=[demarche.reference])))
    assert "Madame Léa Durand" in detail
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("backoffice:lost_code_resolve", args=[demarche.reference]),
            {"guardian": durand.pk},
        )
    demarche.refresh_from_db()
    assert demarche.status == "acceptee"
    code_mail = next(m for m in mailoutbox if "Code d'activation :" in m.body)
    assert code_mail.to == ["autre@example.org"]
    code = re.search(r"Code d'activation : (\S+)", code_mail.body).group(1)
    assert services.activation_code_redeem(user=user, typed=code) == durand.family


def test_the_form_is_rate_limited(client, durand):
    client.force_login(UserFactory())
    for _attempt in range(3):
        _ask(client, last_name="X")
    page = page_text(_ask(client, last_name="X"))
    assert "plusieurs demandes dans l'heure" in page


def test_bad_input_is_explained_and_kept(client):
    client.force_login(UserFactory())
    page = page_text(_ask(client, child_birth_date="2999-01-01", email="pas-une-adresse"))
    assert "La date de naissance ne peut pas être dans le futur." in page
    assert "Saisissez une adresse de courriel valide." in page
    assert 'value="DURAND"' in page
