"""The base layout in a real browser: login, dashboard, dark mode, accessibility."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory


def test_person_logs_in_and_sees_the_dashboard(page, live_url):
    UserFactory(username="dana", display_name="Dana")
    page.goto(live_url + "/")
    expect(page).to_have_url(live_url + "/accounts/login/?next=/")
    page.locator("input[name=login]").fill("dana")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Dana")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def test_theme_switch_is_remembered_across_pages(browser, live_url, login):
    context = login(browser.new_context(color_scheme="light"), UserFactory())
    page = context.new_page()
    page.goto(live_url + "/")
    html = page.locator("html")
    expect(html).to_have_attribute("data-theme", "system")
    toggle = page.get_by_role("button", name="Colour theme: follows the system. Switch theme")
    toggle.click()
    toggle = page.get_by_role("button", name="Colour theme: light. Switch theme")
    toggle.click()
    expect(page.get_by_role("button", name="Colour theme: dark. Switch theme")).to_be_visible()
    expect(html).to_have_attribute("data-theme", "dark")
    page.reload()
    expect(html).to_have_attribute("data-theme", "dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(20, 23, 28)"
    context.close()


def test_dashboard_and_login_pages_have_no_axe_violations(browser, live_url, login):
    context = login(browser.new_context(), UserFactory())
    page = context.new_page()
    page.goto(live_url + "/")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    anonymous = browser.new_page()
    anonymous.goto(live_url + "/accounts/login/")
    results = Axe().run(anonymous)
    assert results.violations_count == 0, results.generate_report()
    context.close()
