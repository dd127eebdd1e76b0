import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.accounts.roles import Role
from espace_citoyen.audit.selectors import audit_for_scope
from espace_citoyen.core.testing import image_upload, page_text, pdf_upload
from espace_citoyen.families import services
from espace_citoyen.families.factories import family_create
from espace_citoyen.families.models import Document, DocumentKind
from espace_citoyen.families.rules import document_filename

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(citizen):
    return family_create(user=citizen, children=1)


def _upload(client, file, kind="domicile", child=""):
    return client.post(
        reverse("families:documents"), {"kind": kind, "child": child, "file": file}, follow=True
    )


@pytest.mark.parametrize(
    "upload",
    [pdf_upload, lambda: image_upload("a.png", "PNG"), lambda: image_upload("b.jpg", "JPEG")],
)
def test_pdf_jpeg_and_png_are_accepted(citizen_client, family, upload):
    """A PDF, JPEG or PNG is stored « à vérifier » and listed for the family."""
    page = page_text(_upload(citizen_client, upload()))
    assert "Votre document est déposé" in page
    assert "Justificatif de domicile" in page and "À vérifier" in page
    document = Document.objects.get()
    assert document.content_type in {"application/pdf", "image/png", "image/jpeg"}


def test_a_renamed_file_is_refused_by_its_content(citizen_client, family):
    """A text file renamed .pdf is refused with a clear message."""
    fake = SimpleUploadedFile(
        "facture.pdf", b"ceci n'est pas un PDF", content_type="application/pdf"
    )
    response = _upload(citizen_client, fake)
    assert response.status_code == 400
    assert "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG" in page_text(response)
    assert not Document.objects.exists()


@override_settings(DOCUMENT_MAX_BYTES=1000)
def test_a_file_too_big_is_refused(citizen_client, family):
    response = _upload(citizen_client, pdf_upload())
    assert "la taille maximale est de 10 Mo" in page_text(response)
    assert not Document.objects.exists()


def test_the_file_is_served_to_the_family_only(citizen_client, family, other_client, agent):
    _upload(citizen_client, pdf_upload())
    document = Document.objects.get()
    url = reverse("families:document_file", args=[document.pk])
    response = citizen_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    other_client.force_login(UserFactory())
    assert other_client.get(url).status_code == 404
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018 (no public URL exists)


def test_a_download_is_named_from_its_kind_and_detected_type(
    citizen_client, family, other_client, agent
):
    """The uploaded name (here a path, a script's extension and a diagnosis) never reaches
    the download: the kind and the type found in the content name the file."""
    upload = pdf_upload()
    upload.name = '../Léa "asthme" sévère;.exe.html'
    _upload(citizen_client, upload, kind="domicile")
    document = Document.objects.get()
    for client, url in [
        (citizen_client, reverse("families:document_file", args=[document.pk])),
        (other_client, reverse("backoffice:document_file", args=[document.pk])),
    ]:
        other_client.force_login(agent(Role.GUICHET))
        disposition = client.get(url)["Content-Disposition"]
        assert disposition == f'inline; filename="justificatif-de-domicile-{document.pk}.pdf"'


def test_download_names_for_every_kind_and_type():
    for kind in DocumentKind:
        for mime, extension in [
            ("application/pdf", "pdf"),
            ("image/png", "png"),
            ("image/jpeg", "jpg"),
        ]:
            name = document_filename(kind_label=str(kind.label), content_type=mime, number=7)
            assert re.fullmatch(rf"[a-z0-9-]+-7\.{extension}", name), name


def test_an_agent_refuses_with_a_reason_the_family_reads(
    citizen_client, family, other_client, agent, mailoutbox, django_capture_on_commit_callbacks
):
    _upload(citizen_client, pdf_upload())
    document = Document.objects.get()
    other_client.force_login(agent(Role.GUICHET))
    with django_capture_on_commit_callbacks(execute=True):
        other_client.post(
            reverse("backoffice:document_check", args=[document.pk]),
            {"decision": "refuse", "reason": "Document de plus de 3 mois"},
        )
    page = page_text(citizen_client.get(reverse("families:documents")))
    assert "Refusé" in page and "Motif : Document de plus de 3 mois" in page
    assert "Motif : Document de plus de 3 mois" in mailoutbox[-1].body


def test_refusing_needs_a_reason(other_client, citizen_client, family, agent):
    _upload(citizen_client, pdf_upload())
    document = Document.objects.get()
    other_client.force_login(agent(Role.GUICHET))
    response = other_client.post(
        reverse("backoffice:document_check", args=[document.pk]),
        {"decision": "refuse", "reason": ""},
        follow=True,
    )
    assert "Indiquez le motif du refus" in page_text(response)
    document.refresh_from_db()
    assert document.status == "a_verifier"


