"""Browser journeys: Playwright for Python driving Debian's Chromium, against Django's
live server, with axe-core on every page visited (at its width and at 320 px, with no sideways
scroll there) and a real SMTP server for mail.

These tests never skip: without Chromium they fail and say how to install it."""

import functools
import os
import re
import shutil
import socket
from email import message_from_bytes, policy

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            # The live server needs committed data; the data migrations' rows (catalogue,
            # commune) are restored before each journey.
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
            # One xdist worker per module keeps its browser warm.
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


@pytest.fixture
def browser(_django_db_helper):
    """Chromium for one test, started after the test database is ready.

    Playwright's sync API runs an event loop in the main thread, and Django keeps one
    connection per async context: starting the browser after the database set-up makes
    the serialized rollback (restoring the data migrations' rows) use the right one."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium introuvable ({CHROMIUM}) : installez-le avec "
            "'apt-get install chromium' ou indiquez CHROMIUM_PATH.",
            pytrace=False,
        )
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # The test body's queries ran on this async context's own connections.
        connections.close_all()


class Pages:
    """Opens pages in a fresh browser context and checks each one with axe-core."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []
        self.checked: list[str] = []

    def new(self, *, width: int = 1280, height: int = 900):
        context = self.browser.new_context(
            base_url=self.base_url,
            locale="fr-FR",
            timezone_id="Europe/Paris",
            viewport={"width": width, "height": height},
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        return context.new_page()

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    session = Pages(browser, live_server.url)
    yield session
    session.close()


NARROW_WIDTH = 320  # WCAG 1.4.10 (reflow): 1280 px zoomed to 400 %


@functools.cache
def _axe():
    """axe-core, read from disk once per session."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _axe_run(page, width: int) -> None:
    from axe_playwright_python.base import AxeResults

    # Injected once per page load: the 320 px pass reuses it.
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe().axe_script)
    results = AxeResults(
        page.evaluate(
            "(options) => axe.run(document, options)",
            {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
        )
    )
    assert results.violations_count == 0, f"{page.url} à {width} px\n{results.generate_report()}"


def horizontal_overflow(page) -> list[str]:
    """The page's width beyond the viewport, with the elements that stick out, if any."""
    return page.evaluate(
        """() => {
            const root = document.documentElement;
            if (root.scrollWidth <= root.clientWidth) return [];
            const limit = root.clientWidth;
            const out = [...document.body.querySelectorAll("*")]
                .filter((el) => el.getBoundingClientRect().right > limit + 1)
                .filter((el) => !el.parentElement.closest(".table-wrap"))
                .slice(0, 5)
                .map((el) => el.outerHTML.slice(0, 160));
            return [`scrollWidth ${root.scrollWidth} > ${limit}`, ...out];
        }"""
    )


def axe_check(page) -> None:
    """Fail with a readable report if axe-core finds a WCAG 2.1 A/AA violation, at the
    page's width and again at 320 px, where the page must not scroll sideways either.

    The second pass resizes the same page (no reload, nothing posted twice): every
    journey thus checks reflow on every page it visits, for the cost of one more axe run."""
    _axe_run(page, page.viewport_size["width"])
    size = dict(page.viewport_size)
    if size["width"] == NARROW_WIDTH:
        overflow = horizontal_overflow(page)
        assert not overflow, f"{page.url} défile horizontalement à 320 px : {overflow}"
        return
    page.set_viewport_size({"width": NARROW_WIDTH, "height": size["height"]})
    try:
        overflow = horizontal_overflow(page)
        assert not overflow, f"{page.url} défile horizontalement à 320 px : {overflow}"
        _axe_run(page, NARROW_WIDTH)
    finally:
        page.set_viewport_size(size)


class Mailbox:
    """Messages received by the test's SMTP server."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def last_to(self, address: str):
        for message in reversed(self.messages):
            if address in message["To"]:
                return message
        raise AssertionError(f"Aucun courriel pour {address} : {[m['To'] for m in self.messages]}")

    @staticmethod
    def body(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def find(self, address: str, pattern: str) -> str:
        """The first group of `pattern` in the newest message to `address` that has it."""
        for message in reversed(self.messages):
            if address in message["To"]:
                match = re.search(pattern, self.body(message))
                if match:
                    return match.group(1)
        raise AssertionError(f"Aucun courriel pour {address} ne contient {pattern!r}")

    def link_in_last(self, address: str, pattern: str = r"https?://\S+") -> str:
        body = self.body(self.last_to(address))
        match = re.search(pattern, body)
        assert match, body
        return match.group(0)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server (aiosmtpd); the site sends to it through its SMTP settings."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield mailbox
    controller.stop()


def login(page, email: str, password: str | None = None) -> None:
    """Log in through the real form (django-axes and all); factories' password by default."""
    from espace_citoyen.accounts.factories import PASSWORD

    password = password or PASSWORD
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe (obligatoire)").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/mon-espace/")
