"""Consent records, data-subject requests and the access log move here from catalog.

State only: the tables keep their names (``catalog_*``) and every row, on every stall
schema. The next migration changes what must change in the database.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("catalog", "0003_privacy"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='AccessLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('user_id', models.BigIntegerField(verbose_name='mã tài khoản')),
                        ('username', models.CharField(max_length=150, verbose_name='tài khoản')),
                        ('action', models.CharField(choices=[('view', 'Xem'), ('export', 'Xuất'), ('change', 'Sửa'), ('delete', 'Xoá/ẩn danh')], max_length=8, verbose_name='hành động')),
                        ('object_type', models.CharField(max_length=60, verbose_name='loại dữ liệu')),
                        ('object_id', models.CharField(blank=True, max_length=64, verbose_name='mã bản ghi')),
                        ('path', models.CharField(max_length=300, verbose_name='đường dẫn')),
                        ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='lúc')),
                    ],
                    options={
                        'verbose_name': 'nhật ký truy cập dữ liệu cá nhân',
                        'verbose_name_plural': 'nhật ký truy cập dữ liệu cá nhân',
                        'db_table': 'catalog_accesslog',
                        'ordering': ['-at', '-pk'],
                        'indexes': [models.Index(fields=['user_id', 'at'], name='catalog_acc_user_id_e913ef_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='ConsentRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('subject_kind', models.CharField(choices=[('recipient', 'Người nhận'), ('volunteer', 'Đoàn viên tình nguyện')], max_length=10, verbose_name='đối tượng')),
                        ('subject_id', models.BigIntegerField(verbose_name='mã đối tượng')),
                        ('notice_version', models.CharField(max_length=20, verbose_name='phiên bản thông báo')),
                        ('accepted_at', models.DateTimeField(verbose_name='đồng ý lúc')),
                        ('subject_is_minor', models.BooleanField(default=False, verbose_name='dưới 16 tuổi')),
                        ('guardian_name', models.CharField(blank=True, max_length=120, verbose_name='họ tên cha mẹ/người giám hộ')),
                        ('guardian_phone', models.CharField(blank=True, max_length=16, verbose_name='điện thoại cha mẹ/người giám hộ')),
                        ('guardian_accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='người giám hộ đồng ý lúc')),
                        ('recorded_by_id', models.BigIntegerField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('anonymised_at', models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        'verbose_name': 'bản ghi đồng ý',
                        'verbose_name_plural': 'bản ghi đồng ý',
                        'db_table': 'catalog_consentrecord',
                        'ordering': ['-accepted_at', '-pk'],
                        'constraints': [models.UniqueConstraint(fields=('subject_kind', 'subject_id', 'notice_version'), name='consent_once_per_subject_and_version'), models.CheckConstraint(condition=models.Q(('subject_is_minor', False), ('guardian_accepted_at__isnull', False), _connector='OR'), name='consent_minor_has_guardian')],
                    },
                ),
                migrations.CreateModel(
                    name='DataRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('access', 'Xem dữ liệu'), ('export', 'Xuất dữ liệu'), ('delete', 'Xoá dữ liệu')], max_length=8, verbose_name='loại yêu cầu')),
                        ('state', models.CharField(choices=[('pending', 'Chờ xử lý'), ('done', 'Đã xử lý'), ('rejected', 'Từ chối')], db_index=True, default='pending', max_length=10, verbose_name='trạng thái')),
                        ('channel', models.CharField(choices=[('self', 'Người nhận tự gửi'), ('officer', 'Cán bộ ghi nhận')], default='self', max_length=8, verbose_name='kênh')),
                        ('subject_kind', models.CharField(choices=[('recipient', 'Người nhận'), ('volunteer', 'Đoàn viên tình nguyện')], default='recipient', max_length=10, verbose_name='đối tượng')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='gửi lúc')),
                        ('processed_at', models.DateTimeField(blank=True, null=True, verbose_name='xử lý lúc')),
                        ('processed_by_id', models.BigIntegerField(blank=True, null=True)),
                        ('processed_by_username', models.CharField(blank=True, max_length=150, verbose_name='người xử lý')),
                        ('outcome', models.CharField(blank=True, max_length=200, verbose_name='kết quả')),
                        ('subject_id', models.BigIntegerField(db_column='order_id', null=True, verbose_name='mã đối tượng')),
                    ],
                    options={
                        'verbose_name': 'yêu cầu về dữ liệu cá nhân',
                        'verbose_name_plural': 'yêu cầu về dữ liệu cá nhân',
                        'db_table': 'catalog_datarequest',
                        'ordering': ['-created_at', '-pk'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('state', 'pending')), fields=('subject_id', 'kind'), name='datarequest_one_pending_per_order_kind')],
                    },
                )
            ],
        ),
    ]
