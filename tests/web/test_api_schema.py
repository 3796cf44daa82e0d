"""schemathesis against the generated OpenAPI document: no 5xx, every response matches its
documented status, content type, headers and schema. Bounded: a few examples per operation."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

import migrations
from content.db import make_engine, make_session_factory
from scheduler.config import Settings
from tests.web.conftest import World, build_world
from web.app import create_app

EXAMPLES = int(os.environ.get("LOA_SCHEMATHESIS_EXAMPLES", "20"))
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
_state: dict[str, World] = {}


@pytest.fixture(scope="module")
def api_schema(
    tmp_path_factory: pytest.TempPathFactory, settings: Settings
) -> Iterator[schemathesis.BaseSchema]:
    path = tmp_path_factory.mktemp("schemathesis") / "loa.db"
    engine = make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine)
    with make_session_factory(engine)() as s:
        _state["world"] = build_world(s, settings)
    app = create_app(settings, engine, {"TESTING": True, "SECRET_KEY": "fuzz"})
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    engine.dispose()


def test_api_conforms(api_schema: schemathesis.BaseSchema) -> None:
    """Every operation, a bounded number of generated requests each, as an admin (all in scope)."""
    # The WSGI transport does not undo a zstd/brotli Content-Encoding (the app compresses for
    # clients that ask); the schema is about the content, so ask for it as it is.
    headers = {
        "Authorization": f"Bearer {_state['world'].tokens['admin']}",
        "Accept-Encoding": "identity",
    }
    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:2000])
    assert operations >= 18
    assert not failures, "\n\n".join(failures)
