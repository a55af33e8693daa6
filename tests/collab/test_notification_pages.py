"""Notification pages and API: lists, filters, marking read, links, settings, admin."""

import pytest
from django.urls import reverse

from collab import services
from collab.models import Notification, NotificationPreference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def notify_many(person, count, **kwargs):
    for i in range(count):
        services.notify(
            recipients=[person],
            kind=kwargs.get("kind", "issue_status"),
            title=f"Note {i}",
            url=kwargs.get("url", f"/issues/{i}/"),
        )


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/notifications/").status_code == 401


@pytest.mark.parametrize("size", [1, 50])
def test_the_list_page_runs_a_fixed_number_of_queries(
    size, member, member_client, django_assert_num_queries
):
    notify_many(member, size)
    # session, user, the unread badge count, the page's row count, the page of rows.
    with django_assert_num_queries(5):
        response = member_client.get("/notifications/")
    assert response.status_code == 200
    assert response.content.decode().count('class="notification-item is-unread"') == size


def test_the_list_page_filters_unread_and_only_shows_mine(member, member_client):
    notify_many(member, 3)
    first = Notification.objects.filter(recipient=member).order_by("id").first()
    services.mark_read(user=member, notification_id=first.pk)
    services.notify(recipients=[UserFactory()], kind="mention", title="Someone else's")
    page = member_client.get("/notifications/").content.decode()
    assert "Note 0" in page and "Note 2" in page
    assert "Someone else&#x27;s" not in page and "Someone else's" not in page
    unread = member_client.get("/notifications/?unread=1").content.decode()
    assert "Note 0" not in unread and "Note 2" in unread


