"""gianhang draw verify --list FILE --number N [--quantity ITEM=N ...]: re-run a draw from a
published list of codes and the public number, with nothing else.
gianhang draw verify --stall SLUG --round ID: the same from a stall's stored round, compared
with the result it recorded.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.tenancy import schema_to_public, tenant_set
from distribution import draw
from distribution.models import Round
from distribution.selectors import round_draw_check
from tenants.models import Stall


class Command(BaseCommand):
    help = "Đợt phát: kiểm tra lại kết quả bốc thăm từ danh sách mã và số công khai."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Tính lại thứ tự bốc thăm.")
        verify.add_argument("--list", help="tệp danh sách mã đã công bố (mỗi dòng: MÃ MÓN [*])")
        verify.add_argument("--number", help="số công khai")
        verify.add_argument(
            "--quantity",
            action="append",
            default=[],
            help="số suất của một món, dạng MÓN=SỐ (lặp lại được); thiếu thì chỉ in thứ tự",
        )
        verify.add_argument("--stall", help="mã gian hàng (kiểm tra đợt đã lưu)")
        verify.add_argument("--round", type=int, help="số của đợt phát trong gian hàng")

    def handle(self, *args, action, **options):
        return getattr(self, f"_{action}")(**options)

    def _verify(self, *, list, number, quantity, stall, round, **_):  # noqa: A002
        if stall:
            return self._verify_stored(slug=stall, round_id=round)
        if not list or not number:
            raise CommandError("Cần --list và --number, hoặc --stall và --round.")
        try:
            entries = draw.published_parse(Path(list).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Không đọc được danh sách: {exc}") from exc
        quantities = {}
        for text in quantity:
            item, _sep, count = text.partition("=")
            if not count.isdigit():
                raise CommandError(f"“{text}”: viết MÓN=SỐ, ví dụ 12=3.")
            quantities[item] = int(count)
        outcome = draw.draw_run(entries, quantities, number)
        self._print(outcome)
        return None

    def _print(self, outcome: draw.Outcome) -> None:
        self.stdout.write(f"khóa {outcome.key}")
        for n, code in enumerate(outcome.order, start=1):
            mark = "được nhận" if code in outcome.winners else "chờ"
            self.stdout.write(f"{n}\t{code}\t{mark}")

    def _verify_stored(self, *, slug: str, round_id: int | None) -> None:
        stall = Stall.objects.filter(schema_name__isnull=False, slug=slug).first()
        if stall is None:
            raise CommandError(f"Không có gian hàng “{slug}”.")
        if round_id is None:
            raise CommandError("Cần --round (số của đợt phát).")
        tenant_set(stall)
        try:
            round_ = Round.objects.filter(pk=round_id, state=Round.State.DRAWN).first()
            if round_ is None:
                raise CommandError("Đợt này không có hoặc chưa bốc thăm.")
            check = round_draw_check(round_=round_)
        finally:
            schema_to_public()
        self._print(check["outcome"])
        if not check["matches"]:
            raise CommandError("Không khớp với kết quả đã lưu.")
        self.stdout.write("Khớp với kết quả đã công bố.")
