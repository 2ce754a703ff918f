"""gianhang unit create|list: the union tree (province, district, ...) from the command line."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.models import Unit
from tenants.services import unit_get_or_create

KINDS = {
    "tinh": Unit.Kind.PROVINCE,
    "huyen": Unit.Kind.DISTRICT,
    "xa": Unit.Kind.COMMUNE,
    "truong": Unit.Kind.SCHOOL,
    "khac": Unit.Kind.OTHER,
    "trung-uong": Unit.Kind.CENTRAL,
}


class Command(BaseCommand):
    help = "Đơn vị Đoàn: tạo (create) và liệt kê (list) cây đơn vị."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Tạo một đơn vị (bỏ qua nếu mã đã có).")
        create.add_argument("--code", required=True, help="mã, ví dụ tien-giang/cai-be")
        create.add_argument("--name", required=True, help="tên, ví dụ “Huyện Đoàn Cái Bè”")
        create.add_argument("--kind", required=True, choices=sorted(KINDS), help="cấp đơn vị")
        create.add_argument("--parent", help="mã đơn vị cấp trên (bỏ trống với cấp tỉnh)")
        sub.add_parser("list", help="Liệt kê cây đơn vị.")

    def handle(self, *args, action, **options):
        return getattr(self, f"_{action}")(**options)

    def _create(self, *, code, name, kind, parent, **_o):
        parent_unit = None
        if parent:
            parent_unit = Unit.objects.filter(code=parent).first()
            if parent_unit is None:
                raise CommandError(f"Không có đơn vị cấp trên mã “{parent}”.")
        existed = Unit.objects.filter(code=code).exists()
        try:
            unit = unit_get_or_create(kind=KINDS[kind], name=name, code=code, parent=parent_unit)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        verb = "Đã có" if existed else "Đã tạo"
        self.stdout.write(self.style.SUCCESS(f"{verb} đơn vị {unit.code}: {unit.name}"))

    def _list(self, **_o):
        units = Unit.objects.order_by("path")
        for unit in units:
            self.stdout.write(f"{'  ' * unit.depth}{unit.code:40} {unit.name}")
        if not units:
            self.stdout.write("Chưa có đơn vị nào (tạo bằng: gianhang unit create).")
