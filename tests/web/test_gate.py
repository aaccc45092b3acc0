"""The US-HCP gate (issue 2): asked once, remembered 30 days, never an open redirect."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from besponsa.portal import gate

pytestmark = pytest.mark.django_db


def test_first_visit_is_sent_to_the_question_keeping_the_destination(seeded: None, client: Client) -> None:
    response = client.get("/dosing/?tab=2")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/hcp-confirm/"
    assert parse_qs(location.query)["next"] == ["/dosing/?tab=2"]
    assert response["Cache-Control"] == "no-store"


def test_yes_goes_to_the_page_and_is_remembered_for_30_days_in_a_signed_httponly_cookie(
    seeded: None, client: Client
) -> None:
    response = client.post("/hcp-confirm/", {"answer": "yes", "next": "/dosing/"})
    assert response.status_code == 302 and response["Location"] == "/dosing/"
    cookie = response.cookies[gate.COOKIE_NAME]
    assert cookie["max-age"] == 30 * 24 * 3600
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie.value != "yes"  # signed, not a bare flag
    assert client.get("/dosing/").status_code == 200


def test_a_forged_cookie_is_not_accepted(seeded: None, client: Client) -> None:
    client.cookies[gate.COOKIE_NAME] = "yes"
    assert client.get("/about/").status_code == 302


def test_no_goes_to_the_patient_site_through_the_leaving_notice(seeded: None, client: Client) -> None:
    response = client.post("/hcp-confirm/", {"answer": "no", "next": "/dosing/"})
    assert response.status_code == 302
    assert response["Location"].startswith("/leaving/?to=https%3A%2F%2Fwww.besponsa.com%2F")
    assert gate.COOKIE_NAME not in response.cookies
    leaving = client.get(response["Location"])
    assert leaving.status_code == 200
    assert b'href="https://www.besponsa.com/"' in leaving.content


def test_a_missing_answer_is_refused_with_a_message_and_sets_nothing(seeded: None, client: Client) -> None:
    response = client.post("/hcp-confirm/", {"answer": "maybe", "next": "/"})
    assert response.status_code == 400
    assert b"Choose Yes or No" in response.content
    assert gate.COOKIE_NAME not in response.cookies


@pytest.mark.parametrize(
    "candidate",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "/hcp-confirm/?next=/",
        "/%0d%0aSet-Cookie:x=y",
        "",
    ],
)
def test_next_only_accepts_paths_on_this_site(seeded: None, client: Client, candidate: str) -> None:
    response = client.post("/hcp-confirm/", {"answer": "yes", "next": candidate})
    assert response.status_code == 302
    target = response["Location"]
    assert target.startswith("/") and not target.startswith("//")
    assert "evil" not in target
    if candidate.startswith(("/hcp-confirm/", "/%0d")) or not candidate.startswith("/"):
        assert target in {"/", candidate} and "\n" not in target


def test_the_gate_form_needs_a_csrf_token(seeded: None) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/hcp-confirm/", {"answer": "yes", "next": "/"})
    assert response.status_code == 403
    assert b"The form expired" in response.content
    page = strict.get("/hcp-confirm/?next=/about/")
    token = page.cookies["csrftoken"].value
    ok = strict.post("/hcp-confirm/", {"answer": "yes", "next": "/about/", "csrfmiddlewaretoken": token})
    assert ok.status_code == 302 and ok["Location"] == "/about/"


@pytest.mark.parametrize("path", ["/healthz", "/robots.txt", "/sitemap.xml", "/static/portal/css/site.css"])
def test_machine_paths_are_not_gated(seeded: None, client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    response.close()  # static files stream from an open file


def test_api_paths_are_not_gated(seeded: None, client: Client) -> None:
    response = client.get("/api/v1/does-not-exist/")
    assert response.status_code == 404
    assert "/hcp-confirm/" not in response.get("Location", "")


def test_search_engines_see_content_without_the_question(seeded: None, client: Client) -> None:
    bot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    assert client.get("/about/", HTTP_USER_AGENT=bot).status_code == 200
