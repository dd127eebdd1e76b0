"""Helpers for tests: read a page as a user would, and make real files to upload."""

import html
import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from PIL import Image
from pypdf import PdfReader
from weasyprint import HTML


def page_text(response) -> str:
    """The response's HTML with entities decoded (&#x27; -> '), for `in` assertions."""
    return html.unescape(response.content.decode())


def visible_text(response) -> str:
    """The words of a page without its tags, spaces folded: what a reader sees."""
    source = response.content.decode()
    without_tags = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", source, flags=re.S)
    return " ".join(html.unescape(without_tags).split())


def pdf_upload(name: str = "justificatif.pdf", text: str = "Justificatif") -> SimpleUploadedFile:
    """A real one-page PDF (made by WeasyPrint)."""
    content = HTML(string=f"<p>{html.escape(text)}</p>").write_pdf()
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def image_upload(name: str = "photo.png", fmt: str = "PNG") -> SimpleUploadedFile:
    """A real small image (PNG or JPEG) made by Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 30, 30)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def pdf_text(content: bytes) -> str:
    """The text of a PDF, as a reader would copy it."""
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_structure(content: bytes) -> dict:
    """What assistive technologies read of a PDF: its language, its title (and whether
    readers show it), and the tags of its structure tree in document order."""
    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    tags: list[str] = []

    def walk(node) -> None:
        node = node.get_object()
        if not hasattr(node, "keys"):
            return  # a marked-content id: the leaf of a tag
        if "/S" in node:
            tags.append(str(node["/S"]).lstrip("/"))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid)

    if "/StructTreeRoot" in root:
        walk(root["/StructTreeRoot"])
    preferences = root.get("/ViewerPreferences") or {}
    return {
        "lang": str(root.get("/Lang", "")),
        "title": str((reader.metadata or {}).get("/Title", "")),
        "shows_title": bool(preferences.get("/DisplayDocTitle")),
        "marked": bool((root.get("/MarkInfo") or {}).get("/Marked")),
        "tags": tags,
    }


def migrate_to_latest() -> None:
    """Bring the test database back to the latest migrations, after a test that migrated
    an app back and forth: the tests that run after it need the whole schema."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
