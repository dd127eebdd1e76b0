"""Drafts of the online creation, kept step by step."""

from django.db import transaction

from espace_citoyen.families.models import FamilyDraft


@transaction.atomic
def draft_save(*, user, step: str, values: dict) -> dict:
    """Keep one step of the online creation, so nothing typed is lost."""
    draft, _created = FamilyDraft.objects.select_for_update().get_or_create(user=user)
    draft.data = {**draft.data, step: values}
    draft.save()
    return draft.data
