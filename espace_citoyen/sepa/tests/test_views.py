"""Both sides through real requests: the parent's request and signature, the régie's
queue and debit run, the invoice page's debit date; who sees which IBAN."""

from django.core import mail

from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.testing import visible_text as page_text
from espace_citoyen.sepa.models import Mandate, MandateStatus
from espace_citoyen.sepa.tests.conftest import IBAN, code_from_mail


def test_parent_requests_and_signs(citizen_client, family, creditor):
    page = page_text(citizen_client.get("/carte-famille/prelevement/demande/"))
    assert "FR72ZZZ123456" in page and "8 semaines" in page and "le 15 de chaque mois" in page
    response = citizen_client.post(
        "/carte-famille/prelevement/demande/",
        {
            "holder": "Camille Martin",
            "address": "1 rue",
            "iban": "FR76 3000 6000 0112 3456 7890 188",
        },
    )
    text = page_text(response)
    assert response.status_code == 200 and "clé de contrôle" in text
    assert "Camille Martin" in response.content.decode()  # what was typed stays
    response = citizen_client.post(
        "/carte-famille/prelevement/demande/",
        {"holder": "Camille Martin", "address": "1 rue", "iban": IBAN.lower()},
    )
    mandate = Mandate.objects.get(family=family)
    assert response.status_code == 302 and response["Location"].endswith(
        f"/{mandate.pk}/signature/"
    )
    response = citizen_client.post(response["Location"], {"consent": "on", "code": "12345x"})
    assert "ne correspond pas" in page_text(response)
    response = citizen_client.post(
        f"/carte-famille/prelevement/demande/{mandate.pk}/signature/",
        {"consent": "on", "code": code_from_mail()},
    )
    assert response.status_code == 302
    page = page_text(citizen_client.get("/carte-famille/prelevement/"))
    assert "attend la validation de la régie" in page and "FR76 •••• … 0189" in page


def test_regie_sees_full_iban_other_agents_masked(agent_client, family, citizen, creditor, clerk):
    from espace_citoyen.sepa import services

    mandate = services.mandate_request(
        family=family, holder="Camille Martin", address="1 rue", iban=IBAN, actor=citizen
    )
    mandate = services.mandate_sign(
        mandate=mandate, code=code_from_mail(), consent=True, actor=citizen
    )
    regie = agent_client(Role.REGIE)
    page = page_text(regie.get("/backoffice/prelevements/mandats/"))
    assert "FR76 3000 6000 0112 3456 7890 189" in page
    response = regie.post(
        f"/backoffice/prelevements/mandats/{mandate.pk}/decision/", {"decision": "accept"}
    )
    assert response.status_code == 302
    assert Mandate.objects.get(pk=mandate.pk).status == MandateStatus.ACTIVE
    guichet = agent_client(Role.GUICHET)  # the same browser, now a guichet agent
    assert guichet.get("/backoffice/prelevements/mandats/").status_code == 403
    page = page_text(guichet.get(f"/backoffice/demarches/{mandate.demarche.reference}/"))
    assert "3000 6000 0112" not in page and IBAN not in page
    assert all("3000 6000 0112" not in m.body and IBAN not in m.body for m in mail.outbox)


def test_other_family_sees_nothing(mandate, other_client):
    client = other_client
    assert client.get(f"/carte-famille/prelevement/mandat/{mandate.pk}/pdf/").status_code in (
        302,
        404,
    )
    assert client.post(
        f"/carte-famille/prelevement/mandat/{mandate.pk}/revocation/"
    ).status_code in (302, 404)
    assert Mandate.objects.get(pk=mandate.pk).status == MandateStatus.ACTIVE


def test_active_mandate_page_pdf_and_invoice(citizen_client, december_invoice, mandate):
    page = page_text(citizen_client.get("/carte-famille/prelevement/"))
    assert mandate.rum in page and "FR76 •••• … 0189" in page and IBAN not in page
    response = citizen_client.get(f"/carte-famille/prelevement/mandat/{mandate.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    page = page_text(citizen_client.get(f"/carte-famille/factures/{december_invoice.pk}/"))
    assert "Prélèvement le 15 janvier 2027" in page


def test_regie_debit_run(agent_client, december_invoice, mandate, creditor):
    regie = agent_client(Role.REGIE)
    page = page_text(regie.get("/backoffice/prelevements/"))  # 15 December: too soon
    assert "0 prélèvement" in page and "pré-notifiée pour le 15/01/2027" in page
    page = page_text(regie.get("/backoffice/prelevements/?collection_date=2027-01-15"))
    assert "1 prélèvement" in page and "11,40" in page and IBAN not in page
    response = regie.post("/backoffice/prelevements/", {"collection_date": "2027-01-15"})
    assert response.status_code == 302
    detail = regie.get(response["Location"])
    assert "FRST" in page_text(detail)
    download = regie.get(response["Location"] + "xml/")
    assert IBAN.encode() in download.content
    location = response["Location"]
    assert agent_client(Role.GUICHET).get(location + "xml/").status_code == 403


def test_codes_are_capped_so_they_cannot_be_guessed(citizen_client, family, creditor):
    """Five tries per code and ten codes a day for the family, whatever the requests."""
    data = {"holder": "Camille Martin", "address": "1 rue", "iban": IBAN}
    citizen_client.post("/carte-famille/prelevement/demande/", data)
    mandate = Mandate.objects.get(family=family)
    sign = f"/carte-famille/prelevement/demande/{mandate.pk}/signature/"
    for _ in range(9):
        citizen_client.post(sign, {"resend": "1"})
    response = citizen_client.post(sign, {"resend": "1"}, follow=True)
    assert response.status_code == 200 and "Trop de codes" in page_text(response)
    response = citizen_client.post("/carte-famille/prelevement/demande/", data)
    assert response.status_code == 200 and "Trop de codes" in page_text(response)
    assert "Camille Martin" in response.content.decode()
    assert len([m for m in mail.outbox if "code de signature" in m.subject]) == 10


def test_mandate_page_keeps_the_request_in_templates(citizen_client, family, citizen, creditor):
    """The request under way does not hide Django's `request` from the card's menu."""
    from espace_citoyen.sepa import services

    services.mandate_request(
        family=family, holder="Camille Martin", address="1 rue", iban=IBAN, actor=citizen
    )
    response = citizen_client.get("/carte-famille/prelevement/")
    assert "n'est pas encore signée" in page_text(response)
    assert response.context["request"].user == citizen


def test_regie_cannot_decide_a_request_not_signed_or_already_decided(
    family, citizen, creditor, clerk, client
):
    """A forged POST on an unsigned request or an active mandate: a message, no 500."""
    from espace_citoyen.sepa import services
    from espace_citoyen.sepa.tests.conftest import mandate_active

    unsigned = services.mandate_request(
        family=family, holder="Camille Martin", address="1 rue", iban=IBAN, actor=citizen
    )
    client.force_login(clerk)
    for decision in ("accept", "refuse"):
        response = client.post(
            f"/backoffice/prelevements/mandats/{unsigned.pk}/decision/",
            {"decision": decision, "reason": "Non"},
            follow=True,
        )
        assert "n'attend pas de décision" in page_text(response)
    active = mandate_active(family, citizen, clerk)
    response = client.post(
        f"/backoffice/prelevements/mandats/{active.pk}/decision/",
        {"decision": "refuse", "reason": "Non"},
        follow=True,
    )
    assert "n'attend pas de décision" in page_text(response)
    active.refresh_from_db()
    assert active.status == MandateStatus.ACTIVE and active.refusal_reason == ""
