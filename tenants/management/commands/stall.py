"""gianhang stall create|import|list|backup|restore: provision, list, back up and restore stalls."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tenants.models import AdminArea, Stall, Unit
from tenants.services import ProvisioningError, stall_provision
from tenants.stall_import import read_csv, stall_import


class Command(BaseCommand):
    help = (
        "Tạo gian hàng (create), nhập nhiều gian hàng từ CSV (import), liệt kê (list), "
        "sao lưu một gian hàng (backup), khôi phục thành gian hàng mới (restore)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Tạo một gian hàng.")
        create.add_argument("--slug", required=True, help="mã, ví dụ thpt-nguyen-van-tiep")
        create.add_argument("--name", required=True, help="tên hiển thị")
        create.add_argument("--parent-unit", help="mã đơn vị cấp trên (tạo đơn vị trường mới)")
        create.add_argument("--unit", help="mã đơn vị đã có (thay cho --parent-unit)")
        create.add_argument("--commune-code", help="mã xã/phường hiện hành của trường")
        create.add_argument("--latitude", type=float)
        create.add_argument("--longitude", type=float)
        create.add_argument("--officer-email", help="email của cán bộ Đoàn trường đầu tiên")
        imp = sub.add_parser("import", help="Nhập nhiều gian hàng từ tệp CSV.")
        imp.add_argument("file", type=Path)
        imp.add_argument("--no-progress", action="store_true")
        sub.add_parser("list", help="Liệt kê gian hàng.")
        backup = sub.add_parser("backup", help="Sao lưu dữ liệu một gian hàng ra tệp (pg_dump).")
        backup.add_argument("slug", help="mã gian hàng")
        backup.add_argument("file", type=Path, help="tệp sao lưu sẽ ghi")
        backup.add_argument(
            "--format",
            dest="fmt",
            choices=["custom", "plain"],
            default="custom",
            help="custom (nén, mặc định) hoặc plain (SQL)",
        )
        restore = sub.add_parser("restore", help="Khôi phục tệp sao lưu thành một gian hàng mới.")
        restore.add_argument("file", type=Path, help="tệp tạo bởi “stall backup”")
        restore.add_argument("--slug", required=True, help="mã gian hàng mới (chưa dùng)")
        restore.add_argument("--name", help="tên hiển thị (mặc định: theo mã)")
        restore.add_argument(
            "--unit", help="mã đơn vị đã có, chưa có gian hàng (mặc định: đơn vị trong bản sao lưu)"
        )
        restore.add_argument("--parent-unit", help="mã đơn vị cấp trên (tạo đơn vị trường mới)")

    def handle(self, *args, action, **options):
        return getattr(self, f"_{action}")(**options)

    def _create(self, **o):
        unit = parent = commune = None
        if o["unit"]:
            unit = Unit.objects.filter(code=o["unit"]).first()
            if unit is None:
                raise CommandError(f"Không có đơn vị mã “{o['unit']}”.")
        elif o["parent_unit"]:
            parent = Unit.objects.filter(code=o["parent_unit"]).first()
            if parent is None:
                raise CommandError(f"Không có đơn vị cấp trên mã “{o['parent_unit']}”.")
        else:
            raise CommandError("Cần --parent-unit hoặc --unit.")
        if o["commune_code"]:
            commune = AdminArea.objects.filter(
                era=AdminArea.Era.CURRENT, level=AdminArea.Level.COMMUNE, code=o["commune_code"]
            ).first()
            if commune is None:
                raise CommandError(f"Không có xã/phường mã “{o['commune_code']}”.")
        try:
            result = stall_provision(
                slug=o["slug"],
                name=o["name"],
                unit=unit,
                parent_unit=parent,
                commune=commune,
                latitude=o["latitude"],
                longitude=o["longitude"],
                officer_email=o["officer_email"],
            )
        except ProvisioningError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Đã tạo gian hàng {result.stall.name}"))
        self.stdout.write(f"  địa chỉ: http://{result.domain}/")
        if result.officer_username:
            self.stdout.write(f"  cán bộ: {result.officer_username}")
        if result.officer_password:
            self.stdout.write(
                f"  mật khẩu tạm (đổi sau lần đăng nhập đầu): {result.officer_password}"
            )

    def _import(self, file: Path, no_progress: bool = False, **o):
        if not file.exists():
            raise CommandError(f"Không tìm thấy tệp {file}.")
        try:
            rows = read_csv(file)
        except (ValidationError, UnicodeDecodeError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else ["Tệp phải là UTF-8."]
            raise CommandError(" ".join(messages)) from None
        bar = tqdm(total=len(rows), unit="gian hàng", disable=no_progress, file=self.stderr._out)
        report = stall_import(rows=rows, progress=lambda line, status: bar.update(1))
        bar.close()
        for created in report.created:
            line = f"+ {created.stall.slug}  http://{created.domain}/"
            if created.officer_password:
                line += f"  {created.officer_username} / {created.officer_password}"
            self.stdout.write(line)
        for line_number, message in report.errors:
            self.stderr.write(self.style.ERROR(f"dòng {line_number}: {message}"))
        self.stdout.write(
            f"Tạo mới: {len(report.created)} · không đổi: {len(report.unchanged)} · "
            f"lỗi: {len(report.errors)}"
        )
        if report.errors:
            raise CommandError(
                f"{len(report.errors)} dòng bị lỗi và đã bỏ qua; các dòng khác đã nhập."
            )

    def _backup(self, slug: str, file: Path, fmt: str, **o):
        from tenants.backups import BackupError, stall_backup

        stall = Stall.objects.filter(slug=slug).exclude(schema_name="public").first()
        if stall is None:
            raise CommandError(f"Không có gian hàng mã “{slug}” (xem: gianhang stall list).")
        try:
            path = stall_backup(stall=stall, path=file, fmt=fmt)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sao lưu {stall.slug} ({stall.schema_name}) vào {path} "
                f"({path.stat().st_size / 1024:.0f} KiB)."
            )
        )

    def _restore(
        self,
        file: Path,
        slug: str,
        name: str | None,
        unit: str | None,
        parent_unit: str | None,
        **o,
    ):
        from tenants.backups import BackupError, stall_restore

        unit_obj = parent = None
        if unit:
            unit_obj = Unit.objects.filter(code=unit).first()
            if unit_obj is None:
                raise CommandError(f"Không có đơn vị mã “{unit}”.")
        elif parent_unit:
            parent = Unit.objects.filter(code=parent_unit).first()
            if parent is None:
                raise CommandError(f"Không có đơn vị cấp trên mã “{parent_unit}”.")
        try:
            restored = stall_restore(
                path=file, slug=slug, name=name, unit=unit_obj, parent_unit=parent
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        except ProvisioningError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        stall = restored.stall
        domain = stall.domains.filter(is_primary=True).values_list("domain", flat=True).first()
        self.stdout.write(self.style.SUCCESS(f"Đã khôi phục thành gian hàng {stall.slug}"))
        self.stdout.write(f"  địa chỉ: http://{domain}/")
        if stall.unit is not None:  # a restored stall always gets a unit
            self.stdout.write(f"  đơn vị: {stall.unit.code}")
        if restored.reattached:
            self.stdout.write(f"  đã gắn lại tài khoản: {', '.join(restored.reattached)}")
        if restored.missing:
            self.stdout.write(
                self.style.WARNING(
                    "  cần gắn lại (tài khoản không có trên hệ thống này, hãy tạo rồi cấp quyền): "
                    + ", ".join(restored.missing)
                )
            )
        if restored.domains_skipped:
            self.stdout.write(
                f"  tên miền phụ đang được dùng, không gắn lại: {', '.join(restored.domains_skipped)}"
            )

    def _list(self, **o):
        stalls = Stall.objects.exclude(schema_name="public").select_related("unit").order_by("slug")
        for stall in stalls:
            domain = stall.domains.filter(is_primary=True).values_list("domain", flat=True).first()
            self.stdout.write(f"{stall.slug:30} {stall.name:40} {domain}")
        if not stalls:
            self.stdout.write("Chưa có gian hàng nào (tạo bằng: gianhang stall create).")
