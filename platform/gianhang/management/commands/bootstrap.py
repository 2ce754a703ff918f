"""gianhang bootstrap: migrate public, the template and every stall; load geography.

Safe to run again at every release: each step is idempotent.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants.geography import geography_load
from tenants.services import public_tenant_ensure, stall_template_migrate


class Command(BaseCommand):
    help = "Chuẩn bị cơ sở dữ liệu: lược đồ chung, lược đồ mẫu, mọi gian hàng, danh mục hành chính."

    def add_arguments(self, parser):
        parser.add_argument(
            "--executor", default=None, help="planned (default) | standard | multiprocessing"
        )

    def handle(self, *args, **options):
        verbosity = max(0, options["verbosity"] - 1)
        self.stdout.write("1/4 lược đồ chung (public)…")
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        public_tenant_ensure()
        self.stdout.write("2/4 lược đồ mẫu cho gian hàng mới…")
        stall_template_migrate(verbosity=verbosity)
        self.stdout.write("3/4 các gian hàng…")
        # django-tenants reads no setting for this: pass GIANHANG_MIGRATION_EXECUTOR along.
        executor = options["executor"] or settings.TENANT_MIGRATION_EXECUTOR
        call_command(
            "migrate_schemas",
            tenant=True,
            interactive=False,
            verbosity=verbosity,
            executor=executor,
        )
        self.stdout.write("4/4 danh mục hành chính…")
        written = geography_load()
        self.stdout.write(self.style.SUCCESS(f"Xong ({written} đơn vị hành chính mới)."))
