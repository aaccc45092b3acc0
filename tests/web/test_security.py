"""The security baseline (issue 2) on every page type, and settings that fail closed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

PAGE_TYPES = {
    "content page": "/dosing/",
    "home page": "/",
    "gate": "/hcp-confirm/?next=/",
    "leaving notice": "/leaving/?to=https%3A%2F%2Fwww.fda.gov%2Fmedwatch",
    "leaving refused (400)": "/leaving/?to=https%3A%2F%2Fevil.example%2F",
    "ISI": "/isi/",
    "search": "/search/?q=VOD",
    "not found (404)": "/no-such-page/",
    "sign in": "/accounts/login/",
    "health": "/healthz",
    "robots": "/robots.txt",
}


@pytest.mark.parametrize("path", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_every_page_type_carries_the_security_headers(hcp_client: Client, path: str) -> None:
    response = hcp_client.get(path)
    assert response.status_code in {200, 400, 404}
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_answers_given_before_the_views_carry_the_headers_too(client: Client) -> None:
    # The gate's redirect is answered by middleware, before Django's inner middleware would run.
    response = client.get("/dosing/")
    assert response.status_code == 302
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_pages_contain_no_inline_script_or_style(hcp_client: Client) -> None:
    for path in ("/", "/dosing/", "/isi/", "/hcp-confirm/?next=/"):
        html = hcp_client.get(path).content.decode()
        assert "<script>" not in html and "<script " not in html.replace('<script src="', "")
        assert " style=" not in html and "<style" not in html


def test_forms_carry_a_csrf_token(hcp_client: Client) -> None:
    for path in ("/hcp-confirm/?next=/", "/accounts/login/"):
        assert b'name="csrfmiddlewaretoken"' in hcp_client.get(path).content


def test_404_page_is_clear_and_leaks_nothing(hcp_client: Client) -> None:
    response = hcp_client.get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Page not found" in text and "Important Safety Information" in text
    assert "Traceback" not in text and "urlpatterns" not in text and "DEBUG" not in text


def test_500_page_is_clear_and_leaks_nothing(rf: object) -> None:
    from besponsa.portal.views.errors import server_error

    response = server_error(rf.get("/boom/"))  # type: ignore[attr-defined]
    assert response.status_code == 500
    text = response.content.decode()
    assert "Something went wrong on our side" in text and "1-800-438-1985" in text
    assert "Traceback" not in text


def test_healthz_answers_200_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up", "cache": "local"}


def test_healthz_answers_503_when_the_database_does_not(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_cursor(*args: object, **kwargs: object) -> None:
        raise connection.Database.OperationalError("server closed the connection")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "down"


def _settings_in(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = (
        "import django, json; from django.conf import settings; django.setup();"
        "print(json.dumps({k: getattr(settings, k, None) for k in ['DEBUG', 'SESSION_COOKIE_SECURE',"
        "'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', 'HCP_COOKIE_SECURE']}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, "DJANGO_SETTINGS_MODULE": "besponsa.project.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _settings_in({"BESPONSA_ENV": "production", "ALLOWED_HOSTS": "hcp.example"})
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = _settings_in({"BESPONSA_ENV": "production", "SECRET_KEY": "x" * 50})
    assert result.returncode != 0 and "ALLOWED_HOSTS must be set" in result.stderr


def test_production_refuses_debug() -> None:
    env = {"BESPONSA_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "h", "DEBUG": "true"}
    result = _settings_in(env)
    assert result.returncode != 0 and "DEBUG cannot be turned on in production" in result.stderr


def test_a_malformed_boolean_is_refused_by_name() -> None:
    result = _settings_in({"BESPONSA_ENV": "development", "DEBUG": "perhaps"})
    assert result.returncode != 0 and "DEBUG must be one of" in result.stderr


def test_production_turns_on_secure_cookies_and_hsts() -> None:
    import json

    result = _settings_in(
        {"BESPONSA_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "hcp.example"}
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_SSL_REDIRECT": True,
        "HCP_COOKIE_SECURE": True,
    }


def test_hsts_header_is_sent_over_https_with_the_production_values(hcp_client: Client) -> None:
    from django.test import override_settings

    with override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True):
        fresh = Client()  # middleware reads its settings when the handler is built
        fresh.cookies = hcp_client.cookies
        response = fresh.get("/about/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_processes_starting_together_on_a_fresh_checkout_share_one_development_key(tmp_path: Path) -> None:
    """`make run` starts the server and its worker at once, and parallel test workers do too: every
    process must end up signing sessions and encrypting reports with the same key."""
    script = (
        "import django; from django.conf import settings; django.setup();"
        "print(settings.SECRET_KEY, settings.INTAKE_ENCRYPTION_KEYS[0])"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "INTAKE_ENCRYPTION_KEY"}}
    env = {**clean, "DJANGO_SETTINGS_MODULE": "besponsa.project.settings", "BESPONSA_ENV": "development"}
    env["BESPONSA_VAR_DIR"] = str(tmp_path / "var")
    starts = [
        subprocess.Popen([sys.executable, "-c", script], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    keys = {process.communicate(timeout=60)[0] for process in starts}
    assert all(process.returncode == 0 for process in starts)
    assert len(keys) == 1 and len(next(iter(keys)).split()) == 2
    assert sorted(p.name for p in (tmp_path / "var").iterdir() if "key" in p.name) == [
        "intake_key",
        "secret_key",
    ]
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o777 == 0o600
