"""Item photos: type and size checked, re-encoded, thumbnail made on upload."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.photos import MAX_BYTES, item_photo_add, photo_check
from tests.catalog.factories import item_make
from tests.conftest import in_stall


def jpeg_upload(size=(1600, 1200), fmt="JPEG", name="anh.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.mark.django_db
def test_upload_makes_a_small_webp_thumbnail(stall_a):
    with in_stall(stall_a):
        photo = item_photo_add(item=item_make(), upload=jpeg_upload())
        with Image.open(photo.thumbnail.path) as thumb:
            assert thumb.format == "WEBP"
            assert max(thumb.size) == 320
        with Image.open(photo.image.path) as full:
            assert full.format == "JPEG"
            assert max(full.size) == 1280
        assert f"/{stall_a.schema_name}/" in photo.image.path


def test_a_text_file_is_not_a_photo():
    with pytest.raises(ValidationError) as refused:
        photo_check(SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg"))
    assert refused.value.code == "not_image"


def test_gif_is_refused():
    with pytest.raises(ValidationError) as refused:
        photo_check(jpeg_upload(size=(10, 10), fmt="GIF", name="a.gif"))
    assert refused.value.code == "bad_type"


def test_more_than_5_mb_is_refused():
    big = SimpleUploadedFile("big.jpg", b"\xff" * (MAX_BYTES + 1), content_type="image/jpeg")
    with pytest.raises(ValidationError) as refused:
        photo_check(big)
    assert refused.value.code == "too_big"
