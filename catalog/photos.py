"""Item photos: checked on upload, re-encoded without metadata, with a small thumbnail."""

from __future__ import annotations

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a bigger "photo" is a decompression bomb, not a picture of shoes
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
FULL_SIZE = 1280
THUMB_SIZE = 320


def photo_check(upload) -> None:
    """Refuse anything but a JPEG, PNG or WebP picture of at most 5 MB."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("Ảnh lớn hơn 5 MB. Hãy chọn ảnh nhỏ hơn hoặc chụp lại."), code="too_big"
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValidationError(
            _("Tệp này không phải ảnh JPEG, PNG hoặc WebP."), code="not_image"
        ) from exc
    finally:
        upload.seek(0)
    if kind not in ACCEPTED_FORMATS:
        raise ValidationError(_("Chỉ nhận ảnh JPEG, PNG hoặc WebP."), code="bad_type")
    if width * height > MAX_PIXELS:
        raise ValidationError(
            _("Ảnh quá lớn về kích thước. Hãy chọn ảnh nhỏ hơn."), code="too_many_pixels"
        )


def _encode(image: Image.Image, box: int, fmt: str, quality: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((box, box))
    out = io.BytesIO()
    copy.save(out, format=fmt, quality=quality, optimize=fmt == "JPEG")
    return out.getvalue()


def photo_renditions(upload) -> tuple[bytes, bytes]:
    """(full JPEG ≤1280px, thumbnail WebP ≤320px): upright, RGB, with no EXIF (no GPS)."""
    photo_check(upload)
    with Image.open(upload) as source:
        image = ImageOps.exif_transpose(source).convert("RGB")
    return _encode(image, FULL_SIZE, "JPEG", 82), _encode(image, THUMB_SIZE, "WEBP", 70)


@transaction.atomic
def item_photo_add(*, item, upload, position: int = 0):
    """Store a checked, re-encoded photo of an item and its thumbnail."""
    from catalog.models import ItemPhoto

    full, thumb = photo_renditions(upload)
    name = uuid.uuid4().hex
    photo = ItemPhoto(item=item, position=position)
    photo.image.save(f"{name}.jpg", ContentFile(full), save=False)
    photo.thumbnail.save(f"{name}.webp", ContentFile(thumb), save=False)
    photo.save()
    return photo


def photo_rerender(*, photo) -> None:
    """Replace a photo saved as uploaded (e.g. through the admin) by its clean renditions."""
    full, thumb = photo_renditions(photo.image.file)
    old = photo.image.name
    name = uuid.uuid4().hex
    photo.image.save(f"{name}.jpg", ContentFile(full), save=False)
    photo.thumbnail.save(f"{name}.webp", ContentFile(thumb), save=False)
    photo.save(update_fields=["image", "thumbnail"])
    if old and old != photo.image.name:
        photo.image.storage.delete(old)
