from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("bench_upgrade", "0001_initial")]
    operations = [
        migrations.AddField("probe", "note", models.CharField(max_length=200, default="", blank=True)),
        migrations.AddField("probe", "priority", models.PositiveSmallIntegerField(default=0)),
        migrations.AddIndex(
            "probe", models.Index(fields=["priority", "created_at"], name="probe_priority_idx")
        ),
    ]
