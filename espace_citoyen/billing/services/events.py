"""The régie's action log: who did what, when. Each entry is written twice: as a
`BillingEvent` (the régie's own history, shown on « Facturation mensuelle » and tied to
the run, invoice or payment), and in the project's one audit trail (`audit_record`,
area « billing », the family as scope) like every other app's changes."""

from espace_citoyen.audit.rules import plain
from espace_citoyen.audit.services import audit_record
from espace_citoyen.billing.models import BillingEvent

# What each action is about, in words an agent reads (the trail's « objet »).
ENTITIES = {
    "facturation": "facturation mensuelle",
    "facturation_terminee": "facturation mensuelle",
    "facturation_echec": "facturation mensuelle",
    "avoir": "avoir",
    "paiement": "encaissement",
    "paiement_annule": "encaissement",
    "relances": "relances",
    "export": "export comptable",
}


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
    actor = actor if getattr(actor, "is_authenticated", False) else None
    event = BillingEvent.objects.create(
        regie=regie,
        action=action,
        summary=summary[:300],
        actor=actor,
        family=family,
        invoice=invoice,
        payment=payment,
        run=run,
        details=details or {},
    )
    after = {key: plain(value) for key, value in (details or {}).items()}
    after["régie"] = str(regie)
    for name, row in (("facture", invoice), ("paiement", payment), ("facturation", run)):
        if row is not None:
            after[name] = row.pk
    audit_record(
        actor=actor,
        area="billing",
        entity=ENTITIES.get(action, action),
        label=summary,
        before={},
        after=after,
        action=action,
        subject=invoice or payment or run,
        scope=family,
    )
    return event
