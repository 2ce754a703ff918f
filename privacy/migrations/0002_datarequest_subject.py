"""A data-subject request names its subject by kind and id, like a consent record.

The request table had a foreign key to orders; privacy sits below catalog, so the column
(still ``order_id``) becomes a plain id, the pending-request rule counts the subject's
kind, and each request gets the order code officers look for.
"""

from django.db import migrations, models

_DROP_ORDER_FK = """
DO $$
DECLARE fk record;
BEGIN
    FOR fk IN
        SELECT con.conname FROM pg_constraint con
        JOIN pg_class rel ON rel.oid = con.conrelid
        JOIN pg_namespace nsp ON nsp.oid = rel.relnamespace
        WHERE con.contype = 'f' AND rel.relname = 'catalog_datarequest'
          AND nsp.nspname = current_schema()
    LOOP
        EXECUTE format('ALTER TABLE catalog_datarequest DROP CONSTRAINT %I', fk.conname);
    END LOOP;
END $$;
"""

_ADD_ORDER_FK = """
ALTER TABLE catalog_datarequest ADD CONSTRAINT catalog_datarequest_order_id_fk_catalog_order_id
FOREIGN KEY (order_id) REFERENCES catalog_order (id) DEFERRABLE INITIALLY DEFERRED;
"""

_LABELS = """
UPDATE catalog_datarequest AS r SET subject_label = o.code
FROM catalog_order AS o
WHERE r.order_id = o.id AND r.subject_kind = 'recipient' AND r.subject_label = '';
"""


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("catalog", "0004_privacy_moved"),
    ]

    operations = [
        migrations.RunSQL(_DROP_ORDER_FK, reverse_sql=_ADD_ORDER_FK),
        migrations.AddField(
            model_name="datarequest",
            name="subject_label",
            field=models.CharField(blank=True, max_length=40, verbose_name="đơn / người"),
        ),
        migrations.RunSQL(_LABELS, reverse_sql=migrations.RunSQL.noop),
        migrations.RemoveConstraint(
            model_name="datarequest", name="datarequest_one_pending_per_order_kind"
        ),
        migrations.AddConstraint(
            model_name="datarequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state", "pending")),
                fields=("subject_kind", "subject_id", "kind"),
                name="datarequest_one_pending_per_subject_kind",
            ),
        ),
    ]
