"""Schemathesis fuzzes every documented route of the JSON API from its OpenAPI document
(served at /api/openapi.json): valid and invalid bodies, parameters and methods. No reply
may be a 5xx, and every reply must match the document (status, content type, schema)."""

from __future__ import annotations

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth, missing_required_header, positive_data_acceptance

from tests.assistant.web.conftest import login

pytestmark = pytest.mark.slow


class UniqueKeyLoader(yaml.SafeLoader):
    """YAML where a key given twice in one mapping is an error (PyYAML keeps the last)."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        duplicates = {k for k in keys if keys.count(k) > 1}
        if duplicates:
            raise yaml.constructor.ConstructorError(None, None, f"keys given twice: {duplicates}", node.start_mark)
        return super().construct_mapping(node, deep=deep)


def test_the_document_has_no_key_twice_and_every_route_documents_its_errors():
    from pathlib import Path

    text = (Path(__file__).parents[3] / "assistant" / "web" / "openapi.yml").read_text()
    spec = yaml.load(text, Loader=UniqueKeyLoader)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert "200" in operation["responses"] or "201" in operation["responses"], (path, method)
            if operation.get("requestBody"):
                assert "400" in operation["responses"], (path, method)


@pytest.fixture
def api_schema(app, tablet):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    return schema


@pytest.fixture
def credentials(client, tablet):
    """A tablet token for an open session, and a logged-in careers lead's session cookie."""
    login(client)
    return {"headers": tablet.headers, "cookies": {"session": client.get_cookie("session").value}}


schema = schemathesis.pytest.from_fixture("api_schema")
# Left out, each for a reason: a tablet without a token is told its link is not valid (404,
# as documented, like an unknown or expired token), not the 401 these two expect; and some
# rules are beyond the schema (a card must be in the catalogue, exactly one of text and
# card, speech_confidence only with input_mode speech), so a schema-valid body may get 400.
NOT_CHECKED = [missing_required_header, ignored_auth, positive_data_acceptance]


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_route_answers_5xx_or_strays_from_the_document(case, credentials):
    # Real credentials where the case sends some; a case that leaves them out keeps them out.
    headers, cookies = dict(case.headers or {}), dict(case.cookies or {})
    if "Authorization" in headers:
        headers["Authorization"] = credentials["headers"]["Authorization"]
    if "session" in cookies:
        cookies["session"] = credentials["cookies"]["session"]
    case.call_and_validate(headers=headers, cookies=cookies, excluded_checks=NOT_CHECKED)
