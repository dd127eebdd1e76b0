"""Agents' screens for family cards: search, sheet, creation at the desk, activation
letters, documents to check."""

from django import forms as djforms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from espace_citoyen.accounts.roles import Role
from espace_citoyen.backoffice.access import agent_required, may_open
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.pdf import pdf_response, render_pdf
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.demarches.selectors import demarche_list_for_owner
from espace_citoyen.families import forms, selectors, services
from espace_citoyen.families.abilities import family_abilities
from espace_citoyen.families.downloads import document_response
from espace_citoyen.families.fields import FAMILY_ADDRESS_FIELDS, FAMILY_EMERGENCY_FIELDS
from espace_citoyen.families.models import Guardian
from espace_citoyen.families.rules import code_display

SEEING = (Role.GUICHET, Role.SCOLAIRE, Role.PERISCOLAIRE, Role.REGIE)
# Each role opens and checks the document kinds its work needs
# (families.abilities.DOCUMENT_KINDS_BY_ROLE): the régie checks income documents.
CHECKING = (Role.GUICHET, Role.SCOLAIRE, Role.PERISCOLAIRE, Role.REGIE)


TABS = [
    ("responsables", gettext_lazy("Responsables légaux")),
    ("enfants", gettext_lazy("Enfants")),
    ("documents", gettext_lazy("Justificatifs")),
    ("demarches", gettext_lazy("Démarches")),
    ("historique", gettext_lazy("Historique des modifications")),
]


@require_safe
@agent_required(*SEEING)
def family_search(request):
    query = request.GET.get("q", "").strip()[:100]
    results = selectors.family_search(query) if query else []
    return render(
        request,
        "backoffice/families/search.html",
        {
            "query": query,
            "results": results,
            "may_create": may_open(request.user, "backoffice:family_create"),
        },
    )


@require_safe
@agent_required(*SEEING)
def family_sheet(request, pk: int):
    sheet = selectors.family_sheet(pk, viewer=request.user)
    if sheet is None:
        raise Http404
    family = sheet.family
    tab = request.GET.get("onglet", "responsables")
    if tab not in dict(TABS):
        tab = "responsables"
    abilities = family_abilities(request.user, family)
    context = {
        "family": family,
        "tab": tab,
        "tab_label": dict(TABS)[tab],
        "tabs": TABS,
        "abilities": abilities,
        "guardians": sheet.guardians,
        "children": sheet.children,
        "sees_health": sheet.sees_health,
        "persons": sheet.persons,
        "documents": sheet.documents,
        "changes": sheet.changes,
        "check_form": DocumentCheckForm(),
    }
    if tab == "demarches":
        context["demarches"] = demarche_list_for_owner(family, with_events=False)
    return render(request, "backoffice/families/sheet.html", context)


class DeskChildForm(forms.ChildIdentityForm):
    """A child row at the desk: empty rows are ignored."""


DeskChildFormSet = djforms.formset_factory(
    DeskChildForm, formset=forms.BaseChildFormSet, extra=3, min_num=0, max_num=15
)


@require_http_methods(["GET", "HEAD", "POST"])
@agent_required(Role.GUICHET)
def family_create(request):
    data = request.POST or None
    address = forms.FamilyAddressStepForm(data, prefix="adresse")
    first = forms.GuardianForm(data, prefix="r1", initial={"parental_authority": True})
    second = forms.SecondGuardianForm(data, prefix="r2", initial={"parental_authority": True})
    first.fields["email"].required = False
    children = DeskChildFormSet(data, prefix="enfants")
    if request.method == "POST" and all(
        part.is_valid() for part in (address, first, second, children)
    ):
        guardian_rows = [_clean(first.cleaned_data)]
        guardian_rows[0]["is_payer"] = True
        if second.cleaned_data.get("add"):
            guardian_rows.append(_clean(second.cleaned_data))
        values = address.cleaned_data
        try:
            family = services.family_create_at_desk(
                agent=request.user,
                data=services.FamilyInput(
                    address={key: values[key] for key in FAMILY_ADDRESS_FIELDS},
                    emergency={key: values[key] for key in FAMILY_EMERGENCY_FIELDS},
                    guardians=guardian_rows,
                    children=[
                        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
                        for form in children.forms
                        if form.has_changed() and form.cleaned_data
                    ],
                    authorised_persons=[],
                ),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "La carte famille %(number)s est créée. Imprimez la lettre d'activation "
                    "de chaque responsable légal."
                )
                % {"number": family.number},
            )
            return redirect("backoffice:family", family.pk)
    return render(
        request,
        "backoffice/families/create.html",
        {"address": address, "first": first, "second": second, "children": children},
        status=400 if request.method == "POST" else 200,
    )


