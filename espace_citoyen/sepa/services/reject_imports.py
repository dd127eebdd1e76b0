"""The bank's reject report imported: each line goes through debit_reject, the same
service as a reject recorded by hand (reversal, e-mail, count, suspension); lines that
match no debit of the creditor, or already rejected, are listed and change nothing."""

from dataclasses import dataclass, field

from django.db.models import Q

from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.sepa import reject_report, rules
from espace_citoyen.sepa.models import Creditor, Debit, DebitStatus
from espace_citoyen.sepa.services.rejects import debit_reject


@dataclass
class ImportResult:
    applied: list[Debit] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (reference, why)


def rejects_import(*, creditor: Creditor, content: bytes, actor) -> ImportResult:
    try:
        lines = reject_report.parse(content)
    except reject_report.ReportError as error:
        raise ApplicationError(str(error), field="report") from None
    references = {line.reference for line in lines}
    debits = Debit.objects.filter(file__creditor=creditor).filter(
        Q(end_to_end_id__in=references) | Q(invoice__number__in=references)
    )
    by_reference = {}
    for debit in debits.select_related("invoice"):
        by_reference[debit.end_to_end_id] = debit
        by_reference[debit.invoice.number] = debit
    result = ImportResult()
    for line in lines:
        debit = by_reference.get(line.reference)
        if debit is None:
            result.skipped.append((line.reference, "aucun prélèvement de la régie"))
        elif line.code not in rules.REJECT_REASONS:
            result.skipped.append((line.reference, f"code {line.code} inconnu"))
        elif debit.status == DebitStatus.REJECTED or debit in result.applied:
            result.skipped.append((line.reference, "rejet déjà enregistré"))
        else:
            try:
                result.applied.append(debit_reject(debit=debit, code=line.code, actor=actor))
            except ApplicationError as error:
                result.skipped.append((line.reference, error.message))
    return result
