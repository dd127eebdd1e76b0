from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.accounts.roles import Role
from espace_citoyen.audit.models import AuditEntry
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.testing import page_text
from espace_citoyen.families import services
from espace_citoyen.families.factories import GuardianFactory, family_create
from espace_citoyen.families.models import ActivationCode
from espace_citoyen.families.rules import code_display

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(agent):
    """A family made at the desk; its guardian's activation code, as printed."""
    family = family_create(children=2)
    guardian = family.guardians.get()
    code, _record = services.activation_code_issue(
        guardian=guardian, created_by=agent(Role.GUICHET)
    )
    return guardian, code


def _post(client, code):
    return client.post(reverse("families:activate"), {"code": code}, follow=True)


def test_the_code_links_the_account_and_lands_on_the_card(citizen_client, citizen, letter):
    """Path 2: the code from the letter links the account to the guardian named on it."""
    guardian, code = letter
    page = page_text(_post(citizen_client, code_display(code)))
    assert f"Votre compte est relié à la carte famille {guardian.family.number}" in page
    assert "Le téléservice vous permet de" in page
    guardian.refresh_from_db()
    assert guardian.user == citizen
    assert AuditEntry.objects.filter(
        area="families", scope_id=guardian.family.pk, action="liaison du compte"
    ).exists()


def test_typing_is_tolerant(citizen_client, citizen, letter):
    guardian, code = letter
    typed = " ".join(code_display(code).lower().split("-")).replace("0", "o")
    _post(citizen_client, typed)
    guardian.refresh_from_db()
    assert guardian.user == citizen


def test_the_code_is_stored_hashed_only(letter):
    _guardian, code = letter
    record = ActivationCode.objects.get()
    assert code not in record.code_hash and code_display(code) not in record.code_hash


def test_a_code_works_once(letter):
    _guardian, code = letter
    services.activation_code_redeem(user=UserFactory(), typed=code)
    with pytest.raises(ApplicationError, match="déjà été utilisé"):
        services.activation_code_redeem(user=UserFactory(), typed=code)


def test_a_code_expires_after_90_days(letter):
    _guardian, code = letter
    with time_machine.travel(timezone.now() + timedelta(days=90, minutes=1)):
        with pytest.raises(ApplicationError, match="a expiré"):
            services.activation_code_redeem(user=UserFactory(), typed=code)
    with time_machine.travel(timezone.now() + timedelta(days=89)):
        assert services.activation_code_redeem(user=UserFactory(), typed=code)


def test_a_new_letter_revokes_the_previous_code(letter, agent):
    guardian, old = letter
    new, _record = services.activation_code_issue(guardian=guardian, created_by=agent(Role.GUICHET))
    with pytest.raises(ApplicationError, match="remplacé par un plus récent"):
        services.activation_code_redeem(user=UserFactory(), typed=old)
    assert services.activation_code_redeem(user=UserFactory(), typed=new)


def test_five_wrong_codes_lock_the_form_for_an_hour(citizen_client, citizen, letter):
    """After 5 wrong tries even the right code is refused for an hour, then it works."""
    _guardian, code = letter
    for _attempt in range(4):
        page = page_text(_post(citizen_client, "AAAA-AAAA-AA"))
        assert "n'est pas reconnu" in page
    assert "Il vous reste 1 essai." in page
    page = page_text(_post(citizen_client, "AAAA-AAAA-AA"))
    assert "Trop d'essais" in page
    page = page_text(_post(citizen_client, code))
    assert "Trop d'essais" in page
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        page = page_text(_post(citizen_client, code))
        assert "Votre compte est relié" in page


def test_a_malformed_code_is_explained_and_not_counted(citizen_client, letter):
    for _attempt in range(6):
        page = page_text(_post(citizen_client, "ABC"))
    assert "compte 10 caractères" in page
    assert "Trop d'essais" not in page


def test_a_second_guardian_links_with_their_own_letter(letter, agent):
    guardian, code = letter
    second = GuardianFactory(family=guardian.family, first_name="Julien", position=2)
    code2, _r = services.activation_code_issue(guardian=second, created_by=agent(Role.GUICHET))
    first_user, second_user = UserFactory(), UserFactory()
    services.activation_code_redeem(user=first_user, typed=code)
    family = services.activation_code_redeem(user=second_user, typed=code2)
    assert {g.user for g in family.guardians.all()} == {first_user, second_user}


def test_an_account_already_linked_cannot_link_again(citizen, letter):
    family_create(user=citizen)
    _guardian, code = letter
    with pytest.raises(ApplicationError, match="déjà relié à une carte famille"):
        services.activation_code_redeem(user=citizen, typed=code)


def test_the_entry_page_offers_the_three_paths(citizen_client):
    page = page_text(citizen_client.get(reverse("families:card")))
    assert "je n'ai pas de carte famille" in page
    assert "Saisissez le code d'activation" in page
    assert "Guichet des formalités administratives" in page
    assert "j'ai une carte famille mais je ne connais pas mon code d'activation" in page
