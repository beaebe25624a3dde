"""Serving the boundary files to the browser as static, cacheable files.

Figures never carry geometry (ENGINEERING-NOTES: 7.8 MB per response embedded, 15.9 KB by
URL): a choropleth says ``geojson="/geodata/provinces.geojson"`` and plotly.js fetches that
URL once per page. These routes make the fetch cheap:

=====================================  ========  ==============  ===================
URL                                    features  raw bytes       gzip bytes (level 9)
=====================================  ========  ==============  ===================
``/geodata/provinces.geojson``         38        1,433,344       448,074 (31 %)
``/geodata/regencies.geojson``         514       2,180,323       642,753 (29 %)
``/geodata/regencies/<code>.geojson``  4-38      6,341-154,466   1,754-45,931 (~30 %)
=====================================  ========  ==============  ===================

Measured on the files of ``../shared/geodata`` of 2026-11-24. The smallest subset is DIY
(34), the largest Kepulauan Riau (21, its thousands of islands); all 38 subsets together
are 2,181,914 bytes raw, 651,669 gzipped. The first request pays for reading and gzipping
(about 0.2 s per whole file; 0.3 s to parse and group the regency file for the first
per-province request, then a few ms per province).

Why this shape:

* **Bytes read once, compressed once.** Each file is read and gzipped (level 9, ``mtime=0``
  so every worker process produces identical bytes) on its first request and then kept in
  memory: at most about 10 MB per process (raw and gzip of both files and of the
  subsets, and the grouped regency lines), against 0.2 s of gzip per request otherwise.
  The files are not re-read when they change on disk; restart the app after replacing
  them.
* **Unchanged content.** The whole files are served byte for byte: their clockwise outer
  rings are deliberate (plotly's geo traces paint the globe otherwise) and must not be
  "fixed". The per-province file keeps the source's one-feature-per-line layout; each
  feature is re-serialised from the parsed JSON with compact separators, which reproduces
  the source line exactly (a test checks it), so coordinates and winding are untouched.
* **Our own gzip, not flask-compress.** The server's flask-compress (1.25) compresses a
  response only when its mimetype is in ``COMPRESS_MIMETYPES`` *and* it has no
  ``Content-Encoding`` yet. These responses are ``application/geo+json`` (not in the list)
  and the gzip ones already carry ``Content-Encoding: gzip``, so flask-compress leaves
  them alone either way (no double compression, no 0.2 s per request of recompression).
* **HTTP caching.** ``Cache-Control: private, max-age=86400`` (private: the routes need a
  sign-in, so no shared cache may hand them to anyone else) plus a strong ``ETag`` (a hash
  of the uncompressed bytes; the gzip representation gets its own tag, as RFC 9110 wants
  for a different representation) and ``Vary: Accept-Encoding``; ``If-None-Match`` gives
  a 304. A wall screen refreshing all day therefore downloads the geometry once a day.
* **Clear 404s.** An unknown province code, or a ``GEODATA_DIR`` without the files, gives
  a JSON ``{"error": ...}`` with status 404 (the page then uses the tile-grid map). The
  server's path is logged, not sent to the browser.

The licence files that must travel with any copy of the boundary files (SOURCES.md,
"Attribution a product must show or ship") are served beside them, the same way, as
``/geodata/LICENSE-cahyadsn-wilayah_boundaries.txt``, ``/geodata/LICENSE-idn-area-data.txt``
and ``/geodata/SOURCES.md``: serving the GeoJSON is distributing a copy.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, jsonify, request

from geodata.boundaries import LICENSE_FILES, PROVINCES_FILE, REGENCIES_FILE

log = logging.getLogger(__name__)

GEOJSON_MIMETYPE = "application/geo+json"
TEXT_MIMETYPE = "text/plain"
CACHE_CONTROL = "private, max-age=86400"
GZIP_LEVEL = 9
SOURCES_FILE = "SOURCES.md"
#: Files served as they are, by URL name.
_STATIC_FILES: dict[str, str] = {
    PROVINCES_FILE: GEOJSON_MIMETYPE,
    REGENCIES_FILE: GEOJSON_MIMETYPE,
    **{name: TEXT_MIMETYPE for name in (*LICENSE_FILES, SOURCES_FILE)},
}
_COLLECTION_HEAD = '{"type":"FeatureCollection","features":[\n'
_COLLECTION_TAIL = "\n]}\n"


@dataclass(frozen=True)
class Representations:
    """One served file: its bytes as they are and gzipped, and their strong ETags."""

    identity: bytes
    gzipped: bytes
    etag: str
    gzip_etag: str

    @classmethod
    def of(cls, data: bytes) -> Representations:
        digest = hashlib.sha256(data).hexdigest()[:32]
        return cls(data, gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0), digest, f"{digest}-gzip")


class GeodataStore:
    """The served files of one ``GEODATA_DIR``, built lazily and kept in memory.

    Thread-safe (gunicorn threads, Flask's threaded dev server): a lock makes sure each
    file is read and compressed once. Missing files are not remembered, so files put in
    place after start-up are picked up on the next request.
    """

    def __init__(self, geodata_dir: Path) -> None:
        self.geodata_dir = Path(geodata_dir)
        self._lock = threading.Lock()
        self._files: dict[str, Representations] = {}
        self._regency_lines: dict[str, list[str]] | None = None
        self._provinces: dict[str, Representations] = {}

    def file(self, name: str) -> Representations | None:
        """One of the files of :data:`_STATIC_FILES`; ``None`` when it is not on disk."""
        with self._lock:
            return self._file_locked(name)

    def _file_locked(self, name: str) -> Representations | None:
        if name not in self._files:
            path = self.geodata_dir / name
            if not path.is_file():
                log.warning("boundary file %s not found (GEODATA_DIR=%s)", name, self.geodata_dir)
                return None
            self._files[name] = Representations.of(path.read_bytes())
        return self._files[name]

    def province_codes(self) -> set[str] | None:
        """Province codes that have regencies; ``None`` when the regency file is missing."""
        with self._lock:
            lines = self._regency_lines_locked()
            return None if lines is None else set(lines)

    def province(self, province_code: str) -> Representations | None:
        """The FeatureCollection of one province's regencies; ``None`` if there are none."""
        with self._lock:
            if province_code not in self._provinces:
                lines = self._regency_lines_locked()
                if lines is None or province_code not in lines:
                    return None
                text = _COLLECTION_HEAD + ",\n".join(lines[province_code]) + _COLLECTION_TAIL
                self._provinces[province_code] = Representations.of(text.encode("utf-8"))
            return self._provinces[province_code]

    def _regency_lines_locked(self) -> dict[str, list[str]] | None:
        """Each regency feature as one compact JSON line, grouped by ``province_code``."""
        if self._regency_lines is None:
            regencies = self._file_locked(REGENCIES_FILE)
            if regencies is None:
                return None
            grouped: dict[str, list[str]] = {}
            for feature in json.loads(regencies.identity)["features"]:
                code = str(feature["properties"]["province_code"])
                # Compact separators and no ASCII escaping reproduce the source's lines;
                # the geometry is only parsed and written back, never re-oriented.
                grouped.setdefault(code, []).append(json.dumps(feature, separators=(",", ":"), ensure_ascii=False))
            self._regency_lines = grouped
        return self._regency_lines


def _not_found(message: str) -> Response:
    response = jsonify(error=message)
    response.status_code = 404
    # A GEODATA_DIR may be filled later: do not let a browser cache the absence.
    response.headers["Cache-Control"] = "no-store"
    return response


def _send(representations: Representations, mimetype: str) -> Response:
    """The gzip or identity representation, or a 304, with caching headers."""
    use_gzip = request.accept_encodings["gzip"] > 0  # q-values and "*" handled by werkzeug
    body, etag = (
        (representations.gzipped, representations.gzip_etag) if use_gzip else (representations.identity, representations.etag)
    )
    if request.if_none_match.contains_weak(etag):  # If-None-Match uses weak comparison
        response = Response(status=304)
    else:
        response = Response(body, mimetype=mimetype)
        if use_gzip:
            # Also what tells flask-compress that this response is already encoded.
            response.headers["Content-Encoding"] = "gzip"
    response.set_etag(etag, weak=False)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.headers["Vary"] = "Accept-Encoding"
    return response


def register_geodata_routes(server: Flask, geodata_dir: Path) -> None:
    """Serve the boundary files of ``geodata_dir`` on ``server``.

    * ``GET /geodata/provinces.geojson``: the 38 provinces, the file as it is.
    * ``GET /geodata/regencies.geojson``: the 514 kabupaten/kota, the file as it is.
    * ``GET /geodata/regencies/<province_code>.geojson``: the kabupaten/kota of one
      province (``/geodata/regencies/32.geojson``), for the province drill-down.
    * ``GET /geodata/LICENSE-cahyadsn-wilayah_boundaries.txt``,
      ``/geodata/LICENSE-idn-area-data.txt``, ``/geodata/SOURCES.md``: the notices that
      must accompany the files.

    Plain Flask, no Dash: call it on ``app.server`` (or any Flask app in a test). Nothing
    is read until the first request.
    """
    store = GeodataStore(geodata_dir)

    def static_file(name: str) -> Response:
        representations = store.file(name)
        if representations is None:
            return _not_found(f"{name} is not available on this server (GEODATA_DIR holds no boundary files)")
        return _send(representations, _STATIC_FILES[name])

    def province_regencies(province_code: str) -> Response:
        representations = store.province(province_code)
        if representations is None:
            if store.province_codes() is None:
                return _not_found(f"{REGENCIES_FILE} is not available on this server (GEODATA_DIR holds no boundary files)")
            return _not_found(f"no kabupaten/kota boundaries for province code {province_code!r} (codes look like '32')")
        return _send(representations, GEOJSON_MIMETYPE)

    for name in _STATIC_FILES:
        server.add_url_rule(
            f"/geodata/{name}",
            endpoint=f"geodata_file_{name}",
            view_func=lambda name=name: static_file(name),
            methods=["GET"],
        )
    server.add_url_rule(
        "/geodata/regencies/<province_code>.geojson",
        endpoint="geodata_province_regencies",
        view_func=province_regencies,
        methods=["GET"],
    )
