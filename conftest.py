"""Fixtures shared by every app's tests."""

import os

import pytest
from hypothesis import settings as hypothesis_settings

from espace_citoyen.accounts.factories import UserFactory, agent_create
from espace_citoyen.accounts.roles import Role

# No deadline: timings on a shared 2-core machine say nothing about the rules. CI runs
# the same examples every time (derandomize); local runs keep exploring new ones.
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (the commune is cached between requests)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def citizen(db):
    return UserFactory(email="camille.martin@example.org", first_name="Camille", last_name="Martin")


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client


@pytest.fixture
def agent(db):
    """agent(Role.GUICHET) -> a user holding that role."""
    return agent_create


@pytest.fixture
def agent_client(client, db):
    """agent_client(Role.GUICHET) -> the test client logged in as such an agent."""

    def make(role: Role):
        client.force_login(agent_create(role))
        return client

    return make


@pytest.fixture
def other_client(db):
    """A second browser, for the agent's side of a test while the citizen's stays open."""
    from django.test import Client

    return Client()
