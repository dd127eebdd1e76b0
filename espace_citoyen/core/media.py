"""Public uploaded media (the commune's logo), served by the application with safe
headers: only raster images recognised by their content, never run as a page."""

from pathlib import Path

import filetype
from django.conf import settings
from django.http import FileResponse, Http404
from django.utils._os import safe_join
from django.views.decorators.http import require_safe

# What a public upload may be: raster images only (an SVG or HTML file could run scripts
# from the site's own origin).
RASTER_TYPES = frozenset({"image/png", "image/jpeg"})
MEDIA_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Content-Disposition": "inline",
    "Cache-Control": "public, max-age=3600",
}


def raster_type(head: bytes) -> str | None:
    """The MIME type of a PNG or JPEG image from its first bytes; None for anything else."""
    kind = filetype.guess(head)
    return kind.mime if kind is not None and kind.mime in RASTER_TYPES else None


@require_safe
def media_serve(request, path: str):
    """A file of MEDIA_ROOT if it is a PNG or JPEG image by its content; 404 otherwise."""
    try:
        full = Path(safe_join(settings.MEDIA_ROOT, path))
    except Exception as error:  # SuspiciousFileOperation, ValueError: outside MEDIA_ROOT
        raise Http404 from error
    if not full.is_file():
        raise Http404
    with full.open("rb") as handle:
        mime = raster_type(handle.read(512))
    if mime is None:
        raise Http404
    response = FileResponse(full.open("rb"), content_type=mime)
    for header, value in MEDIA_HEADERS.items():
        response[header] = value
    return response
