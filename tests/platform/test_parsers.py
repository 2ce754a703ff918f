"""The API's JSON parser: depth measured without recursion, strings ignored, early stop."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.exceptions import ParseError

from core.parsers import JSON_MAX_BYTES, JSONParser, RequestTooLarge, json_nesting_depth


def test_brackets_inside_strings_do_not_count():
    assert json_nesting_depth(b'[[["a[[[",{"b":"\\"[["}]]]') == 4


def test_a_hostile_body_stops_the_scan_early():
    assert json_nesting_depth(b"[" * 100_000, stop_above=16) == 17


nested = st.recursive(
    st.one_of(st.integers(), st.text(alphabet='[]{}"\\ab', max_size=6)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=20,
)


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


@given(nested)
def test_depth_matches_the_parsed_structure(value):
    assert json_nesting_depth(json.dumps(value).encode()) == _depth(value)


@pytest.mark.parametrize(
    "raw", [b"[" * 3000, b'{"a":' * 2000, b"NaN", b'{"x": 1e999}', b'"\\ud800"', b"\xff"]
)
def test_refused_bodies_are_parse_errors(raw):
    with pytest.raises(ParseError):
        JSONParser().parse(io.BytesIO(raw))


def test_a_body_past_the_limit_is_refused_unread():
    with pytest.raises(RequestTooLarge):
        JSONParser().parse(io.BytesIO(b" " * (JSON_MAX_BYTES + 1)))
    assert JSONParser().parse(io.BytesIO(b'{"a": [1, {"b": "c"}]}')) == {"a": [1, {"b": "c"}]}
