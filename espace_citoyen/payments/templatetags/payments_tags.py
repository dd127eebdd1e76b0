"""What billing's pages ask of online payment (through the include `payments/_pay_*.html`)."""

from django import template

from espace_citoyen.payments import backends

register = template.Library()


@register.simple_tag
def online_payment_enabled() -> bool:
    return backends.is_enabled()
