"""The default shelves every stall starts with (the template schema carries them)."""

from django.db import migrations

DEFAULTS = [
    ("quan-ao", "Quần áo", "Clothes"),
    ("sach-tap-vo", "Sách & tập vở", "Books & notebooks"),
    ("mu-non", "Mũ nón", "Hats"),
    ("giay-dep", "Giày dép", "Shoes & sandals"),
    ("do-dung-hoc-tap", "Đồ dùng học tập", "School supplies"),
    ("khac", "Khác", "Other"),
]


def add_defaults(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    for position, (slug, name, name_en) in enumerate(DEFAULTS):
        Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
