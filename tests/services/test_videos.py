"""Video pages: self-hosted file, required WebVTT captions and transcript, chapters, the ISI beside it.

The fixture (tests/services/fixtures/explainer.webm) is a stand-in file, not a playable video: no encoder
is installed, and these tests check what the site serves around the video, not the decoding."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail.models import Page

from besponsa.compliance.models import Approval
from besponsa.services.models import VideoPage

from .conftest import body, client_for

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def make_video(
    *, captions: bool = True, transcript: str = "Reconstitute each vial. Swirl gently.", publish: bool = True
) -> VideoPage:
    parent = Page.objects.get(url_path__endswith="/support/videos/")
    video = VideoPage(
        live=False,
        title="Preparing BESPONSA",
        slug="preparing-besponsa",
        summary="Reconstitution and dilution, step by step.",
        job_code="PP-INO-USA-0821",
        transcript=transcript,
        chapters="0:00 Reconstitution\n0:02 Swirling",
    )
    video.video.save("explainer.webm", ContentFile((FIXTURES / "explainer.webm").read_bytes()), save=False)
    if captions:
        video.captions.save(
            "explainer.vtt", ContentFile((FIXTURES / "explainer.vtt").read_bytes()), save=False
        )
    parent.add_child(instance=video)
    if publish:
        video.save_revision().publish()
    video.refresh_from_db()
    return video


@pytest.fixture
def seeded_pages(seeded_site: None) -> None:
    """The seeded site (tests/conftest.py `seeded_site`)."""


def test_a_video_page_shows_player_captions_chapters_transcript_and_isi(seeded_pages: None) -> None:
    video = make_video()
    client = client_for("anonymous")
    html = body(client.get(video.url))
    assert f'src="/videos/{video.pk}/video/"' in html and 'kind="captions"' in html and "default" in html
    assert "0:02</span> Swirling" in html and "Swirl gently." in html
    assert "Read the full Important Safety Information" in html
    assert "youtube" not in html.lower() and "vimeo" not in html.lower()
    captions = client.get(f"/videos/{video.pk}/captions/")
    assert captions["Content-Type"].startswith("text/vtt") and body(captions).startswith("WEBVTT")
    captions.close()
    media = client.get(f"/videos/{video.pk}/video/")
    assert media["Content-Type"] == "video/webm"
    media.close()
    assert client.get(f"/videos/{video.pk}/poster/").status_code == 404


def test_captions_must_be_webvtt_and_chapters_well_formed(seeded_pages: None) -> None:
    video = make_video(publish=False)
    video.captions.save("bad.vtt", ContentFile(b"1\n00:00:00,000 --> 00:00:01,000\nSRT\n"), save=False)
    with pytest.raises(ValidationError, match="Captions: not WebVTT"):
        video.clean()
    video.captions.save("bad.srt", ContentFile(b"WEBVTT\n"), save=False)
    video.chapters = "Intro at the start"
    with pytest.raises(ValidationError) as raised:
        video.clean()
    assert set(raised.value.message_dict) == {"captions", "chapters"}


@pytest.mark.parametrize(("captions", "transcript"), [(False, "Text."), (True, ""), (False, "")])
def test_publishing_is_refused_without_captions_and_transcript(
    seeded_pages: None, captions: bool, transcript: str
) -> None:
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.test import RequestFactory

    from besponsa.services.wagtail_hooks import refuse_incomplete_video

    video = make_video(captions=captions, transcript=transcript, publish=False)
    request = RequestFactory().post(f"/cms/pages/{video.pk}/edit/")
    request.session = {}  # type: ignore[attr-defined]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    response = refuse_incomplete_video(request, video)
    assert response is not None and response.status_code == 302
    (message,) = [str(m) for m in request._messages]  # type: ignore[attr-defined]
    assert "not published: a video needs" in message
    video.transcript = "Reconstitute each vial."
    video.captions.save("explainer.vtt", ContentFile((FIXTURES / "explainer.vtt").read_bytes()), save=False)
    assert refuse_incomplete_video(request, video) is None  # complete: publishing goes ahead


def test_a_live_video_missing_captions_is_withheld_however_it_was_published(seeded_pages: None) -> None:
    video = make_video(captions=False)  # published by a script, no hook in the way
    assert Approval.objects.filter(page=video).exists()
    client = client_for("anonymous")
    assert client.get(video.url).status_code == 503
    assert client.get(f"/videos/{video.pk}/video/").status_code == 503
