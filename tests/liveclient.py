"""A small HTTP client for tests against a real server process: cookies, the gate, CSRF, and a chosen
loopback source address (127.0.0.0/8 is all loopback on Linux), so throttle tests can act as distinct
clients without touching the throttle state of other tests that share the server."""

from __future__ import annotations

import http.client
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


@dataclass
class LiveClient:
    base_url: str
    source_ip: str = "127.0.0.1"
    timeout: float = 30.0
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        parts = urlsplit(self.base_url)
        conn = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1",
            parts.port,
            timeout=self.timeout,
            source_address=(self.source_ip, 0),
        )
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    pair = value.split(";", 1)[0]
                    key, _, val = pair.partition("=")
                    if val in {"", '""'}:
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = val
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            conn.close()

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post_form(self, path: str, data: dict[str, str], *, form_page: str | None = None) -> Answer:
        """POSTs a form with a CSRF token read from `form_page` (default: the same path)."""
        token = self.csrf_token(form_page or path)
        body = urlencode({"csrfmiddlewaretoken": token, **data}).encode()
        return self.request(
            "POST",
            path,
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.base_url + path},
        )

    def post_json(self, path: str, value: object, headers: dict[str, str] | None = None) -> Answer:
        return self.request(
            "POST", path, json.dumps(value).encode(), {"Content-Type": "application/json", **(headers or {})}
        )

    def csrf_token(self, page: str) -> str:
        answer = self.get(page)
        match = CSRF_FIELD.search(answer.body.decode(errors="replace"))
        if match is None:
            raise AssertionError(f"no CSRF token on {page} ({answer.status})")
        return match.group(1)

    def pass_gate(self) -> LiveClient:
        answer = self.post_form(
            "/hcp-confirm/", {"answer": "yes", "next": "/"}, form_page="/hcp-confirm/?next=/"
        )
        assert answer.status == 302, answer.status
        return self

    def sign_in(self, email: str, password: str) -> Answer:
        return self.post_form("/accounts/login/", {"username": email, "password": password})
