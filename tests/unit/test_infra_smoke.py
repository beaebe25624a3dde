"""Smoke test of the test infrastructure: each backend's empty database answers SELECT 1."""

import sqlalchemy


def test_empty_database_answers_select_1(empty_database_url):
    engine = sqlalchemy.create_engine(empty_database_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sqlalchemy.text("SELECT 1")).scalar_one() == 1
    finally:
        engine.dispose()


def test_each_request_is_a_new_empty_database(empty_database_url, database_url_factory, request):
    backend = request.node.callspec.params["empty_database_url"]
    other = database_url_factory(backend)
    assert other != empty_database_url
    for url in (empty_database_url, other):
        engine = sqlalchemy.create_engine(url)
        try:
            assert sqlalchemy.inspect(engine).get_table_names() == []
        finally:
            engine.dispose()
