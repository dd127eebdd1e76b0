"""Citizen side of the family card: the three entry paths, the card's home (journey
point 10), personal data, documents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.forms import apply_error
from espace_citoyen.families import forms, selectors, services, wizard
from espace_citoyen.families.access import family_required
from espace_citoyen.families.downloads import document_response
from espace_citoyen.families.models import AuthorisedPerson, Child, Document, Family, Guardian
from espace_citoyen.families.registry import card_notices, card_services, card_services_key

# --- entry and home -------------------------------------------------------------------------


@login_required
@require_safe
def card(request):
    """Carte famille / Inscriptions: the entry paths, or the card's home."""
    card = selectors.family_card_for_user(request.user, guardians=True)
    if card is None:
        return render(
            request,
            "families/entry.html",
            {
                "code_form": forms.ActivationCodeForm(),
                "has_draft": bool(selectors.draft_get(request.user)),
            },
        )
    services = card_services()
    return render(
        request,
        "families/card.html",
        {
            "family": card.family,
            "guardians": card.guardians,
            "children": card.children,
            "services": services,
            "services_key": card_services_key(services),
            "notices": card_notices(card.family),
        },
    )


@login_required
@require_POST
def activate(request):
    """Path 2: the activation code from the letter."""
    form = forms.ActivationCodeForm(request.POST)
    if form.is_valid():
        try:
            family = services.activation_code_redeem(
                user=request.user, typed=form.cleaned_data["code"]
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _("Votre compte est relié à la carte famille %(number)s.")
                % {"number": family.number},
            )
            return redirect("families:card")
    return render(
        request,
        "families/entry.html",
        {"code_form": form, "has_draft": bool(selectors.draft_get(request.user))},
        status=400,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def lost_code(request):
    """Path 3: « j'ai une carte famille mais je ne connais pas mon code d'activation »."""
    if selectors.family_for_user(request.user):
        return redirect("families:card")
    form = forms.LostCodeForm(request.POST or None, initial={"email": request.user.email})
    if request.method == "POST" and form.is_valid():
        try:
            services.lost_code_request(user=request.user, **form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            return redirect("families:lost_code_sent")
    return render(request, "families/lost_code.html", {"form": form})


@login_required
@require_safe
def lost_code_sent(request):
    return render(request, "families/lost_code_sent.html")


# --- path 1: creation in steps ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def create(request, step: str = "adresse"):
    if step not in wizard.STEP_KEYS:
        raise Http404
    if selectors.family_for_user(request.user):
        return redirect("families:card")
    draft = selectors.draft_get(request.user)
    index = wizard.step_index(step)
    if request.method == "POST":
        action = request.POST.get("action", "next")
        if step != "recapitulatif":
            draft = services.draft_save(
                user=request.user, step=step, values=wizard.raw(request.POST)
            )
        if action == "previous" and index > 0:
            return redirect("families:create_step", wizard.STEP_KEYS[index - 1])
        if action == "add":
            parts = wizard.build(step, draft, user=request.user, add_row=True)
            return _render_step(request, step, parts, draft)
        if action.startswith("goto:") and action[5:] in wizard.STEP_KEYS:
            return redirect("families:create_step", action[5:])
        if step == "recapitulatif":
            parts = wizard.build(step, draft, data=request.POST)
            if wizard.is_valid(parts):
                return _finish(request, draft)
            return _render_step(request, step, parts, draft, status=400)
        parts = wizard.build(step, draft, data=request.POST, user=request.user)
        if wizard.is_valid(parts):
            return redirect("families:create_step", wizard.STEP_KEYS[index + 1])
        return _render_step(request, step, parts, draft, status=400)
    parts = wizard.build(step, draft, user=request.user)
    return _render_step(request, step, parts, draft)


def _finish(request, draft):
    missing = wizard.first_invalid_step(draft)
    if missing:
        messages.error(request, _("Une étape est incomplète : vérifiez-la avant de valider."))
        return redirect("families:create_step", missing)
    try:
        family = services.family_create_online(user=request.user, data=wizard.to_input(draft))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("families:create_step", "recapitulatif")
    messages.success(
        request,
        _(
            "Votre carte famille %(number)s est créée. Elle sera validée par le Guichet des "
            "formalités administratives ; vous pouvez déjà l'utiliser."
        )
        % {"number": family.number},
    )
    return redirect("families:card")


def _render_step(request, step, parts, draft, status=200):
    index = wizard.step_index(step)
    context = {
        "step": wizard.STEPS[index],
        "steps": wizard.STEPS,
        "index": index + 1,
        "total": len(wizard.STEPS),
        "done": [key for key in wizard.STEP_KEYS if key in draft],
        **parts,
    }
    if step == "recapitulatif":
        context["summary"] = _summary(draft)
    return render(request, "families/create_step.html", context, status=status)


def _summary(draft) -> dict:
    """What the recap page shows, read from the draft's valid steps."""
    summary = {}
    address = wizard.build("adresse", draft)["form"]
    if draft.get("adresse") and address.is_valid():
        summary["address"] = address.cleaned_data
    guardians = wizard.build("responsables", draft)
    if draft.get("responsables") and guardians["form"].is_valid():
        summary["guardians"] = [guardians["form"].cleaned_data]
        if guardians["second"].is_valid() and guardians["second"].cleaned_data.get("add"):
            summary["guardians"].append(guardians["second"].cleaned_data)
    children = wizard.build("enfants", draft)["formset"]
    if draft.get("enfants") and children.is_valid():
        summary["children"] = [
            f.cleaned_data for f in children.forms if not f.cleaned_data.get("DELETE")
        ]
    persons = wizard.build("personnes", draft)["formset"]
    if draft.get("personnes") and persons.is_valid():
        summary["persons"] = [
            f.cleaned_data
            for f in persons.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
    return summary


# --- personal data ----------------------------------------------------------------------------


@login_required
@require_safe
@family_required
def data(request, *, family: Family):
    return render(
        request,
        "families/data.html",
        {
            "family": family,
            "guardians": family.guardians.all(),
            "children": family.children.all(),
            "persons": list(family.authorised_persons.all()),
            "pending_address": selectors.pending_address_change(family),
            "changes": selectors.family_changes(family),
        },
    )


def _guardian_of(request, pk: int) -> Guardian:
    family = selectors.family_for_user(request.user)
    guardian = family and next((g for g in family.guardians.all() if g.pk == pk), None)
    if not guardian:
        raise Http404
    return guardian


def _child_of(request, pk: int) -> Child:
    family = selectors.family_for_user(request.user)
    child = family and next((c for c in family.children.all() if c.pk == pk), None)
    if not child:
        raise Http404
    return child


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def guardian_edit(request, pk: int):
    guardian = _guardian_of(request, pk)
    form = forms.GuardianForm(
        request.POST or None, instance=guardian, about_user=guardian.user_id == request.user.pk
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.guardian_update(
                guardian=Guardian.objects.get(pk=guardian.pk),
                actor=request.user,
                values=form.cleaned_data,
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _("Les coordonnées de %(name)s sont enregistrées.") % {"name": guardian.full_name},
            )
            return redirect("families:data")
    return render(
        request,
        "families/edit.html",
        {"form": form, "title": _("Responsable légal : %(name)s") % {"name": guardian.full_name}},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@family_required
def guardian_add(request, *, family: Family):
    form = forms.GuardianForm(request.POST or None, initial={"parental_authority": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.guardian_add(family=family, actor=request.user, values=form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Le responsable légal est ajouté. Pour qu'il ait son propre accès, "
                    "demandez sa lettre d'activation au guichet."
                ),
            )
            return redirect("families:data")
    return render(
        request, "families/edit.html", {"form": form, "title": _("Ajouter un responsable légal")}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def child_edit(request, pk: int):
    child = _child_of(request, pk)
    identity = forms.ChildIdentityForm(request.POST or None, instance=child, prefix="identite")
    health = forms.ChildHealthForm(request.POST or None, instance=child, prefix="sante")
    if request.method == "POST" and identity.is_valid() and health.is_valid():
        try:
            services.child_update(
                child=Child.objects.select_related("family").get(pk=child.pk),
                actor=request.user,
                values={**identity.cleaned_data, **health.cleaned_data},
            )
        except ApplicationError as error:
            apply_error(identity, error)
        else:
            messages.success(
                request,
                _("Les informations de %(name)s sont enregistrées.") % {"name": child.first_name},
            )
            return redirect("families:data")
    return render(
        request,
        "families/child_edit.html",
        {"identity": identity, "health": health, "child": child},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@family_required
def child_add(request, *, family: Family):
    identity = forms.ChildIdentityForm(
        request.POST or None,
        prefix="identite",
        initial={
            "last_name": family.guardians.all()[0].last_name if family.guardians.all() else ""
        },
    )
    health = forms.ChildHealthForm(
        request.POST or None, prefix="sante", initial={"diet": "standard"}
    )
    if request.method == "POST" and identity.is_valid() and health.is_valid():
        try:
            services.child_add(
                family=family,
                actor=request.user,
                values={**identity.cleaned_data, **health.cleaned_data},
            )
        except ApplicationError as error:
            apply_error(identity, error)
        else:
            messages.success(request, _("L'enfant est ajouté à votre carte famille."))
            return redirect("families:data")
    return render(
        request, "families/child_edit.html", {"identity": identity, "health": health, "child": None}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@family_required
def person_edit(request, pk: int | None = None, *, family: Family):
    person = None
    if pk is not None:
        person = AuthorisedPerson.objects.filter(pk=pk, family=family).first()
        if person is None:
            raise Http404
    form = forms.AuthorisedPersonForm(request.POST or None, instance=person)
    if request.method == "POST":
        if "remove" in request.POST and person is not None:
            services.authorised_person_remove(person=person, actor=request.user)
            messages.success(request, _("La personne autorisée est retirée."))
            return redirect("families:data")
        if form.is_valid():
            services.authorised_person_save(
                family=family, actor=request.user, values=form.cleaned_data, person=person
            )
            messages.success(request, _("La personne autorisée est enregistrée."))
            return redirect("families:data")
    return render(request, "families/person_edit.html", {"form": form, "person": person})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@family_required
def emergency_edit(request, *, family: Family):
    form = forms.EmergencyForm(
        request.POST or None,
        initial={
            "emergency_name": family.emergency_name,
            "emergency_phone": family.emergency_phone,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.family_emergency_update(
            family=family,
            actor=request.user,
            name=form.cleaned_data["emergency_name"],
            phone=form.cleaned_data["emergency_phone"],
        )
        messages.success(request, _("Le contact d'urgence est enregistré."))
        return redirect("families:data")
    return render(
        request, "families/edit.html", {"form": form, "title": _("Contact en cas d'urgence")}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@family_required
def address_change(request, *, family: Family):
    form = forms.AddressChangeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        proof = values.pop("proof")
        try:
            demarche = services.address_change_request(
                family=family, actor=request.user, address=values, proof=proof
            )
        except ApplicationError as error:
            apply_error(
                form,
                error if error.field != "file" else ApplicationError(error.message, field="proof"),
            )
        else:
            messages.success(
                request,
                _(
                    "Votre nouvelle adresse est transmise (démarche %(ref)s) : elle sera prise "
                    "en compte après vérification du justificatif."
                )
                % {"ref": demarche.reference},
            )
            return redirect("families:data")
    return render(request, "families/address_change.html", {"form": form, "family": family})


# --- documents ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@family_required
def documents(request, *, family: Family):
    children = list(family.children.all())
    form = forms.DocumentForm(request.POST or None, request.FILES or None, children=children)
    if request.method == "POST" and form.is_valid():
        child = next((c for c in children if str(c.pk) == form.cleaned_data["child"]), None)
        try:
            services.document_upload(
                family=family,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                uploaded_by=request.user,
                child=child,
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Votre document est déposé. La mairie le vérifiera."))
            return redirect("families:documents")
    return render(
        request,
        "families/documents.html",
        {"form": form, "documents": selectors.documents_of(family)},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def document_file(request, pk: int):
    family = selectors.family_for_user(request.user)
    document = Document.objects.filter(pk=pk, family=family).first() if family else None
    if document is None:
        raise Http404
    return document_response(document)
