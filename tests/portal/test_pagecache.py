"""The page cache in one process: what is stored, for whom, until when, and what never touches it."""

from __future__ import annotations

import gzip
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import Page, PageViewRestriction

from besponsa.portal import pagecache


def test_a_page_is_cached_and_served_compressed_to_clients_that_accept_gzip(reader: Client) -> None:
    first = reader.get("/about/")
    assert first["X-Page-Cache"] == "miss"
    plain = reader.get("/about/")
    assert plain["X-Page-Cache"] == "hit" and "Content-Encoding" not in plain
    packed = reader.get("/about/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert packed["X-Page-Cache"] == "hit" and packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3
    assert "Accept-Encoding" in packed["Vary"]
    assert packed["Content-Security-Policy"]  # the security headers are on cached answers too


def test_unknown_query_parameters_are_served_but_never_stored(reader: Client) -> None:
    reader.get("/about/")
    assert reader.get("/about/?utm_source=newsletter")["X-Page-Cache"] == "hit"  # marketing tags ignored
    for n in range(50):
        response = reader.get(f"/about/?flood={n}")
        assert response.status_code == 200 and "X-Page-Cache" not in response
    local = pagecache.store()
    assert isinstance(local, pagecache.LocalStore) and local.entry_count == 1


def test_the_local_store_is_bounded_in_entries_and_bytes(tmp_path: Any) -> None:
    store = pagecache.LocalStore(tmp_path / "stamp", max_entries=3, max_bytes=10_000)
    generation, _ = store.lookup("x")

    def entry(size: int) -> pagecache.Entry:
        return pagecache.Entry(generation, 2e9, (), b"a" * size, b"")

    for n in range(10):
        store.save(f"k{n}", entry(100), ttl=60)
    assert store.entry_count == 3 and store.lookup("k9")[1] is not None and store.lookup("k0")[1] is None
    store.save("big", entry(4_000), ttl=60)
    store.save("bigger", entry(5_000), ttl=60)
    assert store.byte_count <= 10_000
    store.save("too-big", entry(20_000), ttl=60)
    assert store.lookup("too-big")[1] is None


def test_each_bump_gives_a_new_generation_even_within_one_clock_tick(tmp_path: Any) -> None:
    store = pagecache.LocalStore(tmp_path / "stamp", max_entries=3, max_bytes=10_000)
    seen = {store.generation()}
    for _ in range(20):
        store.bump()
        seen.add(store.generation())
    assert len(seen) == 21


def test_an_unpublished_page_leaves_the_cache_at_once(reader: Client) -> None:
    reader.get("/about/")
    assert reader.get("/about/")["X-Page-Cache"] == "hit"
    Page.objects.get(url_path="/home/about/").specific.unpublish()
    assert reader.get("/about/").status_code == 404


def test_a_page_made_private_leaves_the_cache_at_once(reader: Client) -> None:
    reader.get("/about/")
    assert reader.get("/about/")["X-Page-Cache"] == "hit"
    page = Page.objects.get(url_path="/home/about/")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = reader.get("/about/")
    assert response.status_code == 302 and "X-Page-Cache" not in response


def test_the_sitemap_is_cached_and_a_page_unpublished_or_made_private_leaves_it_at_once(
    reader: Client,
) -> None:
    assert b"/about/</loc>" in reader.get("/sitemap.xml").content
    cached = reader.get("/sitemap.xml")
    assert cached["X-Page-Cache"] == "hit" and b"/dosing/</loc>" in cached.content
    Page.objects.get(url_path="/home/about/").specific.unpublish()
    assert b"/about/</loc>" not in reader.get("/sitemap.xml").content
    dosing = Page.objects.get(url_path="/home/dosing/")
    PageViewRestriction.objects.create(page=dosing, restriction_type=PageViewRestriction.LOGIN)
    listed = reader.get("/sitemap.xml").content
    assert b"/dosing/</loc>" not in listed and b"/efficacy/adult/</loc>" in listed


def test_a_cached_copy_is_never_served_at_or_after_its_not_after_instant(
    reader: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader.get("/about/")
    assert reader.get("/about/")["X-Page-Cache"] == "hit"
    page = Page.objects.get(url_path="/home/about/").specific
    deadline = pagecache.serving_deadline(page)
    assert deadline is not None
    monkeypatch.setattr(pagecache, "now", lambda: deadline.timestamp())
    fresh = reader.get("/about/")  # rendered again from the database, and not stored: it is too late
    assert fresh.status_code == 200 and "X-Page-Cache" not in fresh


def test_signed_in_answers_are_private_and_never_stored(reader: Client) -> None:
    user = get_user_model().objects.create_user("reader", "reader@example.org", "x" * 16)
    reader.force_login(user)
    for path in ("/about/", "/"):
        response = reader.get(path)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store" and "X-Page-Cache" not in response


class Forbidden(pagecache.LocalStore):
    """Any lookup, store or lock is a failure; /healthz may read the in-process state."""

    def lookup(self, key: str) -> Any:
        raise AssertionError("the page cache was used")

    save = begin_render = lookup


@pytest.mark.parametrize(
    "path", ["/healthz", "/static/portal/css/site.css", "/robots.txt", "/api/v1/openapi.json"]
)
def test_static_files_health_and_the_api_never_touch_the_cache(
    reader: Client, monkeypatch: pytest.MonkeyPatch, path: str, tmp_path: Any
) -> None:
    reader.get(path).close()  # the first answer teaches the process that this path is not a page
    monkeypatch.setattr(pagecache, "_store", Forbidden(tmp_path / "stamp", 1, 1))
    for _ in range(3):
        response = reader.get(path)
        response.close()  # static files are streamed from an open file
        assert response.status_code == 200


def test_single_flight_lets_one_render_run_per_page(tmp_path: Any) -> None:
    store = pagecache.LocalStore(tmp_path / "stamp", max_entries=3, max_bytes=10_000)
    assert store.begin_render("k") and not store.begin_render("k") and store.begin_render("other")
    store.end_render("k")
    assert store.begin_render("k")