def test_user_text_is_escaped_on_the_page(member, member_client):
    services.notify(recipients=[member], kind="mention", title="<script>alert(1)</script>")
    page = member_client.get("/notifications/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_marking_read_with_the_form_works_without_javascript(member, member_client):
    (row,) = services.notify(recipients=[member], kind="mention", title="Hi")
    response = member_client.post(
        f"/notifications/{row.pk}/read/", {"next": "/notifications/?unread=1"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/notifications/?unread=1"
    row.refresh_from_db()
    assert row.is_read


def test_the_read_form_never_redirects_off_site(member, member_client):
    (row,) = services.notify(recipients=[member], kind="mention", title="Hi")
    response = member_client.post(
        f"/notifications/{row.pk}/read/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/notifications/"


def test_someone_elses_notification_is_not_found(member, member_client):
    (theirs,) = services.notify(recipients=[UserFactory()], kind="mention", title="Theirs")
    assert member_client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert member_client.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert member_client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert member_client.post("/api/v1/notifications/999999/read/").status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_mark_all_read_form(member, member_client):
    notify_many(member, 3)
    response = member_client.post("/notifications/read-all/", follow=True)
    assert "Marked 3 notifications read." in response.content.decode()
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()


def test_opening_a_link_marks_it_read_and_redirects_to_the_stored_page(member, member_client):
    (row,) = services.notify(recipients=[member], kind="mention", title="Hi", url="/chat/3/")
    response = member_client.get(f"/notifications/{row.pk}/open/")
    assert (response.status_code, response["Location"]) == (302, "/chat/3/")
    row.refresh_from_db()
    assert row.is_read
    (bad,) = services.notify(recipients=[member], kind="mention", title="x", url="//evil.io/")
    assert member_client.get(f"/notifications/{bad.pk}/open/")["Location"] == "/notifications/"


def test_the_header_badge_counts_unread_and_links_to_the_list(member, member_client):
    notify_many(member, 2)
    page = member_client.get("/").content.decode()
    assert 'aria-label="Notifications, 2 unread"' in page
    assert "js/notifications.js" in page
    assert "data-notification-menu" in page


def test_the_settings_page_shows_and_saves_preferences(member, member_client):
    page = member_client.get("/notifications/settings/").content.decode()
    assert "Direct message" in page
    assert 'value="immediately"' in page
    data = dict.fromkeys(["mention", "direct_message", "issue_reported"], "immediately")
    data |= {
        "issue_assigned": "never",
        "issue_status": "digest",
        "issue_comment": "digest",
        "issue_escalated": "immediately",
        "role_changed": "immediately",
        "invitation_accepted": "never",
    }
    response = member_client.post("/notifications/settings/", data, follow=True)
    assert "Your notification settings are saved." in response.content.decode()
    stored = dict(
        NotificationPreference.objects.filter(user=member).values_list("kind", "delivery")
    )
    assert stored["issue_assigned"] == "never"
    assert stored["invitation_accepted"] == "never"


def test_the_settings_page_explains_a_bad_choice(member, member_client):
    response = member_client.post("/notifications/settings/", {"mention": "hourly"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationPreference.objects.filter(user=member).exists()


@pytest.mark.parametrize("size", [1, 50])
def test_the_api_list_runs_a_fixed_number_of_queries(
    size, member, member_client, django_assert_num_queries
):
    notify_many(member, size)
    # session, user, the page's row count, the page of rows.
    with django_assert_num_queries(4):
        response = member_client.get("/api/v1/notifications/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == size


def test_the_api_lists_my_notifications_in_the_contract_shape(member, member_client):
    notify_many(member, 2)
    services.notify(recipients=[UserFactory()], kind="mention", title="Someone else's")
    first = Notification.objects.filter(recipient=member).order_by("id").first()
    services.mark_read(user=member, notification_id=first.pk)
    body = member_client.get("/api/v1/notifications/").json()
    assert {"next", "previous", "results"} <= set(body)
    assert [n["title"] for n in body["results"]] == ["Note 1", "Note 0"]
    assert set(body["results"][0]) == {
        "id",
        "kind",
        "title",
        "body",
        "url",
        "is_read",
        "created_at",
    }
    unread = member_client.get("/api/v1/notifications/?unread=1").json()["results"]
    assert [(n["title"], n["is_read"]) for n in unread] == [("Note 1", False)]


def test_the_api_marks_one_and_all_read(member, member_client):
    notify_many(member, 3)
    row = Notification.objects.filter(recipient=member).first()
    response = member_client.post(f"/api/v1/notifications/{row.pk}/read/")
    assert response.status_code == 200
    assert response.json()["is_read"] is True
    response = member_client.post("/api/v1/notifications/read-all/")
    assert response.json() == {"marked": 2, "unread_count": 0}
    assert member_client.get("/api/v1/notifications/?unread=1").json()["results"] == []


def test_the_api_works_with_a_token(member, client):
    from accounts.services import create_api_token

    _token, key = create_api_token(user=member, name="script")
    notify_many(member, 1)
    response = client.get("/api/v1/notifications/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["results"][0]["title"] == "Note 0"


def test_the_api_reads_and_changes_email_preferences(member, member_client):
    url = "/api/v1/notifications/preferences/"
    assert member_client.get(url).json()["direct_message"] == "immediately"
    response = member_client.patch(
        url, {"direct_message": "digest"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["direct_message"] == "digest"
    bad = member_client.patch(url, {"direct_message": "hourly"}, content_type="application/json")
    assert bad.status_code == 400
    assert "direct_message" in bad.json()
    empty = member_client.patch(url, [], content_type="application/json")
    assert empty.status_code == 400


def test_the_admin_lists_notifications_read_only_with_filters(admin_person, client):
    services.notify(recipients=[admin_person, UserFactory()], kind="mention", title="Hello")
    client.force_login(admin_person)
    url = reverse("admin:collab_notification_changelist")
    response = client.get(url + "?read=no&kind__exact=mention")
    assert response.status_code == 200
    assert response.content.decode().count("Hello") >= 2
    assert client.get(url + "?read=yes").status_code == 200
    assert client.get(reverse("admin:collab_notification_add")).status_code == 403
    row = Notification.objects.first()
    change = client.get(reverse("admin:collab_notification_change", args=[row.pk]))
    assert change.status_code == 200
    assert (
        client.post(reverse("admin:collab_notification_delete", args=[row.pk])).status_code == 403
    )
    assert client.get(reverse("admin:collab_emaildelivery_changelist")).status_code == 200
    assert client.get(reverse("admin:collab_notificationpreference_changelist")).status_code == 200
