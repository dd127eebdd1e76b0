"""Every form field's limit fits the column it is stored in (found by introspection, for
every form of the project): SQLite stores a value longer than its column, PostgreSQL
answers 500. A new form field must fit its column, or be mapped below."""

import importlib
import inspect
import pkgutil

from django import forms
from django.apps import apps
from django.db import models

import espace_citoyen

# Fields of plain forms stored in a column of another name: "Form.field" -> "app.Model.field".
STORED_AS = {
    "LoginForm.username": "axes.AccessAttempt.username",
    "DocumentCheckForm.reason": "families.Document.refusal_reason",
    "CancelForm.reason": "demarches.Demarche.decision_reason",
    "ValidationForm.reason": "pricing.IncomeDeclaration.correction_reason",
    "ValidationForm.message": "demarches.DemarcheEvent.text",
    "EnrolmentForm.message": "demarches.DemarcheEvent.text",
    "DecisionForm.text": "demarches.DemarcheEvent.text",
    "MessageForm.text": "demarches.DemarcheEvent.text",
    "DerogationForm.explanation": "schooling.Derogation.explanation",
    "AllocationForm.label": "allocation.Allocation.label",
    "AdjustForm.reason": "allocation.Adjustment.reason",
    "DeskPaymentForm.reference": "billing.Payment.reference",
    "CreditNoteForm.reason": "billing.Invoice.reason",
    "PaymentReverseForm.reason": "billing.Payment.note",
    "MandateRequestForm.address": "sepa.Mandate.address",
    "RefuseForm.reason": "sepa.Mandate.refusal_reason",
}
# Fields stored nowhere as typed (hashed, looked up, sent to an API): still bounded,
# except passwords, which are hashed.
NOT_STORED = {
    "QueueFilter.q",
    "ActivationCodeForm.code",
    "EnrolmentForm.activity",
    "ApiConsentForm.birth_name",
    "ApiConsentForm.first_names",
    "ApiConsentForm.birth_commune",
    "ApiConsentForm.birth_country",
    # Parsed into age groups (each label cut to its column).
    "AllocationForm.groups",
    # Typed with spaces, then normalised and checked by schwifty (34 and 11 characters at
    # most) before being stored, the IBAN encrypted.
    "MandateRequestForm.iban",
    "MandateRequestForm.bic",
}
PASSWORDS = {"password", "password1", "password2", "new_password1", "new_password2"}


def _project_forms() -> list[type[forms.BaseForm]]:
    found = []
    for module_info in pkgutil.walk_packages(espace_citoyen.__path__, "espace_citoyen."):
        if ".tests" in module_info.name or ".migrations" in module_info.name:
            continue
        module = importlib.import_module(module_info.name)
        for obj in vars(module).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, forms.BaseForm)
                and obj.__module__ == module.__name__
                and obj not in found
            ):
                found.append(obj)
    return found


def _columns_by_name() -> dict[str, list[models.Field]]:
    columns: dict[str, list[models.Field]] = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                columns.setdefault(field.name, []).append(field)
    return columns


def _limit(column: models.Field) -> int | None:
    return column.max_length if isinstance(column, models.CharField) else None


def _column(path: str) -> models.Field:
    app_label, model_name, field_name = path.split(".")
    return apps.get_model(app_label, model_name)._meta.get_field(field_name)


def _problems() -> list[str]:
    by_name = _columns_by_name()
    problems = []
    for form in _project_forms():
        model = getattr(getattr(form, "_meta", None), "model", None)
        model_fields = {f.name: f for f in model._meta.concrete_fields} if model else {}
        for name, field in form.base_fields.items():
            if not isinstance(field, forms.CharField) or name in PASSWORDS:
                continue
            key = f"{form.__name__}.{name}"
            if name in model_fields:
                columns = [model_fields[name]]
            elif key in STORED_AS:
                columns = [_column(STORED_AS[key])]
            elif key in NOT_STORED:
                columns = []
            else:
                # Stored under the same name: it must fit every such column.
                columns = by_name.get(name, [])
                if not columns:
                    problems.append(f"{form.__module__}.{key}: which column? (map it above)")
                    continue
            limits = [limit for limit in map(_limit, columns) if limit is not None]
            if limits and (field.max_length is None or field.max_length > min(limits)):
                problems.append(
                    f"{form.__module__}.{key}: max_length {field.max_length} > column {min(limits)}"
                )
            if not columns and field.max_length is None:
                problems.append(f"{form.__module__}.{key}: no max_length")
    return problems


def test_every_form_field_fits_its_column():
    assert len(_project_forms()) > 30
    assert not _problems(), "\n".join(_problems())


def test_the_mapping_names_real_columns():
    for path in STORED_AS.values():
        assert _column(path) is not None
