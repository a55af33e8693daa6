"""Two people chat live in a real browser: team channel and a direct room."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits(live_url):
    # Test databases reuse ids; rate-limit counters of an earlier run must not carry over.
    cache.clear()


RECORD_PENDING = """
() => {
  window.__pendingSeen = [];
  new MutationObserver((changes) => {
    for (const change of changes) {
      for (const node of change.addedNodes) {
        if (node.classList && node.classList.contains("msg--pending")) {
          window.__pendingSeen.push(node.textContent);
        }
      }
    }
  }).observe(document.querySelector("[data-messages]"), { childList: true });
}
"""


def open_chat(browser, login, live_url, user):
    context = login(browser.new_context(), user)
    page = context.new_page()
    page.goto(live_url + "/chat/")
    expect(page.locator("html")).to_have_attribute("data-socket", "open")
    return context, page


def test_two_people_chat_live_in_the_team_channel_and_a_direct_room(browser, live_url, login):
    alice = UserFactory(username="alice", display_name="Alice")
    bob = UserFactory(username="bob", display_name="Bob")
    alice_context, alice_page = open_chat(browser, login, live_url, alice)
    bob_context, bob_page = open_chat(browser, login, live_url, bob)
    expect(alice_page.get_by_role("heading", level=1)).to_have_text("#general")

    # Typing shows on the other side.
    bob_page.get_by_label("Message #general").press_sequentially("hm")
    expect(alice_page.locator("[data-typing]")).to_have_text("Bob is typing…")

    # Alice sends with Enter: pending at once, confirmed by the echo, seen once by Bob.
    alice_page.evaluate(RECORD_PENDING)
    composer = alice_page.get_by_label("Message #general")
    composer.fill("Hello **Bob**, see PLT-3699")
    composer.press("Enter")
    mine = alice_page.locator("li.msg", has_text="see PLT-3699")
    expect(mine).to_have_count(1)
    expect(mine).to_have_attribute("data-seq", "1")
    expect(mine).not_to_have_class("msg msg--pending")
    assert alice_page.evaluate("window.__pendingSeen.length") == 1
    theirs = bob_page.locator("li.msg", has_text="see PLT-3699")
    expect(theirs).to_have_count(1)
    expect(theirs.locator("strong")).to_have_text("Bob")
    expect(alice_page.locator("[data-typing]")).to_have_text("")

    # Shift+Enter makes a new line instead of sending.
    composer.press("Shift+Enter")
    expect(composer).to_have_value("\n")
    composer.fill("")

    # A direct room: Alice opens it and writes; Bob's unread badge appears, then clears.
    alice_page.get_by_label("Message someone").select_option(label="Bob (@bob)")
    alice_page.get_by_role("button", name="Open").click()
    expect(alice_page.get_by_role("heading", level=1)).to_have_text("Bob")
    bob_link = bob_page.get_by_role("link", name="Alice")
    expect(bob_link).to_be_visible()  # the new room appears for Bob without reconnecting
    alice_page.get_by_label("Message Bob").fill("just between us")
    alice_page.get_by_label("Message Bob").press("Enter")
    expect(alice_page.locator("li.msg[data-seq]", has_text="just between us")).to_have_count(1)
    expect(bob_link.locator("[data-unread]")).to_have_text("1 unread")
    bob_link.click()
    expect(bob_page.locator("li.msg", has_text="just between us")).to_have_count(1)
    expect(bob_page.locator("[data-unread-line]")).to_be_visible()
    expect(bob_page.get_by_role("link", name="Alice").locator("[data-unread]")).to_be_hidden()
    # Bob read it: Alice sees "Seen" under her message.
    expect(
        alice_page.locator("li.msg", has_text="just between us").locator("[data-status]")
    ).to_have_text("Seen")
    alice_context.close()
    bob_context.close()


def test_chat_and_search_pages_have_no_axe_violations(browser, live_url, login):
    from axe_playwright_python.sync_playwright import Axe

    person = UserFactory()
    context, page = open_chat(browser, login, live_url, person)
    page.get_by_label("Message #general").fill("a message about PLT-3699")
    page.get_by_label("Message #general").press("Enter")
    expect(page.locator("li.msg[data-seq]")).to_have_count(1)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.goto(live_url + "/chat/search/?q=PLT-3699")
    expect(page.locator(".search-result mark")).to_have_text("PLT-3699")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    context.close()


def test_history_extends_upwards_and_edits_and_deletes_arrive_live(
    browser, live_url, login, settings
):
    from chat import services
    from tests.chat.conftest import make_channel

    alice = UserFactory(username="ann", display_name="Ann")
    bob = UserFactory(username="ben", display_name="Ben")
    room = make_channel("long", alice, bob)
    settings.CHAT_RATE_LIMIT = 1000  # seeding 60 messages at once is not what this is about
    for n in range(1, 61):
        services.send_message(author=bob, room_id=room.pk, body=f"old message {n}")
    alice_context = login(browser.new_context(), alice)
    alice_page = alice_context.new_page()
    alice_page.goto(f"{live_url}/chat/{room.pk}/")
    expect(alice_page.locator("html")).to_have_attribute("data-socket", "open")
    expect(alice_page.locator("li.msg")).to_have_count(50)
    alice_page.get_by_role("button", name="Load older messages").click()
    expect(alice_page.locator("li.msg")).to_have_count(60)
    expect(alice_page.locator("li.msg").first).to_contain_text("old message 1")
    expect(alice_page.get_by_role("button", name="Load older messages")).to_be_hidden()

    bob_context = login(browser.new_context(), bob)
    bob_page = bob_context.new_page()
    bob_page.goto(f"{live_url}/chat/{room.pk}/")
    expect(bob_page.locator("html")).to_have_attribute("data-socket", "open")
    newest = bob_page.locator("li.msg", has_text="old message 60")
    newest.get_by_role("button", name="Edit message 60").click()
    editor = bob_page.get_by_label("Edit message")
    editor.fill("edited *message* 60")
    editor.press("Enter")
    expect(alice_page.locator("#msg-60 em")).to_have_text("message")
    expect(alice_page.locator("#msg-60 .msg__edited")).to_have_text("(edited)")
    bob_page.once("dialog", lambda dialog: dialog.accept())
    bob_page.locator("#msg-60").get_by_role("button", name="Delete message 60").click()
    expect(alice_page.locator("#msg-60")).to_contain_text("Message deleted.")
    expect(alice_page.locator("li.msg")).to_have_count(60)
    alice_context.close()
    bob_context.close()
