"""Form helpers shared by every app's views."""

from espace_citoyen.core.errors import ApplicationError


def apply_error(form, error: ApplicationError) -> None:
    """Show a service's ApplicationError on the form: on its field when the form has it,
    at the top of the form otherwise. What was typed stays in the form."""
    field = error.field if error.field in getattr(form, "fields", {}) else None
    form.add_error(field, error.message)
