"""Reads of the booking queue: a family's own request (the page it lands on)."""

from espace_citoyen.activities.models import WeekRequest


def week_request_of_user(user, pk: int) -> WeekRequest | None:
    """A week request of a family the account is a guardian of, with its activity and
    child, in one query; None otherwise (another family's request is not told)."""
    if not user.is_authenticated:
        return None
    return (
        WeekRequest.objects.filter(pk=pk, family__guardians__user=user)
        .select_related("activity", "child")
        .first()
    )
