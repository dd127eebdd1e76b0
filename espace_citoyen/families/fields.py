"""The family card's field lists, kept once: the forms show them, the services copy and
record them, the online wizard and the desk re-read them. (Pure names, no Django.)"""

FAMILY_ADDRESS_FIELDS = ["address_line1", "address_line2", "postal_code", "city"]
FAMILY_EMERGENCY_FIELDS = ["emergency_name", "emergency_phone"]
FAMILY_FIELDS = FAMILY_ADDRESS_FIELDS + FAMILY_EMERGENCY_FIELDS

# What a guardian fills in (the form); the services also keep who pays and whether the
# guardian lives elsewhere, which the card sets itself.
GUARDIAN_FORM_FIELDS = [
    "civility",
    "last_name",
    "first_name",
    "birth_date",
    "email",
    "phone_mobile",
    "phone_home",
    "phone_work",
    "profession",
    "employer",
    "employer_address",
    "parental_authority",
]
GUARDIAN_FIELDS = GUARDIAN_FORM_FIELDS + ["own_address", "is_payer"]

CHILD_IDENTITY_FIELDS = ["last_name", "first_name", "sex", "birth_date", "birth_place"]
CHILD_HEALTH_FIELDS = [
    "doctor",
    "vaccinations_up_to_date",
    "vaccinations_date",
    "allergies",
    "diet",
    "has_pai",
    "disability_situation",
]
CHILD_AUTHORISATION_FIELDS = ["image_rights", "may_leave_alone", "emergency_care", "outings"]
CHILD_FIELDS = CHILD_IDENTITY_FIELDS + CHILD_HEALTH_FIELDS + CHILD_AUTHORISATION_FIELDS

PERSON_FIELDS = ["last_name", "first_name", "phone", "relationship"]
