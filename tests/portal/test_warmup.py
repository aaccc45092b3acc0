"""Warm workers: what a fresh gunicorn worker renders before its first visitor (docs/operations.md)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django.test.signals import template_rendered

from besponsa.portal.warmup import warm_posts
from besponsa.project.gunicorn import warm_up

pytestmark = pytest.mark.heavy


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


def test_a_warmed_worker_knows_where_its_own_address_leads_before_its_first_visitor(
    seeded: None, settings: Any, django_assert_num_queries: Any
) -> None:
    # gunicorn reports the Host header's port (here the bench's and chaos tests' direct use of a
    # worker's own address): an uncached page on it must not walk the page tree again.
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    warm_up(["127.0.0.1:8123"], deadline=time.monotonic() + 600)
    visitor = Client(HTTP_HOST="127.0.0.1:8123")
    visitor.post("/hcp-confirm/", {"answer": "yes", "next": "/"}, SERVER_PORT="8123")
    with django_assert_num_queries(0):
        response = visitor.get("/efficacy/adult/?uncached=1", SERVER_PORT="8123")
    assert response.status_code == 200 and "X-Page-Cache" not in response


def test_a_worker_pays_its_full_garbage_collection_during_the_warm_up_not_on_a_visitor() -> None:
    # What the warm-up leaves (the app, its caches, memoized pages) is frozen, so a collection during a
    # visitor's request does not walk it again (150 ms with the seeded site).
    import gc

    from besponsa.project.gunicorn import settle_memory

    try:
        settle_memory()
        assert gc.get_freeze_count() > 10_000
        garbage = [[] for _ in range(1000)]
        for item in garbage:
            item.append(item)  # cycles: only the collector frees them
        del garbage
        assert gc.collect() > 500  # what is made after the warm-up is still collected
    finally:
        gc.unfreeze()


def test_a_worker_whose_pages_another_worker_cached_still_renders_each_itself(seeded: None) -> None:
    # With Redis the page cache is shared: a second worker's warm-up is answered from it. It must still
    # render every page type itself (figures, templates), or its first uncached visitor pays for it.
    warm_up(["testserver"], deadline=time.monotonic() + 600)  # the first worker fills the cache
    rendered: list[str] = []

    def record(sender: Any, template: Any, **kwargs: Any) -> None:
        rendered.append(template.name)

    template_rendered.connect(record)
    try:
        warm_up(["testserver"], deadline=time.monotonic() + 600)  # the second, with the cache full
    finally:
        template_rendered.disconnect(record)
    assert {"portal/content_page.html", "portal/home_page.html", "portal/isi_page.html"} <= set(rendered)
