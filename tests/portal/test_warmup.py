"""Warm workers: what a fresh gunicorn worker renders before its first visitor (docs/operations.md)."""

from __future__ import annotations

import time

from django.test import Client

from besponsa.portal.warmup import warm_posts
from besponsa.project.gunicorn import warm_up


def test_a_warmed_worker_serves_its_first_visitor_from_the_page_cache(seeded: None) -> None:
    rendered = warm_up(["testserver"], deadline=time.monotonic() + 600)
    assert rendered > 20
    visitor = Client()
    visitor.post("/hcp-confirm/", {"answer": "yes", "next": "/"})
    for path in ("/", "/efficacy/adult/", "/dosing/", "/sitemap.xml"):
        assert visitor.get(path)["X-Page-Cache"] == "hit", path


def test_the_warm_up_renders_each_tool_result_not_a_form_error(reader: Client) -> None:
    for path, fields in warm_posts():
        response = reader.post(path, fields)
        assert response.status_code == 200, (path, response.status_code)
        assert b"data-tool-result" in response.content and b'aria-invalid="true"' not in response.content
