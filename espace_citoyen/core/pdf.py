"""PDF adapter: documents (letters, certificates, invoices) are HTML templates rendered
by WeasyPrint, so they are written and tested like pages.

Every document is tagged PDF/UA-1 (RGAA criterion 13.3, a downloadable document is
accessible): a structure tree built from the HTML (headings, paragraphs, tables), the
document's language from `<html lang>` and its title from `<title>`, shown by readers
instead of the file name. A template therefore needs both; `tests` check each one."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string

PDF_VARIANT = "pdf/ua-1"


def render_pdf(template: str, context: Mapping[str, Any]) -> bytes:
    """Render `template` with the commune in context to tagged (PDF/UA-1) PDF bytes."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    from espace_citoyen.portal.selectors import commune_get

    commune = commune_get()
    logo_path = ""
    if commune.logo:
        try:
            logo_path = commune.logo.path
        except (NotImplementedError, ValueError):
            logo_path = ""
    html = render_to_string(
        template,
        {"commune": commune, "logo_path": logo_path, "site_url": settings.SITE_URL, **context},
    )
    stylesheet = finders.find("espace_citoyen/print.css")
    # Local files only (the commune's logo): a document never fetches from the network.
    fetcher = URLFetcher(allowed_protocols={"file", "data"})
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(filename=stylesheet)] if stylesheet else None,
        pdf_variant=PDF_VARIANT,
    )


def pdf_response(content: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
