"""Volunteers: a guardian's phone, leaving and erasing dates; consents become consent records.

A guardian's consent used to be only a date on the volunteer row. Each such date becomes a
consent record (the notice then in force, the guardian's name), kept by the privacy app.
"""

from django.db import migrations, models

# The notice in force when volunteers' consents were dates ("2025-07").
_CONSENTS_FROM_DATES = """
INSERT INTO catalog_consentrecord (
    subject_kind, subject_id, notice_version, accepted_at, subject_is_minor,
    guardian_name, guardian_phone, guardian_accepted_at, recorded_by_id, created_at
)
SELECT 'volunteer', v.id, '2025-07', v.guardian_consent_at, v.is_minor,
       v.guardian_name, '', v.guardian_consent_at, NULL, now()
FROM logistics_volunteer AS v
WHERE v.guardian_consent_at IS NOT NULL
ON CONFLICT DO NOTHING;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('logistics', '0001_initial'),
        ('privacy', '0003_choices'),
    ]

    operations = [
        migrations.AddField(
            model_name='volunteer',
            name='anonymised_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='volunteer',
            name='guardian_phone',
            field=models.CharField(blank=True, max_length=16, verbose_name='điện thoại cha mẹ/người giám hộ'),
        ),
        migrations.AddField(
            model_name='volunteer',
            name='left_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='thôi tham gia lúc'),
        ),
        migrations.AlterField(
            model_name='volunteer',
            name='guardian_consent_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='ngày cha mẹ đồng ý'),
        ),
        migrations.RunSQL(_CONSENTS_FROM_DATES, reverse_sql=migrations.RunSQL.noop),
    ]
