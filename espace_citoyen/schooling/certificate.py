"""The certificat d'inscription scolaire: a PDF naming the school, which the family
hands to the director, who then admits the child (code de l'éducation, L131-6)."""

from django.utils import timezone

from espace_citoyen.core.pdf import render_pdf
from espace_citoyen.schooling import rules
from espace_citoyen.schooling.models import Enrolment


def certificate_render(enrolment: Enrolment) -> bytes:
    """The certificate of an accepted enrolment, as PDF bytes."""
    guardians = list(enrolment.family.guardians.order_by("position", "id"))
    decided_at = enrolment.demarche.decided_at or timezone.now()
    return render_pdf(
        "schooling/pdf/certificate.html",
        {
            "enrolment": enrolment,
            "child": enrolment.child,
            "school": enrolment.school,
            "school_year": enrolment.school_year,
            "level_label": rules.level_label(enrolment.level),
            "guardians": guardians,
            "address_lines": enrolment.family.address_lines,
            "decided_on": timezone.localtime(decided_at).date(),
            "today": timezone.localdate(),
        },
    )


def certificate_filename(enrolment: Enrolment) -> str:
    return f"certificat-inscription-{enrolment.demarche.reference}.pdf"
