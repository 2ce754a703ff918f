"""Make the bare project's database: public schema, one tenant, items; print what was made.

    DATABASE_URL=... python -m bench.bare.prepare --stock N --items 24

Prints one JSON line: the tenant's host and its item ids. Run in its own process, because
the bare project has its own Django settings.
"""

import argparse
import json
import os
import sys


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stock", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=30)
    args = parser.parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bare.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.bare.customers.models import Client, Domain
    from bench.bare.shop.models import Item

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    public, _created = Client.objects.get_or_create(
        schema_name="public", defaults={"name": "public"}
    )
    Domain.objects.get_or_create(
        domain="localhost", defaults={"tenant": public, "is_primary": True}
    )
    shop = Client.objects.filter(schema_name="shop1").first()
    if shop is None:
        shop = Client.objects.create(schema_name="shop1", name="Shop 1")
        Domain.objects.create(domain="shop1.bench.test", tenant=shop, is_primary=True)
    connection.set_tenant(shop)
    if not Item.objects.exists():
        Item.objects.bulk_create(
            Item(
                title=f"Áo sơ mi học sinh số {n}",
                description="Còn tốt, sạch sẽ.",
                available=args.stock,
            )
            for n in range(args.items)
        )
    ids = list(Item.objects.order_by("pk").values_list("pk", flat=True))
    print(json.dumps({"host": "shop1.bench.test", "items": ids}))


if __name__ == "__main__":
    main(sys.argv[1:])
