"""A postal batch's documents: the manifest (PDF, CSV) and the parcel labels."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from logistics import selectors
from logistics.labels import labels_pdf, manifest_csv, manifest_pdf
from logistics.models import PostalBatch
from logistics.views.common import pdf_response, sender_address, stall_name
from privacy.audit import audited
from tenants.permissions import stall_officer_required


@stall_officer_required
@audited(object_type="logistics.postalbatch", id_kwarg="batch_id", action="export")
def batch_document(request, batch_id: int, kind: str):
    batch = get_object_or_404(PostalBatch, pk=batch_id)
    parcels = list(selectors.batch_parcels(batch=batch).filter(returned_at__isnull=True))
    if kind == "bang-ke.pdf":
        return pdf_response(
            manifest_pdf(
                batch=batch,
                parcels=parcels,
                stall_name=stall_name(),
                sender_address=sender_address(),
            ),
            f"bang-ke-lo-{batch.pk}.pdf",
        )
    if kind == "bang-ke.csv":
        response = HttpResponse(manifest_csv(parcels=parcels), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="bang-ke-lo-{batch.pk}.csv"'
        return response
    if kind == "nhan.pdf":
        return pdf_response(
            labels_pdf(parcels=parcels, stall_name=stall_name(), sender_address=sender_address()),
            f"nhan-lo-{batch.pk}.pdf",
        )
    raise Http404
