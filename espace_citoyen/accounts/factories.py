import factory
from django.contrib.auth.models import Group

from espace_citoyen.accounts.models import User
from espace_citoyen.accounts.roles import Role

PASSWORD = "Un-mot-de-passe-solide-42"  # noqa: S105


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"parent{n}@example.org")
    civility = "mme"
    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)


def agent_create(role: Role, **kwargs) -> User:
    """An agent holding `role` (administrateur also gets the admin flag)."""
    user = UserFactory(email=f"{role.value}-{User.objects.count()}@mairie.example.org", **kwargs)
    user.groups.add(Group.objects.get(name=role.value))
    if role == Role.ADMINISTRATEUR:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user
