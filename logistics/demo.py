"""Demo volunteers of a stall, signed up for the coming Saturday. Safe to run again."""

from __future__ import annotations

from logistics.models import Volunteer
from logistics.runs import run_for_new_stops, volunteer_signup
from logistics.volunteers import volunteer_needs_guardian, volunteer_register

VOLUNTEERS = [
    ("Nguyễn Minh Khang", "10A1", "+84901234501", 2009),
    ("Trần Ngọc Bảo Trâm", "10A1", "+84901234502", 2009),
    ("Lê Hoàng Phúc", "11A3", "+84901234503", 2008),
    ("Phạm Thị Thu Hà", "11A3", "+84901234504", 2008),
    ("Võ Quốc Huy", "12A2", "+84901234505", 2007),
    ("Đặng Mỹ Duyên", "12A2", "+84901234506", 2007),
]


def demo_seed(stall) -> None:
    run = run_for_new_stops()
    for name, chi_doan, phone, born in VOLUNTEERS:
        minor = volunteer_needs_guardian(is_minor=False, birth_year=born)
        volunteer = Volunteer.objects.filter(phone=phone).first() or volunteer_register(
            name=name,
            chi_doan=chi_doan,
            phone=phone,
            birth_year=born,
            is_minor=minor,
            guardian_name="Phụ huynh của " + name.split()[-1] if minor else "",
            guardian_phone=f"+849888{phone[-5:]}" if minor else "",
        )
        volunteer_signup(volunteer=volunteer, run=run)
