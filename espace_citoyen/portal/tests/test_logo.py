"""The commune's logo: raster images only, and public media served with safe headers."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from espace_citoyen.core.testing import image_upload
from espace_citoyen.portal import demo
from espace_citoyen.portal.models import Commune

pytestmark = pytest.mark.django_db

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script>'
    b'<circle r="5"/></svg>'
)


def _commune_with(upload) -> Commune:
    commune = Commune(name="Saint-Test", primary_colour="#1f4e79")
    commune.logo = upload
    return commune


def test_an_svg_logo_is_refused_whatever_its_name():
    """An SVG runs scripts from the site's own origin: refused as .svg and renamed .png."""
    for name in ("logo.svg", "logo.png"):
        with pytest.raises(ValidationError) as error:
            _commune_with(SimpleUploadedFile(name, SVG, content_type="image/png")).full_clean()
        assert "Le logo doit" in str(error.value)


@pytest.mark.parametrize("name,fmt", [("logo.png", "PNG"), ("logo.jpg", "JPEG")])
def test_a_png_or_jpeg_logo_is_accepted(name, fmt):
    _commune_with(image_upload(name, fmt)).full_clean()


def test_the_demo_logo_is_served_as_an_image_with_safe_headers(client, tmp_path):
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        demo.load()
        commune = Commune.objects.get()
        assert commune.logo.name.endswith(".png")
        response = client.get(commune.logo.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert response["Content-Disposition"] == "inline"


def test_no_other_upload_is_served_from_media(client, tmp_path):
    """An SVG or HTML file left in MEDIA_ROOT (an older logo, a misplaced file) is not
    served from the site's origin; nor is anything outside MEDIA_ROOT."""
    (tmp_path / "commune").mkdir()
    (tmp_path / "commune" / "old.svg").write_bytes(SVG)
    (tmp_path / "commune" / "page.png").write_bytes(b"<html><script>alert(1)</script>")
    secret = Path(tmp_path).parent / "secret.png"
    secret.write_bytes(image_upload().read())
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        for path in ("commune/old.svg", "commune/page.png", "../secret.png", "commune/none.png"):
            assert client.get(f"/media/{path}").status_code == 404, path
