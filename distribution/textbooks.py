"""Textbook sets (bộ sách giáo khoa): quick intake by grade, series and subject; a set's
titles in stock; asking for a whole set (an order for what is there, wishes for the rest)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Category, Item, Order
from catalog.services import OrderRefused, Recipient, order_place, recipient_fields
from catalog.stock import stock_change
from distribution.models import SetRequest, Textbook, TextbookSeries, TextbookSubject, Wish
from distribution.wishes import WishError, wish_leave
from logistics.zones import current_stall
from privacy.notices import NOTICE_CURRENT

BOOKS = "sach-tap-vo"
MAX_PER_TITLE = 500


def books_category() -> Category:
    return Category.objects.get(slug=BOOKS)


def textbook_title(*, subject: TextbookSubject, series: TextbookSeries) -> str:
    return f"{subject.name} {subject.grade} – {series.name}"


def textbook_item(*, subject: TextbookSubject, series: TextbookSeries) -> Item:
    """The catalog item of one title, made the first time a copy comes in."""
    book = Textbook.objects.select_related("item").filter(series=series, subject=subject).first()
    if book is not None:
        return book.item
    item = Item.objects.create(
        category=books_category(),
        title=textbook_title(subject=subject, series=series),
        grade=subject.grade,
        subject=subject.name,
        condition=Item.Condition.GOOD,
    )
    Textbook.objects.create(item=item, series=series, subject=subject)
    return item


@transaction.atomic
def textbook_intake(
    *, series: TextbookSeries, quantities: Mapping[int, int], actor=None
) -> list[tuple[Item, int]]:
    """Take in donated textbooks of one series: subject id → copies. One ledger row each."""
    subjects = TextbookSubject.objects.in_bulk(list(quantities))
    taken: list[tuple[Item, int]] = []
    for subject_id, quantity in sorted(quantities.items()):
        quantity = int(quantity or 0)
        if quantity <= 0:
            continue
        if quantity > MAX_PER_TITLE:
            raise ValidationError(
                _("Mỗi đầu sách nhập tối đa %(n)d cuốn một lần.") % {"n": MAX_PER_TITLE}
            )
        subject = subjects.get(subject_id)
        if subject is None:
            raise ValidationError(_("Môn học này không có trong danh sách. Hãy tải lại trang."))
        item = textbook_item(subject=subject, series=series)
        stock_change(
            item=item,
            kind="intake",
            quantity=quantity,
            actor=actor,
            note=_("Nhập sách giáo khoa"),
        )
        taken.append((item, quantity))
    if not taken:
        raise ValidationError(_("Hãy nhập số cuốn cho ít nhất một môn."))
    return taken


@dataclass(frozen=True)
class SetTitle:
    subject: TextbookSubject
    item: Item | None

    @property
    def in_stock(self) -> bool:
        return self.item is not None and self.item.is_listed and self.item.available > 0


def set_titles(*, grade: int, series: TextbookSeries) -> list[SetTitle]:
    """Every title of a grade's set in this series, with its item if the stall has one."""
    subjects = list(TextbookSubject.objects.filter(grade=grade).order_by("position", "name"))
    items = {
        book.subject_id: book.item
        for book in Textbook.objects.select_related("item").filter(
            series=series, subject__in=subjects
        )
    }
    return [SetTitle(subject=s, item=items.get(s.pk)) for s in subjects]


@dataclass(frozen=True)
class SetAsked:
    set_request: SetRequest
    order: Order | None
    wishes: list[Wish]


@transaction.atomic
def set_request_place(
    *,
    grade: int,
    series: TextbookSeries,
    recipient: Recipient,
    consent_version: str = NOTICE_CURRENT,
) -> SetAsked:
    """Ask for a whole set: the titles in stock become one ordinary order, each missing
    title a wish (offered first when a copy comes in). All or nothing."""
    fields = recipient_fields(recipient)
    titles = set_titles(grade=grade, series=series)
    if not titles:
        raise ValidationError(_("Lớp này chưa có danh sách môn học."))
    present = [t for t in titles if t.in_stock]
    missing = [t for t in titles if not t.in_stock]
    order = None
    if present:
        try:
            order = order_place(
                stall=current_stall(),
                lines={t.item.pk: 1 for t in present if t.item is not None},
                recipient=recipient,
                consent_version=consent_version,
            )
        except OrderRefused as refused:
            raise ValidationError(refused.message) from refused
    asked = SetRequest.objects.create(
        grade=grade,
        series=series,
        order=order,
        titles_total=len(titles),
        titles_given=len(present),
        completed_at=timezone.now() if not missing else None,
    )
    wishes = []
    category = books_category()
    for title in missing:
        try:
            wish = wish_leave(
                phone=fields["phone"],
                category=category,
                grade=grade,
                subject=title.subject.name,
                series=series,
                consent_version=consent_version,
                set_request=asked,
                limit=False,
            )
        except WishError as error:
            raise ValidationError(error.messages) from error
        wishes.append(wish)
    return SetAsked(set_request=asked, order=order, wishes=wishes)


__all__ = [
    "SetAsked",
    "SetTitle",
    "set_request_place",
    "set_titles",
    "textbook_intake",
    "textbook_item",
]