def test_health_documents_are_hidden_from_the_guichet(citizen_client, family, other_client, agent):
    """Not even their existence: the guichet gets the same 404 as for no document."""
    _upload(citizen_client, pdf_upload(), kind="pai")
    document = Document.objects.get()
    other_client.force_login(agent(Role.GUICHET))
    assert (
        other_client.get(reverse("backoffice:document_file", args=[document.pk])).status_code == 404
    )
    assert "Projet d'accueil" not in page_text(
        other_client.get(reverse("backoffice:documents_to_check"))
    )
    other_client.force_login(agent(Role.PERISCOLAIRE))
    assert (
        other_client.get(reverse("backoffice:document_file", args=[document.pk])).status_code == 200
    )
    assert "Projet d'accueil individualisé" in page_text(
        other_client.get(reverse("backoffice:documents_to_check"))
    )


EXPECTED_KINDS = {
    Role.GUICHET: {"domicile", "identite", "livret", "attestation", "garde", "autre"},
    Role.SCOLAIRE: {
        "domicile",
        "identite",
        "livret",
        "attestation",
        "garde",
        "derogation",
        "pai",
        "certificat",
        "vaccins",
    },
    Role.PERISCOLAIRE: {"pai", "certificat", "vaccins", "garde"},
    Role.REGIE: {"caf", "impots"},
    Role.ADMINISTRATEUR: set(),
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_opens_only_the_document_kinds_its_work_needs(
    citizen_client, family, other_client, agent, role
):
    """One document of every kind: the role opens exactly its list (régie: income
    documents), lists and checks only those, and gets 404 for the others."""
    for kind in DocumentKind:
        _upload(citizen_client, pdf_upload(), kind=kind.value)
    other_client.force_login(agent(role))
    opened = set()
    for document in Document.objects.all():
        response = other_client.get(reverse("backoffice:document_file", args=[document.pk]))
        assert response.status_code in (200, 403, 404), (document.kind, response.status_code)
        if response.status_code == 200:
            opened.add(document.kind)
    assert opened == EXPECTED_KINDS[role]
    queue = other_client.get(reverse("backoffice:documents_to_check"))
    if role == Role.ADMINISTRATEUR:
        assert queue.status_code == 403
        return
    listed = page_text(queue)
    sheet = page_text(
        other_client.get(reverse("backoffice:family", args=[family.pk]) + "?onglet=documents")
    )
    for kind in DocumentKind:
        assert (str(kind.label) in listed) == (kind.value in EXPECTED_KINDS[role]), kind
        assert (str(kind.label) in sheet) == (kind.value in EXPECTED_KINDS[role]), kind
    refused = Document.objects.exclude(kind__in=EXPECTED_KINDS[role]).first()
    response = other_client.post(
        reverse("backoffice:document_check", args=[refused.pk]), {"decision": "accepte"}
    )
    assert response.status_code == 404
    refused.refresh_from_db()
    assert refused.status == "a_verifier"


def test_health_changes_are_tagged_where_recorded_and_filtered_by_role(
    citizen, citizen_client, family, other_client, agent
):
    """A child's edit that changes a name and an allergy gives two history entries, the
    health one tagged; a health document's entries are tagged. The guichet reads the name
    change only; the périscolaire reads everything; the family reads everything."""
    child = family.children.get()
    services.child_update(
        child=child,
        actor=citizen,
        values={"birth_place": "Épernay", "allergies": "Kiwi", "has_pai": True},
    )
    _upload(citizen_client, pdf_upload("pai-kiwi.pdf"), kind="pai")
    entries = {
        (c.sensitive, tuple(sorted(c.changes)))
        for c in audit_for_scope(family, with_sensitive=True)
    }
    assert (False, ("birth_place",)) in entries
    assert (True, ("allergies", "has_pai")) in entries
    assert (True, ("document",)) in entries
    url = reverse("backoffice:family", args=[family.pk]) + "?onglet=historique"
    other_client.force_login(agent(Role.GUICHET))
    page = page_text(other_client.get(url))
    assert "Épernay" in page
    assert "Kiwi" not in page and "allergies" not in page and "PAI" not in page
    other_client.force_login(agent(Role.PERISCOLAIRE))
    page = page_text(other_client.get(url))
    assert "Épernay" in page and "Kiwi" in page and "pai-kiwi.pdf" in page
