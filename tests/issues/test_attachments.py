"""Attachments: type checked by content, size-limited, stored through storage, served safely."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from collab.errors import Invalid
from issues import services
from issues.models import Attachment, Issue

pytestmark = pytest.mark.django_db

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def png_bytes(size=(4, 4)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "issue-attachments"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cat.png", ELF, "is not an image"),
        ("setup.png", WINDOWS_EXE, "is not an image"),
        ("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (6 * 1024 * 1024), "larger than 5 MB"),
        ("page.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "not an image"),
        ("page.txt", b"hello <script>alert(1)</script>", "not an image"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "not an image"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "not an image"),
        ("empty.txt", b"", "is empty"),
    ],
)
def test_bad_files_are_refused_with_a_clear_error_and_nothing_stored(
    name, content, message, reporter
):
    with pytest.raises(Invalid) as caught:
        services.report_issue(
            reporter=reporter,
            title="With a bad file",
            files=[SimpleUploadedFile(name, content)],
        )
    assert message in caught.value.fields["attachments"][0]
    assert name in caught.value.fields["attachments"][0]
    assert not Issue.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_good_files_are_stored_with_their_real_type(issue, reporter):
    files = [
        SimpleUploadedFile("screen.png", png_bytes()),
        SimpleUploadedFile("spec.pdf", pdf_bytes()),
        SimpleUploadedFile("log.txt", "naïve log line\n".encode()),
        SimpleUploadedFile("notes.exe", b"plain words"),
    ]
    stored = services.add_attachments(actor=reporter, issue_id=issue.pk, files=files)
    assert [(a.name, a.content_type) for a in stored] == [
        ("screen.png", "image/png"),
        ("spec.pdf", "application/pdf"),
        ("log.txt", "text/plain"),
        ("notes.exe.txt", "text/plain"),
    ]
    assert len(stored_files()) == 4
    assert all(not a.file.name.endswith(("screen.png", "exe")) for a in stored)


def test_one_bad_file_refuses_the_whole_upload(issue, reporter):
    with pytest.raises(Invalid):
        services.add_attachments(
            actor=reporter,
            issue_id=issue.pk,
            files=[SimpleUploadedFile("ok.png", png_bytes()), SimpleUploadedFile("x.png", ELF)],
        )
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_page_upload_shows_the_error_and_stores_nothing(client, issue, reporter):
    client.force_login(reporter)
    response = client.post(
        f"/issues/{issue.pk}/",
        {"action": "attach", "attachments": SimpleUploadedFile("cat.png", ELF)},
    )
    assert response.status_code == 400
    assert "cat.png is not an image" in response.content.decode()
    assert not Attachment.objects.exists()


def test_download_is_an_attachment_with_a_safe_type(client, issue, reporter):
    services.add_attachments(
        actor=reporter,
        issue_id=issue.pk,
        files=[SimpleUploadedFile("shot.png", png_bytes())],
    )
    client.force_login(reporter)
    response = client.get(issue.attachments.get().get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="shot.png"' in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == png_bytes()


def test_a_missing_file_answers_404_not_500(client, issue, reporter):
    services.add_attachments(
        actor=reporter, issue_id=issue.pk, files=[SimpleUploadedFile("a.txt", b"text")]
    )
    attachment = issue.attachments.get()
    attachment.file.delete(save=False)
    client.force_login(reporter)
    assert client.get(attachment.get_absolute_url()).status_code == 404
    assert client.get(f"/issues/{issue.pk}/attachments/99999999999999999999/").status_code == 404


def test_too_many_files_at_once_are_refused(issue, reporter):
    files = [SimpleUploadedFile(f"f{i}.txt", b"text") for i in range(11)]
    with pytest.raises(Invalid, match="at most 10"):
        services.add_attachments(actor=reporter, issue_id=issue.pk, files=files)


def test_api_lists_and_uploads_attachments(client, issue, reporter, other_dev):
    client.force_login(reporter)
    url = f"/api/v1/issues/{issue.pk}/attachments/"
    response = client.post(url, {"file": [SimpleUploadedFile("a.png", png_bytes())]})
    assert response.status_code == 201, response.content
    (body,) = response.json()
    assert set(body) == {"id", "name", "content_type", "size", "url", "uploaded_by", "created_at"}
    assert (body["name"], body["content_type"]) == ("a.png", "image/png")
    assert client.get(body["url"]).status_code == 200
    listed = client.get(url).json()
    assert [a["id"] for a in listed["results"]] == [body["id"]]

    response = client.post(url, {"file": [SimpleUploadedFile("b.png", ELF)]})
    assert response.status_code == 400
    assert "b.png is not an image" in response.json()["file"][0]
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"file": "x"}, content_type="application/json").status_code == 415
    assert Attachment.objects.count() == 1

    client.force_login(other_dev)
    assert client.get(url).status_code == 404
    assert client.post(url, {"file": [SimpleUploadedFile("c.txt", b"hi")]}).status_code == 404
