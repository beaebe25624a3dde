"""Static files (Dash's scripts, plotly.js, the CSS) compressed once and cached by browsers.

Measured before this module (issue 11): Flask-Compress compressed ``plotly.min.js`` (4.8 MB)
again on every request (~0.2 s of CPU with gzip), changed the ETag so that a conditional
request for the CSS got the whole body again, and Dash sent its unversioned chunks without
``Cache-Control``. Here, for the two static endpoints only:

- each file is compressed once per process (brotli, else gzip, as the browser accepts),
  kept in a small in-memory LRU, and served with ``Content-Encoding`` set, so Flask-Compress
  (which skips encoded responses) never touches it;
- the ETag names the representation (``"<etag>-br"``) and the request is evaluated against
  it, so a revalidation is a 304 without a body;
- fingerprinted files (Dash's ``.v4_4_1m1796127498.`` names, ``/assets/...?m=<mtime>``)
  are ``immutable`` for a year; others (Dash's async chunks, plotly.js) revalidate daily.

Public: these files are code and styles, no data, and are served before sign-in.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
from collections import OrderedDict

import brotli
from flask import Flask, Response, request

STATIC_ENDPOINTS = frozenset({"_dash_assets.static", "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>"})
COMPRESSIBLE = frozenset({"application/javascript", "text/javascript", "text/css", "application/json", "image/svg+xml", "text/plain"})
#: Dash's fingerprint in a file name: ``.v<version>m<mtime>.``.
FINGERPRINT = re.compile(r"\.v[0-9a-z_]+m[0-9]+\.")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=86400"
#: Compressed bodies kept per process (the whole app has about 40 static files).
ENTRIES = 64
MIN_SIZE = 1024


class _Compressed:
    def __init__(self) -> None:
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self._making: dict[tuple, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple, make) -> bytes:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            making = self._making.setdefault(key, threading.Lock())
        with making:  # requests for the same file at once wait for one compression
            with self._lock:
                if key in self._items:
                    return self._items[key]
            body = make()  # outside the main lock: brotli of plotly.js takes a moment
            with self._lock:
                self._items[key] = body
                self._making.pop(key, None)
                while len(self._items) > ENTRIES:
                    self._items.popitem(last=False)
        return body


def _encoding(accept: str) -> str | None:
    tokens = {part.split(";")[0].strip().lower() for part in accept.split(",") if "q=0" not in part.replace(" ", "")}
    return "br" if "br" in tokens else "gzip" if "gzip" in tokens else None


def _compress(data: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(data, quality=9)
    return gzip.compress(data, compresslevel=9, mtime=0)


def register_static_files(server: Flask) -> None:
    """Register after Flask-Compress: after-request functions run in reverse order, so this
    one sees the response first and leaves Flask-Compress nothing to do."""
    compressed = _Compressed()

    @server.after_request
    def _static(response: Response) -> Response:
        if request.endpoint not in STATIC_ENDPOINTS or request.method not in ("GET", "HEAD"):
            return response
        if response.status_code == 200:
            fingerprinted = bool(FINGERPRINT.search(request.path)) or "m" in request.args
            response.headers["Cache-Control"] = IMMUTABLE if fingerprinted else REVALIDATE
            response.direct_passthrough = False
            data = response.get_data()
            etag = response.get_etag()[0] or hashlib.sha256(data).hexdigest()[:32]
            encoding = _encoding(request.headers.get("Accept-Encoding", ""))
            response.vary.add("Accept-Encoding")
            if encoding and response.mimetype in COMPRESSIBLE and len(data) >= MIN_SIZE:
                # Keyed by the file (without Dash's fingerprint, which a client may vary at
                # will) and its ETag: a made-up fingerprint costs no second compression.
                body = compressed.get((FINGERPRINT.sub(".", request.path), etag, encoding), lambda: _compress(data, encoding))
                response.set_data(body)
                response.headers["Content-Encoding"] = encoding
                response.set_etag(f"{etag}-{encoding}")
            else:
                response.set_etag(etag)
            response.make_conditional(request)
        return response
