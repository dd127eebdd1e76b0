"""The HTTP answer for a stored document, shared by the family's screens and the agents'
(the back-office imports this module, never the citizen views)."""

from django.http import FileResponse

from espace_citoyen.families import rules
from espace_citoyen.families.models import Document


def document_response(document: Document) -> FileResponse:
    """The file, inline, with its checked type and a name made from its kind and that
    type: nothing comes from the uploaded name."""
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        filename=rules.document_filename(
            kind_label=str(document.get_kind_display()),
            content_type=document.content_type,
            number=document.pk,
        ),
        as_attachment=False,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
