"""Consent records, data-subject requests and the access log now belong to the privacy app.

State only: the tables and their rows stay where they are; privacy's models use them.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_privacy"),
        ("privacy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="AccessLog"),
                migrations.DeleteModel(name="ConsentRecord"),
                migrations.DeleteModel(name="DataRequest"),
            ],
        ),
    ]
