from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("espace_citoyen.portal.urls")),
    path("compte/", include("espace_citoyen.accounts.urls")),
    path("carte-famille/", include("espace_citoyen.families.urls")),
    path("carte-famille/demarches/", include("espace_citoyen.demarches.urls")),
    path("carte-famille/ecole/", include("espace_citoyen.schooling.urls")),
    path("carte-famille/activites/", include("espace_citoyen.activities.urls")),
    path("carte-famille/attribution/", include("espace_citoyen.allocation.urls")),
    path("tarifs/", include("espace_citoyen.pricing.urls")),
    path("carte-famille/factures/", include("espace_citoyen.billing.urls")),
    path("paiement-en-ligne/", include("espace_citoyen.payments.urls")),
    path("carte-famille/prelevement/", include("espace_citoyen.sepa.urls")),
    path("backoffice/", include("espace_citoyen.backoffice.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
