"""The three textbook series and the subjects with a textbook in each grade of the 2018
general education programme (Chương trình GDPT 2018). The template schema carries them to
every new stall; platform admins edit them in the stall admin."""

from django.db import migrations

SERIES = [
    ("ket-noi-tri-thuc", "Kết nối tri thức với cuộc sống"),
    ("chan-troi-sang-tao", "Chân trời sáng tạo"),
    ("canh-dieu", "Cánh Diều"),
]

PRIMARY_1_2 = [
    "Tiếng Việt",
    "Toán",
    "Đạo đức",
    "Tự nhiên và Xã hội",
    "Giáo dục thể chất",
    "Âm nhạc",
    "Mĩ thuật",
    "Hoạt động trải nghiệm",
]
PRIMARY_3 = [
    "Tiếng Việt",
    "Toán",
    "Tiếng Anh",
    "Đạo đức",
    "Tự nhiên và Xã hội",
    "Tin học",
    "Công nghệ",
    "Giáo dục thể chất",
    "Âm nhạc",
    "Mĩ thuật",
    "Hoạt động trải nghiệm",
]
PRIMARY_4_5 = [
    "Tiếng Việt",
    "Toán",
    "Tiếng Anh",
    "Đạo đức",
    "Lịch sử và Địa lí",
    "Khoa học",
    "Tin học",
    "Công nghệ",
    "Giáo dục thể chất",
    "Âm nhạc",
    "Mĩ thuật",
    "Hoạt động trải nghiệm",
]
LOWER_SECONDARY = [
    "Ngữ văn",
    "Toán",
    "Tiếng Anh",
    "Giáo dục công dân",
    "Lịch sử và Địa lí",
    "Khoa học tự nhiên",
    "Công nghệ",
    "Tin học",
    "Giáo dục thể chất",
    "Âm nhạc",
    "Mĩ thuật",
    "Hoạt động trải nghiệm, hướng nghiệp",
]
UPPER_SECONDARY = [
    "Ngữ văn",
    "Toán",
    "Tiếng Anh",
    "Lịch sử",
    "Giáo dục thể chất",
    "Giáo dục quốc phòng và an ninh",
    "Hoạt động trải nghiệm, hướng nghiệp",
    "Địa lí",
    "Giáo dục kinh tế và pháp luật",
    "Vật lí",
    "Hóa học",
    "Sinh học",
    "Công nghệ",
    "Tin học",
    "Âm nhạc",
    "Mĩ thuật",
]
SUBJECTS = {
    1: PRIMARY_1_2,
    2: PRIMARY_1_2,
    3: PRIMARY_3,
    4: PRIMARY_4_5,
    5: PRIMARY_4_5,
    **{grade: LOWER_SECONDARY for grade in range(6, 10)},
    **{grade: UPPER_SECONDARY for grade in range(10, 13)},
}


def add(apps, schema_editor):
    Series = apps.get_model("distribution", "TextbookSeries")
    Subject = apps.get_model("distribution", "TextbookSubject")
    for position, (slug, name) in enumerate(SERIES):
        Series.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    for grade, names in SUBJECTS.items():
        for position, name in enumerate(names):
            Subject.objects.get_or_create(grade=grade, name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("distribution", "0003_textbook_sets")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