def _clean(cleaned: dict) -> dict:
    return {k: v for k, v in cleaned.items() if k != "add" and v is not None}


@require_POST
@agent_required(Role.GUICHET)
def activation_letter(request, pk: int, guardian_pk: int):
    """Print a new activation letter: a new code, the previous one revoked."""
    guardian = (
        Guardian.objects.select_related("family").filter(pk=guardian_pk, family_id=pk).first()
    )
    if guardian is None:
        raise Http404
    if guardian.user_id:
        messages.error(request, _("Ce responsable légal est déjà relié à un compte."))
        return redirect("backoffice:family", pk)
    code, record = services.activation_code_issue(guardian=guardian, created_by=request.user)
    content = render_pdf(
        "families/pdf/activation_letter.html",
        {
            "family": guardian.family,
            "guardian": guardian,
            "code": code_display(code),
            "expires_on": timezone.localtime(record.expires_at).date(),
            "today": timezone.localdate(),
        },
    )
    return pdf_response(content, f"lettre-activation-{guardian.family.number}.pdf")


class DocumentCheckForm(djforms.Form):
    decision = djforms.ChoiceField(
        label=gettext_lazy("Décision"),
        choices=[("accepte", gettext_lazy("Accepter")), ("refuse", gettext_lazy("Refuser"))],
        widget=djforms.RadioSelect,
    )
    reason = djforms.CharField(
        label=gettext_lazy("Motif du refus (lu par la famille)"),
        required=False,
        max_length=1000,
    )
    valid_until = djforms.DateField(
        label=gettext_lazy("Valable jusqu'au (facultatif)"),
        required=False,
        widget=forms.DateInput,
    )


@require_safe
@agent_required(*CHECKING)
def documents_to_check(request):
    documents = selectors.documents_to_check(request.user)
    page = Paginator(documents, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/families/documents.html",
        {"page": page, "check_form": DocumentCheckForm()},
    )


@require_POST
@agent_required(*CHECKING)
def document_check(request, pk: int):
    document = selectors.document_for_agent(pk, request.user)
    if document is None:
        raise Http404
    form = DocumentCheckForm(request.POST)
    back = request.POST.get("next") or ""
    if form.is_valid():
        try:
            services.document_check(
                document=document,
                agent=request.user,
                accepted=form.cleaned_data["decision"] == "accepte",
                reason=form.cleaned_data["reason"],
                valid_until=form.cleaned_data["valid_until"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Le justificatif est vérifié."))
    else:
        messages.error(request, _("Choisissez « Accepter » ou « Refuser »."))
    if back == "famille":
        return redirect(f"/backoffice/familles/{document.family_id}/?onglet=documents")
    return redirect("backoffice:documents_to_check")


@require_safe
@agent_required(*SEEING)
def document_file(request, pk: int):
    document = selectors.document_for_agent(pk, request.user)
    if document is None:
        raise Http404
    return document_response(document)


@require_POST
@agent_required(Role.GUICHET)
def lost_code_resolve(request, reference: str):
    demarche = Demarche.objects.filter(
        reference=reference, type=services.DEMARCHE_LOST_CODE
    ).first()
    guardian = Guardian.objects.filter(pk=request.POST.get("guardian") or 0).first()
    if demarche is None:
        raise Http404
    if guardian is None:
        messages.error(request, _("Choisissez le responsable légal à qui envoyer le code."))
        return redirect("backoffice:demarche", reference)
    try:
        services.lost_code_resolve(demarche=demarche, guardian=guardian, agent=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Un nouveau code a été envoyé ; la démarche est acceptée."))
    return redirect("backoffice:demarche", reference)
