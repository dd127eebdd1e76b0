"""Every agent's change of an activity's data is in the audit trail: who, when, what,
before and after (issue 13, point 10)."""

from datetime import date, datetime

import time_machine

from espace_citoyen.accounts.roles import Role
from espace_citoyen.activities import services
from espace_citoyen.activities.models import Attendance
from espace_citoyen.activities.tests.conftest import PARIS, other_child
from espace_citoyen.audit.models import AuditEntry
from espace_citoyen.audit.selectors import audit_for_scope
from espace_citoyen.core.testing import pdf_upload
from espace_citoyen.families.models import DocumentKind
from espace_citoyen.families.services import document_upload

MONDAY = date(2026, 11, 30)
# Presence is recorded on the day: the register is kept on Monday evening.
MONDAY_EVENING = datetime(2026, 11, 30, 17, 0, tzinfo=PARIS)


def _entry(**filters) -> AuditEntry:
    return AuditEntry.objects.filter(area="activities", **filters).get()


def test_a_days_capacity_is_recorded(db, lunch, agent):
    staff = agent(Role.PERISCOLAIRE)
    services.activity_day_capacity_set(activity=lunch, day=MONDAY, capacity=12, agent=staff)
    entry = _entry(entity="jour d'activité")
    assert (entry.actor, entry.actor_is_agent, entry.subject) == (staff, True, lunch)
    assert entry.entity_label == "Restauration scolaire Jean-Jaurès — lundi 30 novembre 2026"
    assert entry.changes == {"places": [10, 12]}


def test_the_activitys_new_capacity_carried_to_the_days_is_recorded(db, lunch, agent):
    services.activity_day_capacity_set(
        activity=lunch, day=MONDAY, capacity=10, agent=agent(Role.PERISCOLAIRE)
    )  # a counter that keeps the former capacity; nothing changed, nothing recorded
    assert not AuditEntry.objects.exists()
    admin = agent(Role.ADMINISTRATEUR)
    lunch.capacity = 14
    lunch.save()
    assert services.activity_capacity_apply(activity=lunch, previous=10, actor=admin) == 1
    entry = _entry(entity="activité")
    assert entry.actor == admin
    assert entry.changes == {
        "places par jour": [10, 14],
        "jours à venir modifiés": [None, 1],
    }


def test_adding_and_removing_a_calendar_exception_are_recorded(db, lunch, agent):
    staff = agent(Role.PERISCOLAIRE)
    exception = services.calendar_exception_add(
        activity=lunch, day=MONDAY, opening=False, reason="grève", agent=staff
    )
    services.calendar_exception_remove(exception=exception, agent=staff)
    added, removed = AuditEntry.objects.order_by("id")
    assert (added.action, removed.action) == ("ajout", "suppression")
    assert added.changes == {
        "date": [None, "2026-11-30"],
        "opening": [None, False],
        "reason": [None, "grève"],
    }
    assert removed.changes["reason"] == ["grève", None]
    assert removed.actor == staff and removed.subject == lunch


def test_the_register_records_each_childs_mark_before_and_after(db, lunch, agent, _now):
    first, second = other_child(lunch), other_child(lunch)
    for kid in (first, second):
        services.booking_add(child=kid, activity=lunch, day=MONDAY, actor=None)
    _now.move_to(MONDAY_EVENING)
    staff = agent(Role.PERISCOLAIRE)
    services.attendance_record(
        activity=lunch, day=MONDAY, marks={first.pk: True, second.pk: True}, agent=staff
    )
    services.attendance_record(activity=lunch, day=MONDAY, marks={second.pk: False}, agent=staff)
    created, changed = AuditEntry.objects.filter(entity="pointage").order_by("id")
    assert created.changes == {
        first.full_name: [None, "présent"],
        second.full_name: [None, "présent"],
    }
    assert changed.changes == {second.full_name: ["présent", "absent"]}
    assert changed.actor == staff


def test_presence_without_booking_is_recorded_on_the_familys_trail(db, lunch, agent, _now):
    kid = other_child(lunch)
    _now.move_to(MONDAY_EVENING)
    staff = agent(Role.PERISCOLAIRE)
    services.attendance_add_unbooked(activity=lunch, day=MONDAY, child=kid, agent=staff)
    entry = audit_for_scope(kid.family, with_sensitive=False).get()
    assert entry.action == "ajout"
    assert entry.changes == {kid.full_name: [None, "présent sans réservation"]}


def test_a_justified_absence_is_recorded_as_health_data(db, lunch, agent, _now):
    kid = other_child(lunch)
    services.booking_add(child=kid, activity=lunch, day=MONDAY, actor=None)
    _now.move_to(MONDAY_EVENING)
    staff = agent(Role.PERISCOLAIRE)
    services.attendance_record(activity=lunch, day=MONDAY, marks={kid.pk: False}, agent=staff)
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=PARIS), tick=False):
        certificate = document_upload(
            family=kid.family,
            kind=DocumentKind.MEDICAL_CERTIFICATE,
            upload=pdf_upload("certificat.pdf", "Certificat médical"),
            uploaded_by=staff,
            child=kid,
        )
        services.absence_justify(
            attendance=Attendance.objects.get(child=kid), document=certificate, agent=staff
        )
    entry = _entry(entity="absence")
    assert entry.sensitive is True and entry.actor == staff
    assert entry.changes["justifiée"] == [False, True]
    assert entry not in audit_for_scope(kid.family, with_sensitive=False)
    assert entry in audit_for_scope(kid.family, with_sensitive=True)


def test_a_new_weekly_template_is_on_the_familys_trail(family, child, lunch, citizen):
    enrolment = services.enrolment_request(
        family=family, child=child, activity=lunch, weekdays=[0, 1], actor=citizen
    )
    added, cancelled = services.enrolment_template_change(
        enrolment=enrolment, weekdays=[0, 3], start=date(2026, 12, 7), actor=citizen
    )
    entry = audit_for_scope(family, with_sensitive=False).get(entity="semaine type")
    assert entry.actor == citizen and entry.actor_is_agent is False
    assert entry.changes["jours"] == [["lundi", "mardi"], ["lundi", "jeudi"]]
    assert entry.changes["jours ajoutés"] == [None, added]
    assert entry.changes["jours annulés"] == [None, cancelled]
