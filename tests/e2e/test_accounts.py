"""Accounts pages in a real browser: keyboard use, accessibility, a deactivated person's tab."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from accounts.models import Role
from tests.factories import UserFactory


def test_account_pages_have_no_axe_violations(browser, live_url, login):
    admin = UserFactory(role=Role.ADMIN, is_staff=True, display_name="Ada Admin")
    UserFactory(display_name="Grace Hopper")
    context = login(browser.new_context(), admin)
    page = context.new_page()
    for path in (
        "/accounts/profile/",
        "/people/",
        "/accounts/2fa/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/sessions/",
    ):
        page.goto(live_url + path)
        results = Axe().run(page)
        assert results.violations_count == 0, f"{path}\n{results.generate_report()}"
    anonymous = browser.new_page()
    for path in ("/accounts/signup/", "/accounts/password/reset/"):
        anonymous.goto(live_url + path)
        results = Axe().run(anonymous)
        assert results.violations_count == 0, f"{path}\n{results.generate_report()}"
    context.close()


def test_account_pages_have_no_axe_violations_in_dark_mode(browser, live_url, login):
    admin = UserFactory(role=Role.ADMIN, display_name="Ada Admin")
    context = login(browser.new_context(color_scheme="dark"), admin)
    page = context.new_page()
    for path in ("/accounts/profile/", "/people/", "/accounts/2fa/"):
        page.goto(live_url + path)
        results = Axe().run(page)
        assert results.violations_count == 0, f"{path}\n{results.generate_report()}"
    context.close()
    anonymous = browser.new_context(color_scheme="dark").new_page()
    anonymous.goto(live_url + "/accounts/login/")
    results = Axe().run(anonymous)
    assert results.violations_count == 0, results.generate_report()


def test_admin_changes_a_role_from_the_people_page(browser, live_url, login):
    admin = UserFactory(role=Role.ADMIN, display_name="Ada Admin")
    grace = UserFactory(display_name="Grace Hopper")
    context = login(browser.new_context(), admin)
    page = context.new_page()
    page.goto(live_url + "/people/")
    page.get_by_label("Search people").fill("grace")
    page.get_by_label("Search people").press("Enter")
    expect(page.get_by_role("heading", name="People matching “grace”")).to_be_visible()
    page.get_by_label("Role of Grace Hopper", exact=True).select_option("tester")
    page.get_by_role("button", name="Change role of Grace Hopper").click()
    expect(page.get_by_text("Grace Hopper is now Tester.")).to_be_visible()
    grace.refresh_from_db()
    assert grace.role == Role.TESTER
    context.close()


def test_deactivating_a_person_closes_their_open_tab_socket(browser, live_url, login):
    admin = UserFactory(role=Role.ADMIN, display_name="Ada Admin")
    dana = UserFactory(display_name="Dana")
    dana_context = login(browser.new_context(), dana)
    dana_page = dana_context.new_page()
    closes = []
    # Listen before loading: the page opens its socket while it loads.
    with dana_page.expect_websocket() as socket_info:
        dana_page.goto(live_url + "/people/")
    socket_info.value.on("close", lambda _ws: closes.append(True))
    dana_page.wait_for_timeout(300)  # let the handshake finish before the deactivation

    admin_context = login(browser.new_context(), admin)
    admin_page = admin_context.new_page()
    admin_page.goto(live_url + "/people/")
    questions = []
    admin_page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    admin_page.get_by_role("button", name="Deactivate Dana").click()
    expect(admin_page.get_by_text("Dana is deactivated.")).to_be_visible()
    assert questions and questions[0].startswith("Deactivate Dana?")
    dana_page.wait_for_timeout(1000)
    assert closes, "Dana's socket was not closed"
    dana_page.goto(live_url + "/people/")
    expect(dana_page).to_have_url(live_url + "/accounts/login/?next=/people/")
    admin_context.close()
    dana_context.close()


def test_cancelling_the_confirmation_keeps_the_person_active(browser, live_url, login):
    admin = UserFactory(role=Role.ADMIN, display_name="Ada Admin")
    kim = UserFactory(display_name="Kim")
    context = login(browser.new_context(), admin)
    page = context.new_page()
    page.goto(live_url + "/people/")
    page.on("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Deactivate Kim").click()
    page.wait_for_timeout(300)
    kim.refresh_from_db()
    assert kim.is_active
    context.close()


def test_new_token_can_be_copied_and_is_announced(browser, live_url, login):
    person = UserFactory(display_name="Tok")
    context = login(browser.new_context(), person)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_url)
    page = context.new_page()
    page.goto(live_url + "/accounts/profile/")
    page.get_by_label("Token name").fill("laptop")
    page.get_by_role("button", name="Create token").click()
    key = page.get_by_label("Token key").input_value()
    page.get_by_role("button", name="Copy").click()
    expect(page.locator("[data-live-region]")).to_have_text("Token copied to the clipboard.")
    assert page.evaluate("navigator.clipboard.readText()") == key
    context.close()
