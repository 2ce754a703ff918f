"""Provision many stalls from a CSV file; a bad row is reported and skipped, never fatal."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tenants.models import AdminArea, Stall, Unit
from tenants.services import Provisioned, stall_provision

COLUMNS = ["slug", "name", "parent_unit", "commune_code", "latitude", "longitude", "officer_email"]
REQUIRED = ["slug", "name", "parent_unit"]


@dataclass
class ImportReport:
    created: list[Provisioned] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)

    @property
    def ok(self) -> bool:
        return not self.errors


def _float(value: str, column: str) -> float | None:
    value = (value or "").strip().replace(",", ".")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise ValidationError(
            _("Cột %(col)s phải là số, không phải “%(val)s”.") % {"col": column, "val": value}
        ) from None


def _row_provision(row: dict[str, str]) -> Provisioned | None:
    missing = [c for c in REQUIRED if not (row.get(c) or "").strip()]
    if missing:
        raise ValidationError(_("Thiếu cột bắt buộc: %(cols)s.") % {"cols": ", ".join(missing)})
    slug = row["slug"].strip().lower()
    parent_code = row["parent_unit"].strip()
    parent = Unit.objects.filter(code=parent_code).first()
    if parent is None:
        raise ValidationError(_("Không có đơn vị cấp trên mã “%(code)s”.") % {"code": parent_code})
    existing = Stall.objects.filter(slug=slug).select_related("unit").first()
    if existing is not None:
        if (
            existing.unit
            and existing.unit.parent_id == parent.pk
            and existing.name == row["name"].strip()
        ):
            return None  # already imported: running the same file again changes nothing
        raise ValidationError(_("Mã gian hàng “%(slug)s” đã được dùng.") % {"slug": slug})
    commune = None
    commune_code = (row.get("commune_code") or "").strip()
    if commune_code:
        commune = AdminArea.objects.filter(
            era=AdminArea.Era.CURRENT, level=AdminArea.Level.COMMUNE, code=commune_code
        ).first()
        if commune is None:
            raise ValidationError(_("Không có xã/phường mã “%(code)s”.") % {"code": commune_code})
    return stall_provision(
        slug=slug,
        name=row["name"],
        parent_unit=parent,
        commune=commune,
        latitude=_float(row.get("latitude", ""), "latitude"),
        longitude=_float(row.get("longitude", ""), "longitude"),
        officer_email=(row.get("officer_email") or "").strip() or None,
    )


def stall_import(
    *,
    rows: Iterable[tuple[int, dict[str, str]]],
    progress: Callable[[int, str], None] | None = None,
) -> ImportReport:
    report = ImportReport()
    seen: dict[str, int] = {}
    for line, row in rows:
        slug = (row.get("slug") or "").strip().lower()
        try:
            if slug and slug in seen:
                raise ValidationError(
                    _("Mã gian hàng “%(slug)s” trùng với dòng %(line)s.")
                    % {"slug": slug, "line": seen[slug]}
                )
            seen[slug] = line
            # Each row is its own transaction: one bad row rolls back only itself.
            with transaction.atomic():
                result = _row_provision(row)
        except ValidationError as exc:
            report.errors.append((line, " ".join(exc.messages)))
            status = "error"
        else:
            if result is None:
                report.unchanged.append(slug)
                status = "unchanged"
            else:
                report.created.append(result)
                status = "created"
        if progress is not None:
            progress(line, status)
    return report


def read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows with their line numbers in the file (the header is line 1)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        unknown = set(reader.fieldnames or []) - set(COLUMNS)
        missing = set(REQUIRED) - set(reader.fieldnames or [])
        if missing:
            raise ValidationError(
                _("Tệp CSV thiếu cột: %(cols)s. Các cột dùng được: %(all)s.")
                % {"cols": ", ".join(sorted(missing)), "all": ", ".join(COLUMNS)}
            )
        if unknown:
            raise ValidationError(
                _("Tệp CSV có cột lạ: %(cols)s. Các cột dùng được: %(all)s.")
                % {"cols": ", ".join(sorted(unknown)), "all": ", ".join(COLUMNS)}
            )
        return [(reader.line_num, dict(row)) for row in reader]
