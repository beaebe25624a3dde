"""``/geodata/...``: the boundary files served unchanged, gzipped once, cacheable, and 404s
that say why. Each test builds its own plain Flask app (and one the real factory)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from flask import Flask
from flask_compress import Compress

from dashboard.settings import get_settings
from geodata import register_geodata_routes
from geodata.boundaries import LICENSE_FILES, PROVINCES_FILE, REGENCIES_FILE
from tests import auth

GEODATA: Path = get_settings().geodata_dir
GZIP = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # what Chromium sends


def _client(geodata_dir: Path, *, compress_mimetypes: list[str] | None = None):
    server = Flask("test")
    if compress_mimetypes is not None:
        server.config["COMPRESS_MIMETYPES"] = compress_mimetypes
        Compress(server)
    register_geodata_routes(server, geodata_dir)
    return server.test_client()


@pytest.fixture(scope="module")
def client():
    return _client(GEODATA)


def _exterior_ring_signed_area(ring: list[list[float]]) -> float:
    """Shoelace area in lon/lat: negative for a clockwise ring."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2


@pytest.mark.parametrize("name", [PROVINCES_FILE, REGENCIES_FILE])
def test_whole_files_are_served_unchanged_with_caching_headers(client, name):
    source = (GEODATA / name).read_bytes()
    response = client.get(f"/geodata/{name}")
    assert response.status_code == 200
    assert response.data == source  # byte for byte: clockwise rings untouched
    assert response.mimetype == "application/geo+json"
    assert "Content-Encoding" not in response.headers
    assert response.headers["Cache-Control"] == "private, max-age=86400"
    assert response.headers["Vary"] == "Accept-Encoding"
    etag, weak = response.get_etag()
    assert etag and not weak


@pytest.mark.parametrize("name", [PROVINCES_FILE, REGENCIES_FILE])
def test_gzip_when_the_client_accepts_it(client, name):
    source = (GEODATA / name).read_bytes()
    response = client.get(f"/geodata/{name}", headers=GZIP)
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data) == source
    assert len(response.data) < 0.35 * len(source)
    assert response.get_etag()[0] != client.get(f"/geodata/{name}").get_etag()[0]  # another representation
    assert client.get(f"/geodata/{name}", headers={"Accept-Encoding": "gzip;q=0, br"}).data == source


def test_if_none_match_gives_304(client):
    for headers in ({}, GZIP):
        first = client.get("/geodata/provinces.geojson", headers=headers)
        etag = first.get_etag()[0]
        for validator in (f'"{etag}"', f'W/"{etag}"', f'"other", "{etag}"', "*"):
            again = client.get("/geodata/provinces.geojson", headers={**headers, "If-None-Match": validator})
            assert again.status_code == 304 and again.data == b""
            assert again.get_etag()[0] == etag and again.headers["Cache-Control"] == "private, max-age=86400"
        assert client.get("/geodata/provinces.geojson", headers={**headers, "If-None-Match": '"stale"'}).status_code == 200


def test_per_province_file_holds_exactly_that_provinces_regencies_unchanged(client):
    source = json.loads((GEODATA / REGENCIES_FILE).read_bytes())["features"]
    source_lines = set((GEODATA / REGENCIES_FILE).read_text(encoding="utf-8").splitlines())
    response = client.get("/geodata/regencies/32.geojson", headers=GZIP)
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    body = gzip.decompress(response.data).decode("utf-8")
    document = json.loads(body)
    expected = [f for f in source if f["properties"]["province_code"] == "32"]
    assert document["type"] == "FeatureCollection"
    assert document["features"] == expected  # same features, same order, same coordinates
    assert len(expected) == 27
    # Each feature is the source's own line (the source has one feature per line).
    for line in body.splitlines()[1:-1]:
        assert line in source_lines or line + "," in source_lines
    # Winding kept: every exterior ring clockwise, as in the source.
    for feature in document["features"]:
        for polygon in feature["geometry"]["coordinates"] if feature["geometry"]["type"] == "MultiPolygon" else [feature["geometry"]["coordinates"]]:
            assert _exterior_ring_signed_area(polygon[0]) < 0


