"""The profile page: name, time zone, avatar, tokens, sessions."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import ApiToken, User
from tests.factories import UserFactory


def png_bytes(width=400, height=300, color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.django_db
def test_profile_shows_sections_and_saves_name_and_time_zone(member_client, member):
    page = member_client.get("/accounts/profile/").content.decode()
    for heading in (
        "Name and time zone",
        "Avatar",
        "Active sessions",
        "API tokens",
        "Notifications",
    ):
        assert heading in page
    assert 'href="/notifications/settings/"' in page
    response = member_client.post(
        "/accounts/profile/", {"display_name": "  Dana D. ", "time_zone": "Europe/Paris"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.display_name, member.time_zone) == ("Dana D.", "Europe/Paris")
    page = member_client.get("/accounts/profile/").content.decode()
    assert '<option value="Europe/Paris" selected>Europe/Paris</option>' in page
    assert member.initials == "DD"


@pytest.mark.django_db
def test_profile_refuses_an_unknown_time_zone_and_a_long_name(member_client, member):
    response = member_client.post(
        "/accounts/profile/", {"display_name": "x" * 151, "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ensure this value has at most 150 characters" in page
    assert "Select a valid choice" in page
    member.refresh_from_db()
    assert member.time_zone == "UTC"


@pytest.mark.django_db
def test_avatar_upload_is_cropped_square_and_served(
    member_client, member, media, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("me.png", png_bytes(), content_type="image/png")
    response = member_client.post("/accounts/profile/avatar/", {"avatar": upload})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.avatar
    page = member_client.get("/accounts/profile/").content.decode()
    assert member.avatar_url.replace("&", "&amp;") in page or member.avatar_url in page
    response = member_client.get(member.avatar_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
        assert image.size == (256, 256)
    old_name = member.avatar.name

    assert (media / old_name).exists()

    upload = SimpleUploadedFile("again.png", png_bytes(color=(0, 0, 255)))
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post("/accounts/profile/avatar/", {"avatar": upload})
    member.refresh_from_db()
    assert member.avatar.name != old_name
    assert not (media / old_name).exists()  # the replaced file is deleted once committed

    response = member_client.post("/accounts/profile/avatar/remove/")
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.avatar
    assert member_client.get(f"/people/{member.pk}/avatar/").status_code == 404


@pytest.mark.django_db
def test_oversized_avatar_is_a_field_error(member_client, member, media, settings):
    settings.COLLAB_AVATAR_MAX_BYTES = 1024
    upload = SimpleUploadedFile("big.png", png_bytes(900, 900) + b"\0" * 2048)
    response = member_client.post("/accounts/profile/avatar/", {"avatar": upload})
    assert response.status_code == 400
    assert "The image is too large: at most 1 KB." in response.content.decode()
    member.refresh_from_db()
    assert not member.avatar


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cat.png", b"this is not an image at all"),
        ("trick.jpg", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),  # a PNG header with nothing after
        ("page.png", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_an_image_that_is_not_an_image_is_a_field_error(
    member_client, member, media, name, content
):
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = member_client.post("/accounts/profile/avatar/", {"avatar": upload})
    assert response.status_code == 400
    assert "This file is not an image Collab can read." in response.content.decode()
    member.refresh_from_db()
    assert not member.avatar


@pytest.mark.django_db
def test_an_image_format_we_do_not_take_is_refused(member_client, member, media):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="BMP")
    upload = SimpleUploadedFile("old.bmp", out.getvalue())
    response = member_client.post("/accounts/profile/avatar/", {"avatar": upload})
    assert response.status_code == 400
    assert "Upload a PNG, JPEG, GIF or WebP image." in response.content.decode()


@pytest.mark.django_db
def test_missing_avatar_file_is_a_field_error(member_client):
    response = member_client.post("/accounts/profile/avatar/", {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


@pytest.mark.django_db
def test_token_is_shown_once_works_and_can_be_revoked(member_client, member, client):
    response = member_client.post("/accounts/profile/tokens/", {"name": "CI bot"})
    assert response.status_code == 201
    token = ApiToken.objects.get(user=member)
    page = response.content.decode()
    key = page.split('id="new-token-key" type="text" readonly value="')[1].split('"')[0]
    assert key.startswith(token.prefix)
    assert key not in member_client.get("/accounts/profile/").content.decode()

    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    response = member_client.post(f"/accounts/profile/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert "Revoked" in member_client.get("/accounts/profile/").content.decode()


@pytest.mark.django_db
def test_token_bad_input_and_other_peoples_tokens(member_client, member):
    response = member_client.post("/accounts/profile/tokens/", {"name": "   "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    response = member_client.post("/accounts/profile/tokens/", {"name": "x" * 101})
    assert response.status_code == 400
    other = UserFactory()
    from accounts.services import create_api_token

    theirs, _key = create_api_token(user=other, name="theirs")
    response = member_client.post(f"/accounts/profile/tokens/{theirs.pk}/revoke/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


@pytest.mark.django_db
def test_profile_lists_this_browsers_session(client, password):
    person = UserFactory()
    client.post(
        "/accounts/login/",
        {"login": person.username, "password": password},
        HTTP_USER_AGENT="Firefox test",
    )
    page = client.get("/accounts/profile/").content.decode()
    assert "Firefox test" in page
    assert "this browser" in page


@pytest.mark.django_db
def test_pages_show_times_in_the_persons_time_zone(member_client, member):
    User.objects.filter(pk=member.pk).update(time_zone="Asia/Tokyo")
    from accounts.services import create_api_token

    create_api_token(user=member, name="tz")
    page = member_client.get("/accounts/profile/").content.decode()
    assert "+09:00" in page  # the <time datetime> of the token, in Tokyo time


@pytest.mark.django_db
@pytest.mark.parametrize("tokens", [1, 50])
def test_profile_page_runs_fixed_queries(member_client, member, django_assert_num_queries, tokens):
    from accounts.services import create_api_token

    for number in range(tokens):
        create_api_token(user=member, name=f"t{number}")
    # session, user, unread badge, user sessions, has TOTP, tokens
    with django_assert_num_queries(6):
        response = member_client.get("/accounts/profile/")
    assert response.content.decode().count("Revoke token") == tokens
