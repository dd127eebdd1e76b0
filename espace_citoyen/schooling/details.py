"""What the démarche detail pages (the family's and the agent's) show for an enrolment
or a dérogation: the template context of the registered démarche types."""

from django.urls import reverse
from django.utils import timezone

from espace_citoyen.demarches.rules import is_open
from espace_citoyen.schooling import rules, selectors
from espace_citoyen.schooling.services import DEMARCHE_ENROLMENT


def _document_url(document, agent: bool) -> str:
    name = "backoffice:document_file" if agent else "families:document_file"
    return reverse(name, args=[document.pk])


def demarche_detail_context(demarche, viewer_is_agent: bool) -> dict:
    if demarche.type == DEMARCHE_ENROLMENT:
        return _enrolment_context(demarche, viewer_is_agent)
    return _derogation_context(demarche, viewer_is_agent)


def _enrolment_context(demarche, agent: bool) -> dict:
    enrolment = selectors.enrolment_by_demarche(demarche)
    if enrolment is None:
        return {}
    papers = selectors.enrolment_papers(enrolment)
    for paper in papers:
        paper.links = [(document, _document_url(document, agent)) for document in paper.documents]
    certificate_url = ""
    if enrolment.certificate_available:
        certificate_url = reverse(
            "backoffice:school_certificate" if agent else "schooling:certificate",
            args=[demarche.reference],
        )
    derogations = list(
        enrolment.derogations.select_related("demarche", "requested_school").order_by("id")
    )
    return {
        "enrolment": enrolment,
        "level_label": rules.level_label(enrolment.level),
        "expected_level_label": rules.level_label(enrolment.expected_level)
        if enrolment.expected_level
        else "",
        "papers": papers,
        "certificate_url": certificate_url,
        "derogations": derogations,
        "documents_url": ""
        if agent or not is_open(demarche.status)
        else reverse("schooling:documents", args=[demarche.reference]),
        "derogation_url": ""
        if agent or not selectors.may_ask_derogation(enrolment, timezone.localdate())
        else reverse("schooling:derogation") + f"?inscription={enrolment.pk}",
    }


def _derogation_context(demarche, agent: bool) -> dict:
    derogation = selectors.derogation_by_demarche(demarche)
    if derogation is None:
        return {}
    enrolment = derogation.enrolment
    documents = [
        (document, _document_url(document, agent))
        for document in demarche.documents.order_by("created_at", "id")
    ]
    context = {
        "derogation": derogation,
        "enrolment": enrolment,
        "level_label": rules.level_label(enrolment.level),
        "derogation_documents": documents,
        "documents_url": ""
        if agent or not is_open(demarche.status)
        else reverse("schooling:documents", args=[demarche.reference]),
    }
    if agent:
        context["places_left"] = selectors.places_left(
            derogation.requested_school, enrolment.school_year
        )
    return context
