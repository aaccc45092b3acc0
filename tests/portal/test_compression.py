"""Answers rendered per request leave gzip-compressed (portal/compression.py), as Django's GZipMiddleware
would send them: the same page once decompressed, with its BREACH padding, Vary and Content-Length."""

from __future__ import annotations

import gzip

from django.http import HttpRequest, HttpResponse
from django.test import Client

from besponsa.portal.compression import GZipMiddleware


def test_a_rendered_page_is_sent_compressed_and_reads_as_the_plain_page(reader: Client) -> None:
    plain = reader.get("/search/?q=dose")
    packed = reader.get("/search/?q=dose", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert "X-Page-Cache" not in packed  # rendered for this request, not served from the page cache
    assert packed["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert gzip.decompress(packed.content) == plain.content
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content) / 2
    assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in plain["Vary"]


def test_the_same_page_is_sent_at_different_lengths_against_breach(reader: Client) -> None:
    # Django's Heal-the-BREACH padding: a random number of bytes in each gzip header.
    lengths = {len(reader.get("/search/?q=dose", HTTP_ACCEPT_ENCODING="gzip").content) for _ in range(6)}
    assert len(lengths) > 1


def test_a_strong_etag_becomes_weak_and_short_or_encoded_bodies_pass_untouched() -> None:
    request = HttpRequest()
    request.META["HTTP_ACCEPT_ENCODING"] = "gzip"
    middleware = GZipMiddleware(lambda r: HttpResponse())

    tagged = HttpResponse(b"<p>long enough to compress</p>" * 20)
    tagged["ETag"] = '"v1"'
    sent = middleware.process_response(request, tagged)
    assert sent["ETag"] == 'W/"v1"' and sent["Content-Encoding"] == "gzip"

    short = middleware.process_response(request, HttpResponse(b"<p>short</p>"))
    assert "Content-Encoding" not in short and short.content == b"<p>short</p>"

    encoded = HttpResponse(b"x" * 500)
    encoded["Content-Encoding"] = "br"
    assert middleware.process_response(request, encoded).content == b"x" * 500
