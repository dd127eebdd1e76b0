"""Demo data of the family card: families at several addresses, one linked to the demo
parent, one waiting for validation, one non-resident, one whose guardian has a printed
activation code, and a parent without a card to try the three entry paths."""

from datetime import date

from espace_citoyen.accounts.models import User
from espace_citoyen.core import demo_dates
from espace_citoyen.families import services
from espace_citoyen.families.models import Guardian
from espace_citoyen.families.rules import code_display
from espace_citoyen.portal.demo import DEMO_PASSWORD

TOWN = {"postal_code": "99999", "city": "Saint-Exemple-sur-Marne"}


def _guardian(civility, last_name, first_name, email, phone="06 12 34 56 78", **extra) -> dict:
    return {
        "civility": civility,
        "last_name": last_name,
        "first_name": first_name,
        "email": email,
        "phone_mobile": phone,
        "parental_authority": True,
        **extra,
    }


def _child(first_name, last_name, sex, birth_date, **extra) -> dict:
    """A child; `birth_date` is written for the reference year and shifted by load()
    (core.demo_dates), so her age and school level stay the same whatever the day."""
    return {
        "first_name": first_name,
        "last_name": last_name,
        "sex": sex,
        "birth_date": birth_date,
        "image_rights": True,
        "emergency_care": True,
        "outings": True,
        **extra,
    }


FAMILIES = [
    {
        "key": "camille.martin@example.org",
        "account": True,
        "address": {"address_line1": "12 rue des Écoles", "address_line2": "", **TOWN},
        "guardians": [
            _guardian(
                "mme",
                "Martin",
                "Camille",
                "camille.martin@example.org",
                profession="Infirmière",
                employer="Centre hospitalier de Saint-Exemple",
                employer_address="2 boulevard Pasteur, 99999 Saint-Exemple-sur-Marne",
                is_payer=True,
            ),
            _guardian("m", "Martin", "Julien", "julien.martin@example.org", phone="06 98 76 54 32"),
        ],
        "children": [
            _child("Léa", "Martin", "F", date(2021, 3, 14), allergies="Arachide", has_pai=True),
            _child("Hugo", "Martin", "M", date(2018, 9, 2), diet="sans_porc"),
        ],
        "persons": [
            {
                "last_name": "Martin",
                "first_name": "Josiane",
                "phone": "03 26 00 00 00",
                "relationship": "Grand-mère",
            }
        ],
    },
    {
        "key": "lea.durand@example.org",
        "account": False,
        "address": {"address_line1": "5 avenue de la République", "address_line2": "", **TOWN},
        "guardians": [_guardian("mme", "Durand", "Léa", "lea.durand@example.org")],
        "children": [_child("Inès", "Durand", "F", date(2022, 6, 30))],
        "persons": [],
    },
    {
        "key": "karim.bernard@example.org",
        "account": False,
        "address": {"address_line1": "8 rue Victor Hugo", "address_line2": "", **TOWN},
        "guardians": [
            _guardian("m", "Bernard", "Karim", "karim.bernard@example.org"),
            _guardian("mme", "Bernard", "Sonia", "sonia.bernard@example.org"),
        ],
        "children": [
            _child("Nour", "Bernard", "F", date(2016, 1, 20), diet="sans_viande"),
            _child("Adam", "Bernard", "M", date(2019, 11, 5)),
            _child("Lina", "Bernard", "F", date(2022, 2, 17)),
        ],
        "persons": [],
    },
    {
        "key": "thi.nguyen@example.org",
        "account": False,
        "address": {
            "address_line1": "3 chemin des Vignes",
            "address_line2": "",
            "postal_code": "99998",
            "city": "Village-Voisin",
        },
        "guardians": [_guardian("mme", "Nguyen", "Thi", "thi.nguyen@example.org")],
        "children": [_child("Minh", "Nguyen", "M", date(2017, 4, 8))],
        "persons": [],
    },
    {
        "key": "dominique.roux@example.org",
        "account": True,
        "online": True,
        "address": {"address_line1": "1 place de la Mairie", "address_line2": "", **TOWN},
        "guardians": [_guardian("m", "Roux", "Dominique", "dominique.roux@example.org")],
        "children": [_child("Jules", "Roux", "M", date(2020, 7, 1))],
        "persons": [],
    },
]

WITHOUT_CARD = ("sacha.petit@example.org", "Petit", "Sacha")


def _account(email: str, last_name: str, first_name: str, civility: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, DEMO_PASSWORD, last_name=last_name, first_name=first_name, civility=civility
        )
    return user


def load() -> list[tuple[str, str]]:
    logins: list[tuple[str, str]] = []
    agent = User.objects.filter(email="agent.guichet@example.org").first()
    for spec in FAMILIES:
        first = spec["guardians"][0]
        if Guardian.objects.filter(email=spec["key"]).exists():
            continue
        data = services.FamilyInput(
            address=spec["address"],
            guardians=spec["guardians"],
            children=[
                {**child, "birth_date": demo_dates.shifted(child["birth_date"])}
                for child in spec["children"]
            ],
            authorised_persons=spec["persons"],
        )
        if spec.get("online"):
            user = _account(spec["key"], first["last_name"], first["first_name"], first["civility"])
            services.family_create_online(user=user, data=data)
        else:
            family = services.family_create_at_desk(agent=agent, data=data)
            if spec["account"]:
                user = _account(
                    spec["key"], first["last_name"], first["first_name"], first["civility"]
                )
                guardian = family.guardians.get(position=1)
                guardian.user = user
                guardian.save(update_fields=["user"])
                services.family_refresh_search_text(family)
    _account(*WITHOUT_CARD, civility="m")
    logins.append((WITHOUT_CARD[0], "parent sans carte famille (essayez les trois chemins)"))
    logins.append(("dominique.roux@example.org", "parent dont la carte créée en ligne attend"))
    # A fresh letter for Léa Durand: her code is printed so path 2 can be tried by hand
    # (after creating an account with any address).
    durand = Guardian.objects.filter(email="lea.durand@example.org", user__isnull=True).first()
    if durand is not None:
        code, _record = services.activation_code_issue(guardian=durand, created_by=agent)
        logins.append(
            (
                "(lettre de Léa Durand)",
                f"Code d'activation : {code_display(code)} — carte {durand.family.number}",
            )
        )
    return logins
