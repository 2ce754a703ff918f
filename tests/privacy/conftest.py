"""The privacy tests share the security suite's orders with real personal data."""

from tests.security.conftest import fresh_limits, order_factory  # noqa: F401
