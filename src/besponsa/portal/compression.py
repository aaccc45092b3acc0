"""How answers rendered per request leave compressed (docs/operations.md, "Compression and BREACH").

Django's GZipMiddleware always compresses at gzip level 6 (`django.utils.text.compress_string`). A page
rendered per request is compressed once and sent once, so that level is paid on every request: 1.7 ms
for the 143 KB efficacy page, more than its render. Level 1 costs about a third of that for a body
about a quarter larger (27 KB instead of 21 KB for that page). Pages from the page cache are compressed
once when stored (`pagecache.compress`, level 6) and pass through here untouched.
"""

from __future__ import annotations

import gzip
import secrets

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware import gzip as django_gzip
from django.utils.cache import patch_vary_headers

LEVEL = 1


def compress(body: bytes, max_random_bytes: int) -> bytes:
    """gzip at `LEVEL`, with the padding Django adds against BREACH (Heal-the-BREACH): a file name of a
    random number of bytes (0 to max_random_bytes - 1) in the gzip header, so the same page is sent
    at a different length from one response to the next."""
    packed = gzip.compress(body, compresslevel=LEVEL, mtime=0)
    header = bytearray(packed[:10])
    header[3] = gzip.FNAME
    return bytes(header) + b"a" * secrets.randbelow(max_random_bytes) + b"\x00" + packed[10:]


class GZipMiddleware(django_gzip.GZipMiddleware):
    """Django's GZipMiddleware with one change: a complete body is compressed at `LEVEL`. The checks,
    their order, Vary, Content-Length, the weakened ETag and the random padding are Django's; every case
    that does not compress a complete body here (short or already encoded bodies, clients that do not
    accept gzip, streaming answers) is left to Django's own code."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if (
            not isinstance(response, HttpResponse)  # a streaming answer
            or len(response.content) < 200
            or response.has_header("Content-Encoding")
            or not django_gzip.re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        ):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Encoding",))
        packed = compress(response.content, self.max_random_bytes)
        if len(packed) >= len(response.content):
            return response  # not worth it: sent as it is (Vary already says it depends on the client)
        response.content = packed
        response.headers["Content-Length"] = str(len(packed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag  # RFC 9110 8.8.1: the encoded body is not the same bytes
        response.headers["Content-Encoding"] = "gzip"
        return response
