"""The régie's action log: who did what, when."""

from espace_citoyen.billing.models import BillingEvent


def event_record(
    *,
    regie,
    action: str,
    summary: str,
    actor=None,
    family=None,
    invoice=None,
    payment=None,
    run=None,
    details: dict | None = None,
) -> BillingEvent:
    return BillingEvent.objects.create(
        regie=regie,
        action=action,
        summary=summary[:300],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        family=family,
        invoice=invoice,
        payment=payment,
        run=run,
        details=details or {},
    )
