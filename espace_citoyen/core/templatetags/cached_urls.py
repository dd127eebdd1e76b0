"""Django's `{% url %}`, each address reversed once per process: the layout and the pages
a parent opens write a dozen on every visit, and reversing one costs more than the rest
of its tag (docs/benchmarks.md). Loaded as a builtin (settings.TEMPLATES), so every
template's `{% url %}` is this one.

An address is a pure function of the view's name, its arguments, the URL configuration,
the script prefix and the current application: all of them are the key. Only arguments
that are plain strings or integers are kept (an object's address could change with the
object); others are reversed each time, as Django does."""

from functools import lru_cache

from django.conf import settings
from django.template import Library, defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = Library()

_PLAIN = (str, int)


@lru_cache(maxsize=4096)
def _reverse(view_name, _key, args, kwargs, current_app, _prefix, _urlconf) -> str:
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


def cached_reverse(view_name, args, kwargs, current_app) -> str:
    values = (view_name, *args, *kwargs.values())
    if not all(isinstance(value, _PLAIN) for value in values):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    # Keyed by the values as the address writes them (True and 1 are one key otherwise).
    key = tuple(f"{type(value).__name__}:{value}" for value in values)
    return _reverse(
        str(view_name),
        key,
        tuple(args),
        tuple(sorted(kwargs.items())),
        current_app,
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
    )


class CachedURLNode(defaulttags.URLNode):
    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = cached_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
