"""The online creation of a family card, in steps. Every POST keeps what was typed in a
draft stored in the database, so the parent can leave and come back (from any device);
the card is created from the draft once every step is valid."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from espace_citoyen.families import forms
from espace_citoyen.families.services import FamilyInput


@dataclass(frozen=True)
class Step:
    key: str
    title: str


STEPS = [
    Step("adresse", _("Adresse")),
    Step("responsables", _("Responsables légaux")),
    Step("enfants", _("Enfants")),
    Step("personnes", _("Personnes autorisées à venir chercher les enfants")),
    Step("sante", _("Santé et autorisations")),
    Step("recapitulatif", _("Récapitulatif")),
]
STEP_KEYS = [step.key for step in STEPS]
NAVIGATION_FIELDS = {"csrfmiddlewaretoken", "action"}


def step_index(key: str) -> int:
    return STEP_KEYS.index(key)


def raw(post) -> dict:
    """The POST as a plain dict to keep in the draft (navigation fields dropped)."""
    return {key: value for key, value in post.items() if key not in NAVIGATION_FIELDS}


def _formset_initial(data: dict, prefix: str, fields: list[str]) -> list[dict]:
    """Rows of a formset's raw data, as initial values (to re-display with one more row)."""
    total = int(data.get(f"{prefix}-TOTAL_FORMS", 0) or 0)
    rows = []
    for index in range(total):
        if data.get(f"{prefix}-{index}-DELETE"):
            continue
        rows.append({field: data.get(f"{prefix}-{index}-{field}", "") for field in fields})
    return rows


CHILD_FIELDS = ["last_name", "first_name", "sex", "birth_date", "birth_place"]
PERSON_FIELDS = ["last_name", "first_name", "phone", "relationship"]


def children_names(draft: dict) -> list[str]:
    rows = _formset_initial(draft.get("enfants", {}), "enfants", CHILD_FIELDS)
    return [f"{row['first_name']} {row['last_name']}".strip() or _("Enfant") for row in rows]


def build(step: str, draft: dict, *, data=None, user=None, add_row: bool = False):
    """The form (or forms) of a step, bound to `data`, else to the draft, else initial."""
    stored = draft.get(step)
    bound = data if data is not None else stored
    if step == "adresse":
        return {"form": forms.FamilyAddressStepForm(bound)}
    if step == "responsables":
        initial = {}
        if user is not None:
            initial = {
                "civility": user.civility,
                "last_name": user.last_name,
                "first_name": user.first_name,
                "email": user.email,
                "phone_mobile": user.phone,
                "parental_authority": True,
            }
        return {
            "form": forms.GuardianForm(bound, prefix="r1", initial=initial, about_user=True),
            "second": forms.SecondGuardianForm(
                bound, prefix="r2", initial={"parental_authority": True}
            ),
        }
    if step == "enfants":
        if add_row:
            rows = _formset_initial(bound or {}, "enfants", CHILD_FIELDS)
            return {"formset": forms.ChildFormSet(prefix="enfants", initial=rows + [{}])}
        if bound is None:
            return {"formset": forms.ChildFormSet(prefix="enfants", initial=[{}])}
        return {"formset": forms.ChildFormSet(bound, prefix="enfants")}
    if step == "personnes":
        if add_row:
            rows = _formset_initial(bound or {}, "personnes", PERSON_FIELDS)
            return {
                "formset": forms.AuthorisedPersonFormSet(prefix="personnes", initial=rows + [{}])
            }
        if bound is None:
            return {"formset": forms.AuthorisedPersonFormSet(prefix="personnes", initial=[])}
        return {"formset": forms.AuthorisedPersonFormSet(bound, prefix="personnes")}
    if step == "sante":
        names = children_names(draft)
        if bound is not None and int(bound.get("sante-TOTAL_FORMS", -1)) == len(names):
            formset = forms.ChildHealthFormSet(bound, prefix="sante")
        else:
            formset = forms.ChildHealthFormSet(
                prefix="sante", initial=[{"diet": "standard"} for _name in names]
            )
        for form, name in zip(formset.forms, names, strict=False):
            form.child_name = name
        return {"formset": formset}
    if step == "recapitulatif":
        return {"form": forms.ConfirmForm(data)}
    raise KeyError(step)


def is_valid(parts: dict) -> bool:
    return all(part.is_valid() for part in parts.values())


def first_invalid_step(draft: dict) -> str | None:
    for key in STEP_KEYS[:-1]:
        parts = build(key, draft)
        if draft.get(key) is None or not is_valid(parts):
            if key == "personnes" and draft.get(key) is None:
                continue  # nobody to add is a valid answer
            return key
    return None


def to_input(draft: dict) -> FamilyInput:
    """The validated draft as the creation service's input."""
    address = build("adresse", draft)["form"]
    guardians = build("responsables", draft)
    children = build("enfants", draft)["formset"]
    persons = build("personnes", draft)["formset"] if draft.get("personnes") else None
    health = build("sante", draft)["formset"]
    for part in (address, guardians["form"], guardians["second"], children, health):
        part.is_valid()
    if persons is not None:
        persons.is_valid()
    guardian_rows = [_guardian_values(guardians["form"].cleaned_data)]
    if guardians["second"].cleaned_data.get("add"):
        guardian_rows.append(_guardian_values(guardians["second"].cleaned_data))
    guardian_rows[0]["is_payer"] = True
    child_rows = [
        {**form.cleaned_data, **health.forms[index].cleaned_data}
        for index, form in enumerate(f for f in children.forms if not f.cleaned_data.get("DELETE"))
    ]
    for row in child_rows:
        row.pop("DELETE", None)
    person_rows = []
    if persons is not None:
        person_rows = [
            {key: value for key, value in form.cleaned_data.items() if key != "DELETE"}
            for form in persons.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
    data = address.cleaned_data
    return FamilyInput(
        address={
            key: data[key] for key in ("address_line1", "address_line2", "postal_code", "city")
        },
        emergency={key: data[key] for key in ("emergency_name", "emergency_phone")},
        guardians=guardian_rows,
        children=child_rows,
        authorised_persons=person_rows,
    )


def _guardian_values(cleaned: dict) -> dict:
    return {key: value for key, value in cleaned.items() if key != "add" and value is not None}
