"""Back-office routes of activities, in the backoffice namespace."""

from django.urls import path

from espace_citoyen.backoffice import activities

urlpatterns = [
    path("activites/", activities.activity_list, name="activity_list"),
    path("activites/<int:pk>/", activities.activity_detail, name="activity_detail"),
    path("activites/calendrier/", activities.activity_calendar, name="activity_calendar"),
    path(
        "activites/calendrier/<int:pk>/supprimer/",
        activities.activity_calendar_delete,
        name="activity_calendar_delete",
    ),
    path("activites/pointage/", activities.register_index, name="register_index"),
    path("activites/pointage/<int:pk>/<str:day>/", activities.register, name="register"),
    path(
        "activites/pointage/<int:pk>/<str:day>/sans-reservation/",
        activities.register_unbooked,
        name="register_unbooked",
    ),
    path("activites/absences/", activities.absences, name="absences"),
    path(
        "activites/absences/<int:pk>/justifier/",
        activities.absence_justify,
        name="absence_justify",
    ),
    path("activites/effectifs/", activities.forecast, name="forecast"),
    path("activites/listes-attente/", activities.waitlists, name="waitlists"),
]
