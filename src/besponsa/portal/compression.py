"""How answers rendered per request leave compressed (docs/operations.md, "Compression and BREACH").

Django's GZipMiddleware always compresses at gzip level 6 (`django.utils.text.compress_string`). A page
rendered per request is compressed once and sent once, so that level is paid on every request: 1.7 ms
for the 143 KB efficacy page, more than its render. So answers rendered per request are compressed by
ISA-L (the `isal` package: Intel's gzip-compatible deflate, standard gzip output any browser reads) at
its level 1: the 146 KB efficacy page in 0.15 ms and 25.7 KB, where zlib's level 1 took 0.82 ms for
26.8 KB and level 6 2.2 ms for 21.3 KB (a 39 KB planner result: 0.06 ms against 0.26; minimum of 5
rounds of 100 calls, this machine). Pages from the page cache are compressed once when
stored (`pagecache.compress`, zlib level 6) and pass through here untouched.
"""

from __future__ import annotations

import gzip
import secrets

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware import gzip as django_gzip
from django.utils.cache import patch_vary_headers
from isal import igzip

LEVEL = 1


def compress(body: bytes, max_random_bytes: int) -> bytes:
    """gzip at ISA-L's `LEVEL`, with the padding Django adds against BREACH (Heal-the-BREACH): a file
    name of a random number of bytes (0 to max_random_bytes - 1) in the gzip header, so the same page is sent
    at a different length from one response to the next."""
    packed = igzip.compress(body, compresslevel=LEVEL, mtime=0)
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
