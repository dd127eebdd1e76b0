"""Reads of direct debit. The full IBAN leaves here only for the family's guardians (their
own mandate) and the régie's screens; everything else gets the masked one."""

from espace_citoyen.sepa.models import (
    IN_FORCE_STATUSES,
    REQUEST_STATUSES,
    Debit,
    DebitFile,
    Mandate,
    MandateStatus,
    SepaEvent,
)


def mandates_of_family(family) -> dict:
    """The family's mandate in force, its request under way and its last refused one."""
    mandates = list(Mandate.objects.filter(family=family).order_by("-created_at", "-id")[:10])
    return {
        "in_force": next((m for m in mandates if m.status in IN_FORCE_STATUSES), None),
        "pending": next((m for m in mandates if m.status in REQUEST_STATUSES), None),
        "refused": next((m for m in mandates if m.status == MandateStatus.REFUSED), None),
        "ended": next(
            (m for m in mandates if m.status in (MandateStatus.REVOKED, MandateStatus.LAPSED)),
            None,
        ),
    }


def mandate_for_family(family, pk: int) -> Mandate | None:
    return Mandate.objects.filter(family=family, pk=pk).select_related("creditor").first()


def requests_for_regie() -> list[Mandate]:
    """The requests signed and waiting for the régie, with their RIB and démarche."""
    return list(
        Mandate.objects.filter(status=MandateStatus.PENDING)
        .select_related("family", "rib", "demarche", "replaces")
        .order_by("signed_at", "id")
    )


def mandates_for_regie(status: str = "") -> list[Mandate]:
    statuses = [status] if status in MandateStatus.values else list(IN_FORCE_STATUSES)
    return list(
        Mandate.objects.filter(status__in=statuses).select_related("family").order_by("rum")
    )


def mandate_for_regie(pk: int) -> Mandate | None:
    return Mandate.objects.filter(pk=pk).select_related("family", "rib", "demarche").first()


def files_for_regie() -> list[DebitFile]:
    return list(DebitFile.objects.defer("xml").select_related("created_by")[:50])


def file_for_regie(pk: int) -> DebitFile | None:
    return DebitFile.objects.filter(pk=pk).select_related("created_by").first()


def debits_of_file(debit_file: DebitFile) -> list[Debit]:
    return list(
        Debit.objects.filter(file=debit_file)
        .select_related("invoice", "mandate__family")
        .order_by("id")
    )


def events_recent(limit: int = 20) -> list[SepaEvent]:
    return list(SepaEvent.objects.select_related("actor", "mandate")[:limit])


def demarche_context(demarche, viewer_is_agent: bool) -> dict:
    """On the démarche's page (family and any agent): the request, IBAN masked."""
    return {"sepa_mandate": Mandate.objects.filter(demarche=demarche).first()}
