"""PDF adapter: documents (letters, certificates, invoices) are HTML templates rendered
by WeasyPrint, so they are written and tested like pages."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string


def _url_fetcher(url: str, *args, **kwargs):
    """Serve static and media files from disk; nothing is fetched from the network."""
    from weasyprint.urls import default_url_fetcher

    if url.startswith("file://") or url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"Refusing to fetch {url!r} while rendering a PDF")


def render_pdf(template: str, context: Mapping[str, Any]) -> bytes:
    """Render `template` with the commune in context to PDF bytes."""
    from weasyprint import CSS, HTML

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
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_url_fetcher).write_pdf(
        stylesheets=[CSS(filename=stylesheet)] if stylesheet else None
    )


def pdf_response(content: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
