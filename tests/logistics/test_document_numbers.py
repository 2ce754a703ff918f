"""Weights and postage in the manifest and on labels as the reader's language writes them;
the manifest CSV keeps plain numbers for the post office's program."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from catalog.models import Order
from logistics.batches import batch_build
from logistics.labels import labels_pdf, manifest_csv, manifest_pdf
from logistics.models import Parcel
from logistics.selectors import batch_parcels
from tests.conftest import in_stall
from tests.logistics.factories import far_commune, order_make, stall_place

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _heavy_batch(stall):
    stall_place(stall)
    for _i in range(2):
        order_make(area=far_commune(), state=Order.State.PACKED, delivery="post")
    batch = batch_build()
    Parcel.objects.filter(batch=batch).update(weight_grams=1500, postage=23000)
    return batch, list(batch_parcels(batch=batch))


def test_the_manifest_and_labels_group_thousands_in_the_active_language(stall_a):
    with in_stall(stall_a):
        batch, parcels = _heavy_batch(stall_a)
        with translation.override("vi"):
            manifest = _text(
                manifest_pdf(batch=batch, parcels=parcels, stall_name="A", sender_address="B")
            )
            labels = _text(labels_pdf(parcels=parcels, stall_name="A", sender_address="B"))
        with translation.override("en"):
            manifest_en = _text(
                manifest_pdf(batch=batch, parcels=parcels, stall_name="A", sender_address="B")
            )
    assert "1.500" in manifest
    assert "23.000" in manifest
    assert "46.000" in manifest  # the total
    assert "1.500 g" in labels
    assert "1,500" not in manifest
    assert "46,000" in manifest_en


def test_the_manifest_csv_keeps_plain_numbers(stall_a):
    with in_stall(stall_a):
        _batch, parcels = _heavy_batch(stall_a)
        with translation.override("vi"):
            rows = list(csv.reader(io.StringIO(manifest_csv(parcels=parcels).decode("utf-8-sig"))))
    assert {(row[5], row[6]) for row in rows[1:]} == {("1500", "23000")}
