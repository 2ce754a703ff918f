"""gianhang geo load: load the administrative geography (offline, from the package)."""

from django.core.management.base import BaseCommand

from tenants.geography import geography_load


class Command(BaseCommand):
    help = "Nạp danh mục tỉnh, huyện, xã (cũ và mới) từ dữ liệu đi kèm."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load"])
        parser.add_argument("--replace", action="store_true")

    def handle(self, *args, **options):
        written = geography_load(replace=options["replace"])
        self.stdout.write(f"Đã nạp {written} đơn vị hành chính." if written else "Đã có dữ liệu.")
