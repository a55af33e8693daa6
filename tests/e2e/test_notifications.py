"""The notification badge, dropdown and pages in a real browser against a live daphne."""

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from axe_playwright_python.sync_playwright import Axe
from django.db import connection
from playwright.sync_api import expect

from accounts.services import create_api_token
from collab.services import notify
from tests.factories import UserFactory


def notify_now(**kwargs):
    """Notify from a plain thread: Playwright's event loop runs in this one."""

    def run():
        try:
            return notify(**kwargs)
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def seed(person, count):
    for i in range(count):
        notify_now(recipients=[person], kind="issue_status", title=f"Issue {i} moved", url="/")


def test_the_dropdown_is_a_keyboard_disclosure_listing_the_latest(browser, live_url, login):
    person = UserFactory()
    seed(person, 2)
    context = login(browser.new_context(), person)
    page = context.new_page()
    page.goto(live_url + "/")
    button = page.get_by_role("button", name="Notifications, 2 unread")
    expect(button).to_have_attribute("aria-expanded", "false")
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    menu = page.locator("[data-notification-menu]")
    expect(menu.get_by_role("link", name="Unread: Issue 1 moved")).to_be_focused()
    expect(menu.get_by_role("listitem")).to_have_count(2)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(button).to_be_focused()
    # Following a notification's link marks it read: one unread is left.
    button.click()
    menu.get_by_role("link", name="Unread: Issue 0 moved").click()
    page.wait_for_url(live_url + "/")
    expect(page.get_by_role("button", name="Notifications, 1 unread")).to_be_visible()
    context.close()


def test_marking_all_read_in_one_tab_clears_the_badge_in_every_tab(browser, live_url, login):
    person = UserFactory()
    seed(person, 3)
    context = login(browser.new_context(), person)
    first, second = context.new_page(), context.new_page()
    for page in (first, second):
        page.goto(live_url + "/notifications/")
        expect(page.locator("html")).to_have_attribute("data-socket", "open")
    second.get_by_role("button", name="Notifications, 3 unread").click()
    second.locator("[data-notification-menu]").get_by_role("button", name="Mark all read").click()
    expect(second.locator("[data-notification-count]")).to_be_hidden()
    expect(first.get_by_role("button", name="Notifications, 0 unread")).to_be_visible()
    expect(first.locator("[data-notification-count]")).to_be_hidden()
    context.close()


def test_the_pages_work_without_javascript_and_have_no_axe_violations(browser, live_url, login):
    person = UserFactory()
    seed(person, 2)
    context = login(browser.new_context(java_script_enabled=False), person)
    page = context.new_page()
    page.goto(live_url + "/notifications/")
    page.get_by_role("button", name="Mark read: Issue 1 moved").click()
    expect(page.get_by_role("link", name="Notifications, 1 unread")).to_be_visible()
    page.get_by_role("link", name="Email settings").click()
    page.get_by_role("group", name="Issue status changed").get_by_label("Never by email").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    context.close()
    context = login(browser.new_context(), person)
    page = context.new_page()
    for path in ("/notifications/", "/notifications/?unread=1", "/notifications/settings/"):
        page.goto(live_url + path)
        results = Axe().run(page)
        assert results.violations_count == 0, f"{path}\n{results.generate_report()}"
    context.close()


def test_a_new_notification_updates_the_badge_live_and_is_announced(browser, live_url, login):
    # The notification comes from the live server itself (a developer reports an issue through
    # the API, so the lead is notified), which works on the in-memory layer and on Redis alike.
    lead = UserFactory(role="project_manager")
    reporter = UserFactory()
    _token, key = create_api_token(user=reporter, name="e2e")
    context = login(browser.new_context(), lead)
    page = context.new_page()
    page.goto(live_url + "/")
    expect(page.locator("html")).to_have_attribute("data-socket", "open")
    request = urllib.request.Request(
        live_url + "/api/v1/issues/",
        data=json.dumps({"title": "The login bug", "category": "bug"}).encode(),
        headers={"Authorization": f"Token {key}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        issue = json.load(response)
    expect(page.get_by_role("button", name="Notifications, 1 unread")).to_be_visible()
    expect(page.locator("[data-live-region]")).to_have_text(
        f"New notification: New issue #{issue['id']}: The login bug"
    )
    context.close()
