"""Families own the family card: the family, guardians, children, authorised persons,
documents, activation codes and the record of every change.

Every write records a FamilyChange (who, when, before/after); e-mails are queued on
commit; a rule broken by the user raises ApplicationError with a French message.

One module per topic; this package re-exports the public names, so callers keep
writing `from espace_citoyen.families import services; services.child_add(...)`."""

from espace_citoyen.families.services._common import (
    CHILD_AUTHORISATION_FIELDS,
    CHILD_FIELDS,
    CHILD_HEALTH_FIELDS,
    CHILD_IDENTITY_FIELDS,
    FAMILY_FIELDS,
    GUARDIAN_FIELDS,
    PERSON_FIELDS,
    family_contacts,
    family_refresh_search_text,
)
from espace_citoyen.families.services.activation_codes import (
    CodeRejected,
    activation_code_issue,
    activation_code_redeem,
)
from espace_citoyen.families.services.address_changes import (
    DEMARCHE_ADDRESS,
    address_change_apply,
    address_change_request,
)
from espace_citoyen.families.services.creation import (
    DEMARCHE_VALIDATION,
    FamilyInput,
    family_create_at_desk,
    family_create_online,
    family_validate,
)
from espace_citoyen.families.services.documents import (
    document_check,
    document_check_file,
    document_upload,
)
from espace_citoyen.families.services.drafts import draft_save
from espace_citoyen.families.services.edits import (
    authorised_person_remove,
    authorised_person_save,
    child_add,
    child_update,
    family_emergency_update,
    guardian_add,
    guardian_update,
)
from espace_citoyen.families.services.lost_codes import (
    DEMARCHE_LOST_CODE,
    LOST_CODE_LIMIT,
    LOST_CODE_WINDOW,
    lost_code_request,
    lost_code_resolve,
)

__all__ = [
    "CHILD_AUTHORISATION_FIELDS",
    "CHILD_FIELDS",
    "CHILD_HEALTH_FIELDS",
    "CHILD_IDENTITY_FIELDS",
    "DEMARCHE_ADDRESS",
    "DEMARCHE_LOST_CODE",
    "DEMARCHE_VALIDATION",
    "FAMILY_FIELDS",
    "GUARDIAN_FIELDS",
    "LOST_CODE_LIMIT",
    "LOST_CODE_WINDOW",
    "PERSON_FIELDS",
    "CodeRejected",
    "FamilyInput",
    "activation_code_issue",
    "activation_code_redeem",
    "address_change_apply",
    "address_change_request",
    "authorised_person_remove",
    "authorised_person_save",
    "child_add",
    "child_update",
    "document_check",
    "document_check_file",
    "document_upload",
    "draft_save",
    "family_contacts",
    "family_create_at_desk",
    "family_create_online",
    "family_emergency_update",
    "family_refresh_search_text",
    "family_validate",
    "guardian_add",
    "guardian_update",
    "lost_code_request",
    "lost_code_resolve",
]