def test_the_38_subsets_together_are_the_514_regencies(client):
    codes = []
    for province in sorted({f["properties"]["province_code"] for f in json.loads((GEODATA / REGENCIES_FILE).read_bytes())["features"]}):
        response = client.get(f"/geodata/regencies/{province}.geojson")
        assert response.status_code == 200 and response.get_etag()[0]
        codes += [f["properties"]["code"] for f in json.loads(response.data)["features"]]
    assert len(codes) == len(set(codes)) == 514


@pytest.mark.parametrize("code", ["99", "abc", "32.01", "3"])
def test_unknown_province_code_is_a_json_404(client, code):
    response = client.get(f"/geodata/regencies/{code}.geojson")
    assert response.status_code == 404 and response.is_json
    assert "province code" in response.get_json()["error"]
    assert response.headers["Cache-Control"] == "no-store"


def test_empty_geodata_dir_gives_404s_then_serves_files_put_in_place_later(tmp_path):
    client = _client(tmp_path)
    for url in ("/geodata/provinces.geojson", "/geodata/regencies.geojson", "/geodata/regencies/32.geojson",
                "/geodata/LICENSE-idn-area-data.txt"):
        response = client.get(url, headers=GZIP)
        assert response.status_code == 404 and response.is_json, url
        message = response.get_json()["error"]
        assert "not available" in message and "GEODATA_DIR" in message
        assert str(tmp_path) not in message  # the server's path stays in the log
    # Files linked in later (never copied) are served without a restart ...
    for name in (PROVINCES_FILE, REGENCIES_FILE):
        (tmp_path / name).symlink_to(GEODATA / name)
    assert client.get("/geodata/regencies/32.geojson").status_code == 200
    # ... and then kept in memory: read once.
    (tmp_path / PROVINCES_FILE).unlink()
    assert client.get("/geodata/provinces.geojson").status_code == 404  # was never requested
    (tmp_path / REGENCIES_FILE).unlink()
    assert client.get("/geodata/regencies.geojson").data == (GEODATA / REGENCIES_FILE).read_bytes()


def test_licence_notices_are_served_beside_the_files(client):
    for name in (*LICENSE_FILES, "SOURCES.md"):
        response = client.get(f"/geodata/{name}")
        assert response.status_code == 200 and response.mimetype == "text/plain"
        assert response.data == (GEODATA / name).read_bytes()
    assert client.get("/geodata/other.txt").status_code == 404


@pytest.mark.parametrize(
    "mimetypes",
    [
        ["text/html", "text/css", "application/javascript", "text/javascript", "application/json"],  # the app's
        ["application/json", "application/geo+json", "text/plain"],  # even if someone adds ours
    ],
)
def test_flask_compress_does_not_compress_twice(mimetypes):
    client = _client(GEODATA, compress_mimetypes=mimetypes)
    source = (GEODATA / PROVINCES_FILE).read_bytes()
    response = client.get("/geodata/provinces.geojson", headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data) == source  # one layer of gzip, not two
    assert response.headers["Vary"] == "Accept-Encoding"
    etag = response.get_etag()[0]
    assert client.get("/geodata/provinces.geojson", headers={**GZIP, "If-None-Match": f'"{etag}"'}).status_code == 304


def test_the_app_serves_the_routes(tmp_path):
    from dashboard.factory import create_app

    from dashboard.store.database import init_database

    url = f"sqlite:///{tmp_path}/app.sqlite"
    init_database(url)
    app = create_app(auth.settings(url, geodata_dir=GEODATA))
    client = app.server.test_client()
    assert client.get("/geodata/regencies/31.geojson").status_code == 401  # signed in only
    auth.sign_in(client, url)
    response = client.get("/geodata/regencies/31.geojson", headers=GZIP)
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.data))["features"]) == 6  # DKI Jakarta
    topojson = client.get("/assets/topojson/world_110m.json")
    assert topojson.status_code == 200 and json.loads(topojson.data)["type"] == "Topology"
