from django.apps import AppConfig


class SchoolingConfig(AppConfig):
    name = "espace_citoyen.schooling"
    label = "schooling"
    verbose_name = "Scolarité"
