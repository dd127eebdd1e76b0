"""Form helpers shared by every app's views."""

from django import forms
from django.core.exceptions import ValidationError

from espace_citoyen.core.errors import ApplicationError

# The largest id the databases compare (bigint): a longer number is no id of ours.
MAX_ID_DIGITS = 18


def apply_error(form, error: ApplicationError) -> None:
    """Show a service's ApplicationError on the form: on its field when the form has it,
    at the top of the form otherwise. What was typed stays in the form."""
    field = error.field if error.field in getattr(form, "fields", {}) else None
    form.add_error(field, error.message)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Several rows chosen by id: a forged value that is no plain number, or too large for
    the database, is an invalid choice with its message, never a server error."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not (text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": text[:20]},
                )
        return super()._check_values(value)
