from django.urls import path

from espace_citoyen.activities import views, views_queue

app_name = "activities"

urlpatterns = [
    path("", views.home, name="home"),
    path("inscrire/", views.enrol, name="enrol"),
    path("enfant/<int:child_id>/", views.child_month, name="child_month"),
    path("enfant/<int:child_id>/reserver/", views.child_book, name="child_book"),
    path("enfant/<int:child_id>/semaine/", views.child_book_week, name="child_book_week"),
    path("enfant/<int:child_id>/agenda/", views.child_feed, name="child_feed"),
    path("demande/<int:pk>/", views_queue.week_request, name="week_request"),
    path("demande/<int:pk>/etat/", views_queue.week_request_state, name="week_request_state"),
    path("inscription/<int:pk>/semaine-type/", views.template_change, name="template_change"),
    path("agenda/<str:token>.ics", views.feed, name="feed"),
]
