import logging
import signal
import threading
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.utils.translation import gettext as _

from espace_citoyen.activities import rules, selectors, services
from espace_citoyen.activities.services.queue import BATCH

logger = logging.getLogger("espace_citoyen.activities.booking_queue")

# After this many failures in a row on the oldest request alone, it is refused (with a
# message asking the family to book again) so that the requests after it go on.
FAILURES_BEFORE_REFUSAL = 5


def stuck_reason() -> str:
    return _(
        "Votre demande n'a pas pu être traitée à cause d'une erreur de notre côté. "
        "Réservez à nouveau depuis le calendrier, ou contactez la mairie."
    )


class Command(BaseCommand):
    help = (
        "Decide the holiday weeks' booking requests recorded with BOOKING_QUEUE on, in "
        "arrival order, in batches; runs until stopped (SIGTERM or Ctrl+C finishes the "
        "batch under way). Several may run: one decides at a time, the others wait."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", type=int, default=BATCH, help=f"Requests per batch ({BATCH})."
        )
        parser.add_argument(
            "--sleep",
            type=float,
            default=0.2,
            help="Seconds between two batches, unless the last one was full (0.2).",
        )
        parser.add_argument("--once", action="store_true", help="Decide what waits now, then stop.")

    def handle(self, *args, batch: int, sleep: float, once: bool, **options):
        # The official calendars are read once per process: before the first batch, not
        # during it.
        selectors.commune_zone()
        rules.school_holidays("A", date.today(), date.today())
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: stop.set())
        decided_total = 0
        failures = failed = 0
        limit = batch
        while not stop.is_set():
            try:
                decided = services.queue_decide(limit=limit) if services.queue_waiting() else 0
            except Exception as error:  # noqa: BLE001 (logged; the worker must go on)
                logger.exception("booking queue: a batch failed, retried")
                if not connection.in_atomic_block:
                    connection.close()  # the next batch starts on a fresh connection
                failures += 1
                failed += 1
                if once and failed > 3 * FAILURES_BEFORE_REFUSAL:  # --once gives up
                    raise CommandError(
                        "Les demandes de semaines n'ont pas pu être décidées."
                    ) from error
                limit = 1  # find the request that fails, if one does
                if failures >= FAILURES_BEFORE_REFUSAL:
                    self._refuse_oldest()
                    failures = 0
                stop.wait(min(0.2 * failures, 2.0))
                continue
            failures = 0
            limit = batch
            decided_total += decided
            if decided:
                logger.info("booking queue: %s requests decided", decided)
            if decided >= limit:
                continue  # a backlog: the next batch at once
            if once and not decided:
                break
            # Then wait a little: the requests arriving meanwhile make the next batch,
            # whose fixed cost (a dozen statements) they share.
            stop.wait(sleep)
        self.stdout.write(f"Demandes de semaines décidées : {decided_total}.")

    def _refuse_oldest(self) -> None:
        try:
            oldest = services.queue_oldest_pending()
            if oldest is not None and services.queue_refuse(oldest, stuck_reason()):
                logger.error("booking queue: request %s refused after repeated failures", oldest)
        except DatabaseError:
            logger.exception("booking queue: the failing request could not be refused")
            if not connection.in_atomic_block:
                connection.close()
