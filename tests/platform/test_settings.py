"""Settings: Vietnamese formats, and production refusing to start unsafely."""

import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.utils import formats, translation

ROOT = Path(__file__).resolve().parents[2]


def test_vietnamese_dates_are_day_first():
    with translation.override("vi"):
        assert formats.date_format(dt.date(2025, 7, 5), "SHORT_DATE_FORMAT") == "05/07/2025"


def test_vietnamese_date_input_reads_day_before_month():
    class F(forms.Form):
        day = forms.DateField()

    with translation.override("vi"):
        form = F({"day": "05/07/2025"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == dt.date(2025, 7, 5)


def test_vietnamese_numbers_group_thousands_with_dots():
    with translation.override("vi"):
        assert formats.number_format(1234567, use_l10n=True, force_grouping=True) == "1.234.567"
        assert formats.number_format(Decimal("1234.5"), 1, use_l10n=True) == "1.234,5"


def test_default_language_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"


def _production_env(**extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "GIANHANG_TESTING", "GIANHANG_DEMO", "SECRET_KEY"}
    }
    env.update(extra)
    return env


def _load_settings(env) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT / "platform",
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _load_settings(_production_env(DJANGO_SETTINGS_MODULE="gianhang.settings"))
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = _load_settings(
        _production_env(DJANGO_SETTINGS_MODULE="gianhang.settings", SECRET_KEY="short")
    )
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_malformed_boolean_is_refused_by_name(value):
    result = _load_settings(
        _production_env(DJANGO_SETTINGS_MODULE="gianhang.settings", DEBUG=value)
    )
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_production_starts_with_a_strong_secret_key():
    result = _load_settings(
        _production_env(
            DJANGO_SETTINGS_MODULE="gianhang.settings",
            SECRET_KEY="x7Yq-" * 12,
            GIANHANG_PHONE_HASH_SALT="s" * 32,
            GIANHANG_SKETCH_KEY="k" * 32,
        )
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
