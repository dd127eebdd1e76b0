"""Writes of fair allocation, one module per topic: the agents' configuration, the
families' requests (each a démarche) during the window, the draw's seed fixed after the
close, manual adjustments with their reason, and the publication that turns the outcome
into bookings, waitlist positions and e-mails, once."""

from espace_citoyen.allocation.services._common import (
    AREA,
    CONFIG_FIELDS,
    DEMARCHE_REQUEST,
    moment_label,
)
from espace_citoyen.allocation.services.configuration import allocation_save
from espace_citoyen.allocation.services.guards import (
    NOTICES_PENDING_SQL,
    booking_guard,
    day_notices,
)
from espace_citoyen.allocation.services.publication import (
    adjustment_add,
    allocation_publish,
    draw_fix,
)
from espace_citoyen.allocation.services.requests import (
    request_change,
    request_on_cancel,
    request_submit,
    request_withdraw,
)

__all__ = [
    "AREA",
    "CONFIG_FIELDS",
    "DEMARCHE_REQUEST",
    "adjustment_add",
    "allocation_publish",
    "allocation_save",
    "booking_guard",
    "NOTICES_PENDING_SQL",
    "day_notices",
    "moment_label",
    "draw_fix",
    "request_change",
    "request_on_cancel",
    "request_submit",
    "request_withdraw",
]
