"""Issue 17 item 5: gunicorn's own access log writes no query strings, credentials, tokens or emails,
whatever its format asks for: the logger class alone (no Django record factory needed), and gunicorn
started with the project's configuration file."""

from __future__ import annotations

import datetime as dt
import http.client
import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import SafeAtoms

from besponsa.accounts.gunicornlog import RedactingLogger
from tests.conftest import ROOT, SiteServer, _free_port

pytestmark = pytest.mark.heavy

# Every atom that can carry what a visitor sent: request line, path, query, referrer, user agent,
# credentials as headers and as environ, the Basic-auth user, and a redirect's Location.
EVERYTHING = (
    '%(h)s %(u)s "%(r)s" %(U)s q=%(q)s "%(f)s" "%(a)s" auth=%({authorization}i)s '
    "cookie=%({cookie}i)s env_auth=%({http_authorization}e)s env_q=%({query_string}e)s "
    "raw=%({raw_uri}e)s loc=%({location}o)s setcookie=%({set-cookie}o)s"
)
SECRETS = ("x@y.org", "bsp_live", "sessionid", "s3cr3t", "weight_kg", "grace", "abc123tok")


def _assert_clean(line: str) -> None:
    for secret in SECRETS:
        assert secret not in line, f"{secret!r} written to the access log: {line}"


def test_the_logger_class_cleans_every_atom_a_format_reads() -> None:
    config = Config()
    config.set("accesslog", "-")
    logger = RedactingLogger(config)
    query = "email=x@y.org&weight_kg=68"
    environ = {
        "REQUEST_METHOD": "GET", "RAW_URI": f"/tools/bsa/?{query}", "PATH_INFO": "/tools/bsa/",
        "QUERY_STRING": query, "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "203.0.113.9",
        "HTTP_AUTHORIZATION": "Bearer bsp_live_0123456789", "HTTP_COOKIE": "sessionid=s3cr3t",
        "HTTP_REFERER": f"https://example.org/accounts/verify/abc123tok/?{query}",
        "HTTP_USER_AGENT": "script grace@example.org",
    }  # fmt: skip
    request = SimpleNamespace(
        headers=[("AUTHORIZATION", "Bearer bsp_live_0123456789"), ("COOKIE", "sessionid=s3cr3t")]
    )
    response = SimpleNamespace(
        status="302 Found", sent=0,
        headers=[("Location", f"/accounts/login/?next=/tools/?{query}"), ("Set-Cookie", "sessionid=s3cr3t")],
    )  # fmt: skip
    # What gunicorn's Logger.access does: the format reads the atoms through the logger's wrapper.
    wrap = logger.atoms_wrapper_class
    line = EVERYTHING % wrap(logger.atoms(response, request, environ, dt.timedelta(milliseconds=12)))
    _assert_clean(line)
    # What an operator needs is still there: who, what path, the answer.
    assert "203.0.113.9" in line and "/tools/bsa/" in line and "q=[query]" in line
    # A Basic-auth user name (often an email address) is not written either.
    basic = {**environ, "HTTP_AUTHORIZATION": "Basic Z3JhY2VAZXhhbXBsZS5vcmc6cHc="}  # grace@example.org:pw
    assert wrap(logger.atoms(response, request, basic, dt.timedelta(0)))["u"] == "[user]"
    # Quoted as gunicorn quotes atoms, after cleaning; an atom nobody sent reads "-", as in gunicorn.
    quoted = wrap({"a": 'agent "x"', "{x-sent}i": "yes"})
    assert quoted["a"] == SafeAtoms({"a": 'agent "x"'})["a"] == 'agent \\"x\\"'
    assert quoted["{X-Sent}i"] == "yes" and quoted["{x-absent}i"] == "-" and quoted["b"] == "-"


def test_gunicorn_with_the_project_configuration_writes_a_clean_access_log(
    site_server: SiteServer, tmp_path: Path
) -> None:
    access_log = tmp_path / "access.log"
    port = _free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"), "-c", "python:besponsa.project.gunicorn", "-w", "1",
        "-b", f"127.0.0.1:{port}", "--access-logfile", str(access_log), "--access-logformat", EVERYTHING,
        "besponsa.project.wsgi:application",
    ]  # fmt: skip
    env = {**site_server.env, "WARM_UP_SECONDS": "0", "GUNICORN_CMD_ARGS": ""}
    with (tmp_path / "gunicorn.log").open("wb") as errors:
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=errors, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request(
                    "GET",
                    "/accounts/login/?email=x@y.org&weight_kg=68",
                    headers={"Authorization": "Bearer bsp_live_0123456789", "Cookie": "sessionid=s3cr3t"},
                )
                assert connection.getresponse().status < 500
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()[-2000:]
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        deadline = time.monotonic() + 10
        while "/accounts/login/" not in access_log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)  # gunicorn writes the line after the response
    finally:
        server.terminate()
        server.wait(timeout=30)
    line = access_log.read_text()
    assert "/accounts/login/" in line and "q=[query]" in line, line
    _assert_clean(line)
    assert os.path.getsize(access_log) > 0
