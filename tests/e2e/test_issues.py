"""Issues in a real browser: the header dialog by keyboard alone, and live triage updates."""

import re
import threading

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from accounts.models import Role
from issues import services
from issues.models import Issue
from tests.factories import UserFactory


def in_thread(fn, **kwargs):
    """Call a service off Playwright's event loop thread (it publishes with async_to_sync)."""
    result = {}
    thread = threading.Thread(target=lambda: result.update(value=fn(**kwargs)))
    thread.start()
    thread.join()
    return result["value"]


def tab_to(page, name: str, *, limit: int = 40) -> None:
    """Press Tab until the element with this accessible name has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => (document.activeElement.getAttribute('aria-label')"
            " || document.activeElement.textContent || '').trim()"
        )
        if focused == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_report_an_issue_from_the_header_dialog_by_keyboard_alone(browser, live_url, login):
    UserFactory(username="lena", role=Role.PROJECT_MANAGER)
    dana = UserFactory(username="dana", display_name="Dana")
    context = login(browser.new_context(), dana)
    page = context.new_page()
    page.goto(live_url + "/")
    opener = page.get_by_role("button", name="Report issue")
    expect(opener).to_be_visible()
    expect(page.locator("[data-dialog-fallback]")).to_be_hidden()

    # Open with the keyboard; focus moves into the dialog; Esc closes and focus comes back.
    tab_to(page, "Report issue")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Report an issue")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Title")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()

    # A too-short title: the error is announced and focus goes to the field.
    page.keyboard.press("Enter")
    expect(dialog.get_by_label("Title")).to_be_focused()
    page.keyboard.type("ab")
    page.keyboard.press("Enter")
    alert = dialog.get_by_role("alert")
    expect(alert).to_contain_text("Title")
    title = dialog.get_by_label("Title")
    expect(title).to_be_focused()
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#dialog_title_error")).to_contain_text("at least 3 characters")

    # Fix it and fill the rest by keyboard, then submit with Enter on the button.
    page.keyboard.press("Control+A")
    page.keyboard.type("The build server is down")
    page.keyboard.press("Tab")
    expect(dialog.get_by_label("Description")).to_be_focused()
    page.keyboard.type("Nothing builds since **noon**.")
    page.keyboard.press("Tab")
    expect(dialog.get_by_label("Category")).to_be_focused()
    page.keyboard.press("ArrowDown")  # bug -> blocker
    tab_to(page, "Report issue")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/issues/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The build server is down")
    issue = Issue.objects.get()
    assert (issue.reporter, issue.category) == (dana, "blocker")
    expect(page.locator(".prose strong")).to_have_text("noon")
    context.close()


def test_a_leads_triage_change_appears_live_on_the_reporters_page(browser, live_url, login):
    lead = UserFactory(username="lena", display_name="Lena Lead", role=Role.PROJECT_MANAGER)
    dana = UserFactory(username="dana", display_name="Dana")
    issue = in_thread(
        services.report_issue, reporter=dana, title="Login is broken", description="500"
    )

    reporter_context = login(browser.new_context(), dana)
    reporter_page = reporter_context.new_page()
    reporter_page.goto(f"{live_url}/issues/{issue.pk}/")
    expect(reporter_page.locator("[data-issue-status]")).to_have_text("Pending")
    expect(reporter_page.locator("html")).to_have_attribute("data-socket", "open")
    reporter_page.evaluate("window.__notReloaded = true")
    queue_page = reporter_context.new_page()
    queue_page.goto(f"{live_url}/issues/")
    row = queue_page.locator(f'[data-issue-row="{issue.pk}"]')
    expect(row.locator('[data-cell="status"]')).to_have_text("Pending")
    expect(queue_page.locator("html")).to_have_attribute("data-socket", "open")

    lead_context = login(browser.new_context(), lead)
    lead_page = lead_context.new_page()
    lead_page.goto(f"{live_url}/issues/{issue.pk}/")
    triage = lead_page.locator("[data-triage-form]")
    triage.get_by_label("Status").select_option("in_review")
    triage.get_by_label("Assignee").select_option(label="Lena Lead")
    triage.get_by_role("button", name="Save triage").click()
    expect(lead_page.get_by_text("Triage saved.")).to_be_visible()

    expect(reporter_page.locator("[data-issue-status]")).to_have_text("In review")
    expect(reporter_page.locator("[data-issue-assignee]")).to_have_text("Lena Lead")
    expect(reporter_page.locator("[data-live-section=activity]")).to_contain_text("changed status")
    expect(reporter_page.locator("[data-live-region]")).to_contain_text("is now in review")
    assert reporter_page.evaluate("window.__notReloaded") is True
    expect(row.locator('[data-cell="status"]')).to_have_text("In review")
    expect(row.locator('[data-cell="assignee"]')).to_have_text("Lena Lead")
    reporter_context.close()
    lead_context.close()


def test_issue_pages_have_no_axe_violations(browser, live_url, login):
    lead = UserFactory(username="lena", role=Role.PROJECT_MANAGER)
    issue = in_thread(services.report_issue, reporter=lead, title="Axe me", description="*text*")
    in_thread(services.add_comment, author=lead, issue_id=issue.pk, body="A comment")
    context = login(browser.new_context(), lead)
    page = context.new_page()
    for path in ["/issues/", f"/issues/{issue.pk}/", "/issues/new/"]:
        page.goto(live_url + path)
        results = Axe().run(page)
        assert results.violations_count == 0, (path, results.generate_report())
    page.get_by_role("button", name="Report issue").first.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    context.close()


def test_report_an_issue_with_javascript_off(browser, live_url, login):
    dana = UserFactory(username="dana", display_name="Dana")
    context = login(browser.new_context(java_script_enabled=False), dana)
    page = context.new_page()
    page.goto(live_url + "/")
    expect(page.get_by_role("button", name="Report issue")).to_be_hidden()
    page.get_by_role("link", name="Report issue").click()
    expect(page).to_have_url(live_url + "/issues/new/")
    form = page.locator("main form")
    form.get_by_label("Title").fill("ab")
    form.get_by_role("button", name="Report issue").click()
    expect(page.get_by_role("alert").first).to_contain_text("Please correct the marked fields")
    expect(form.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    form.get_by_label("Title").fill("The wiki is read-only")
    form.get_by_label("Category").select_option("question")
    form.get_by_role("button", name="Report issue").click()
    expect(page).to_have_url(re.compile(r"/issues/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The wiki is read-only")
    assert Issue.objects.get().category == "question"
    context.close()
