from django.core.management.base import BaseCommand

from espace_citoyen.payments import services


class Command(BaseCommand):
    help = (
        "Ask the bank about online payments still pending (where the backend can be asked) "
        "and close as abandoned those left without an answer. Run it every 10 minutes."
    )

    def handle(self, *args, **options):
        counts = services.transactions_check_pending()
        self.stdout.write(
            f"Paiements en ligne vérifiés : {counts['checked']}, "
            f"clos sans réponse de la banque : {counts['expired']}."
        )
