"""Property-based fuzzing of /api/v1 from its own OpenAPI document, against a running panel on a demo copy."""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from broadcast.db import make_engine, make_session_factory, transaction
from broadcast.models import User
from broadcast.province import central
from broadcast.receivers import intake
from broadcast.stations.lookup import get_station
from broadcast.stations.tokens import create_api_token
from broadcast.timeutil import SystemClock
from tests.processes import panel_process

pytestmark = pytest.mark.slow
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def running(tmp_path_factory, demo_template):
    """A panel process on a demo copy with three logged days; an admin's API token, a commune player's and a receiver's."""
    from tests.conftest import clone_settings, discard
    from tests.web.conftest import populate

    demo = clone_settings(demo_template, tmp_path_factory.mktemp("fuzz"))
    populate(demo)
    engine = make_engine(demo.db_url)
    with transaction(make_session_factory(engine)) as session:
        admin = session.query(User).filter_by(username="admin").one()
        _token, secret = create_api_token(session, admin, "fuzz", 1, SystemClock().now())
        station = get_station(session, "cam-tan")
        beside = {"edge_token": central.create_token(session, station, "fuzz", SystemClock().now()),
                  "receivers_token": intake.add_receiver(session, station, "thon-1", "Máy thu fuzz", SystemClock().now())[1]}
    engine.dispose()
    with panel_process(demo, LOAXA_API_RATE_LIMIT="100000 per minute") as base:  # the fuzzer calls faster than any station would
        yield base, secret, beside
    discard(demo)


def test_no_server_error_and_every_answer_matches_the_document(running):
    """Each operation of the document, a few generated requests each: with the token no 5xx and every answer as
    documented; without it, 401 problem+json for all (no read and no write without a valid token)."""
    base, secret, _beside = running
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
    operations = [op for op in (result.ok() for result in schema.get_all_operations()) if op.path.startswith("/api/v1/")]
    assert len(operations) >= 18
    multipart = {op.path for op in operations if op.body and "multipart/form-data" in {b.media_type for b in op.body}}
    assert multipart == {"/api/v1/stations/{station}/scripts/import", "/api/v1/stations/{station}/scripts/{script_id}/recordings", "/api/v1/bulletins/audio"}

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
        def check(case):  # type: ignore[no-untyped-def]
            if "station" in (case.path_parameters or {}):
                case.path_parameters["station"] = "cam-tan"  # the demo's station: past the guard, into the views
            case.call_and_validate(base_url=base, headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS)
            anonymous = case.call(base_url=base, headers={"Authorization": ""})
            assert anonymous.status_code == 401 and anonymous.headers["content-type"][0].startswith("application/problem+json")

        check()


def test_the_apis_beside_v1_answer_as_their_document_says(running):
    """The commune players' and receivers' APIs, in the same document: with their own token no 5xx and every answer
    as documented ({"error": sentence} on refusal); without it, 401 for all."""
    base, _secret, beside = running
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
    operations = [op for op in (result.ok() for result in schema.get_all_operations()) if not op.path.startswith("/api/v1/")]
    assert {(op.method.upper(), op.path) for op in operations} == {
        ("GET", "/api/edge/v1/plan"), ("GET", "/api/edge/v1/audio/{sha256}"), ("GET", "/api/edge/v1/log/head"),
        ("POST", "/api/edge/v1/log"), ("POST", "/api/edge/v1/status"), ("POST", "/api/receivers/v1/report")}
    for operation in operations:
        [scheme] = operation.definition.raw["security"][0]

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
        def check(case):  # type: ignore[no-untyped-def]
            case.call_and_validate(base_url=base, headers={"Authorization": f"Bearer {beside[scheme]}"}, checks=CHECKS)
            anonymous = case.call(base_url=base, headers={"Authorization": ""})
            assert anonymous.status_code == 401 and "error" in anonymous.json()

        check()


def test_the_document_is_served_by_the_running_panel(running):
    base, _secret, _beside = running
    assert requests.get(f"{base}/api/v1/openapi.json", timeout=10).json()["openapi"] == "3.1.0"
