"""Structured logs: every line says which stall's schema it was written in."""

from __future__ import annotations

import io
import json
import logging

import pytest

from gianhang.logs import JsonFormatter, StallFilter
from tests.conftest import in_stall


@pytest.fixture
def captured():
    """A logger whose records go, filtered and formatted as in production, to a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(StallFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.deploy.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def _entries(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_line_written_inside_a_stall_carries_its_schema(stall_a, captured):
    logger, stream = captured
    with in_stall(stall_a):
        logger.info("đơn mới")
    (entry,) = _entries(stream)
    assert entry["schema"] == stall_a.schema_name == "stall_truong_a"
    assert entry["message"] == "đơn mới"


def test_lines_of_two_stalls_and_the_platform_each_name_their_own_schema(
    stall_a, stall_b, captured
):
    logger, stream = captured
    with in_stall(stall_a):
        logger.info("a")
    with in_stall(stall_b):
        logger.info("b")
    logger.info("platform")
    assert [(e["message"], e["schema"]) for e in _entries(stream)] == [
        ("a", "stall_truong_a"),
        ("b", "stall_truong_b"),
        ("platform", "public"),
    ]


def test_json_line_keeps_extra_fields_and_the_exception(db, captured):
    logger, stream = captured
    try:
        raise ValueError("hết hàng")
    except ValueError:
        logger.exception("không đặt được", extra={"order_code": "AB12CD"})
    (entry,) = _entries(stream)
    assert entry["order_code"] == "AB12CD"
    assert entry["level"] == "ERROR"
    assert "ValueError: hết hàng" in entry["exception"]
    assert entry["time"].endswith("+00:00")


def test_settings_choose_the_json_formatter_when_asked(settings):
    # The test run uses text lines; production (and GIANHANG_LOG_FORMAT=json) use JSON.
    assert settings.LOGGING["formatters"]["json"]["()"] == "gianhang.logs.JsonFormatter"
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["stall"]
