"""`{% url %}` keeps each address once reversed, and gives what Django's would."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix

from espace_citoyen.core.templatetags.cached_urls import CachedURLNode, _reverse


def _render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_every_template_uses_it():
    assert isinstance(Template("{% url 'portal:home' %}").nodelist[0], CachedURLNode)


def test_same_addresses_as_django():
    assert _render("{% url 'portal:home' %}") == reverse("portal:home")
    assert _render("{% url 'demarches:detail' ref %}", ref="D-2026-000001") == reverse(
        "demarches:detail", args=["D-2026-000001"]
    )
    assert _render("{% url 'demarches:detail' ref as to %}[{{ to }}]", ref="D-1") == (
        f"[{reverse('demarches:detail', args=['D-1'])}]"
    )
    assert _render("{% url 'nulle:part' as to %}[{{ to }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        _render("{% url 'nulle:part' %}")


def test_the_script_prefix_is_part_of_the_key():
    assert _render("{% url 'portal:home' %}") == "/"
    set_script_prefix("/mairie/")
    try:
        assert _render("{% url 'portal:home' %}") == "/mairie/"
    finally:
        set_script_prefix("/")
    assert _render("{% url 'portal:home' %}") == "/"


def test_an_object_argument_is_reversed_each_time():
    class Reference:
        def __init__(self, value):
            self.value = value

        def __str__(self):
            return self.value

    ref = Reference("D-1")
    first = _render("{% url 'demarches:detail' ref %}", ref=ref)
    ref.value = "D-2"
    assert _render("{% url 'demarches:detail' ref %}", ref=ref) != first


def test_a_second_render_does_not_reverse_again():
    template = Template("{% url 'demarches:detail' ref %}{% url 'portal:home' %}")
    template.render(Context({"ref": "D-42"}))
    hits = _reverse.cache_info().hits
    template.render(Context({"ref": "D-42"}))
    assert _reverse.cache_info().hits == hits + 2
