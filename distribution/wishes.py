"""Wanted lists (cần tìm): leave a wish, offer new stock to the oldest matching wishes,
hold it for a few days, pass it on when the hold runs out, expire old wishes."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.codes import tracking_code_new
from catalog.forms import item_size_problem
from catalog.models import Category, Item, StockEntry
from catalog.phones import phone_hash, phone_normalise
from catalog.services import OrderRefused, Recipient, order_place
from catalog.stock import StockError, stock_change
from distribution import messages
from distribution.models import SetRequest, Textbook, TextbookSeries, Wish
from logistics.zones import current_stall
from privacy.models import SubjectKind
from privacy.notices import NOTICE_CURRENT
from privacy.services import consent_record
from tenants.geography import search_key

WState = Wish.State
# A person keeps at most this many wishes waiting at once (a bound, not a ration).
MAX_OPEN_WISHES = 10


class WishError(ValidationError):
    """The wish step was refused; nothing was saved. The message is for a person."""


@transaction.atomic
def wish_leave(
    *,
    phone: str,
    category: Category,
    size: str = "",
    grade: int | None = None,
    subject: str = "",
    note: str = "",
    consent_version: str = NOTICE_CURRENT,
    series: TextbookSeries | None = None,
    set_request: SetRequest | None = None,
    limit: bool = True,
) -> Wish:
    """Record what a person needs; the consent is saved with it or not at all.

    ``limit=False`` for the missing titles of a set asked for at once (bounded by the set).
    """
    errors: dict[str, str] = {}
    try:
        e164 = phone_normalise(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages[0]
        e164 = ""
    size = (size or "").strip().upper()
    size_kind = {"giay-dep": Item.SizeKind.SHOE, "quan-ao": Item.SizeKind.CLOTHING}.get(
        category.slug, ""
    )
    if size and size_kind:
        problem = item_size_problem(size_kind, size)
        if problem:
            errors["size"] = problem
    if grade is not None and not 1 <= int(grade) <= 12:
        errors["grade"] = _("Lớp từ 1 đến 12.")
    if errors:
        raise WishError(errors)
    hashed = phone_hash(e164)
    waiting = Wish.objects.filter(
        phone_hash=hashed, state__in=[WState.WAITING, WState.OFFERED], anonymised_at__isnull=True
    ).count()
    if limit and waiting >= MAX_OPEN_WISHES:
        raise WishError(
            _("Số này đã có %(n)d mong muốn đang chờ. Hãy chờ nhận bớt rồi ghi thêm.")
            % {"n": waiting}
        )
    now = timezone.now()
    wish = Wish.objects.create(
        code=tracking_code_new(),
        category=category,
        size=size[:8],
        grade=grade,
        subject=" ".join((subject or "").split())[:60],
        note=" ".join((note or "").split())[:200],
        phone=e164,
        phone_last4=e164[-4:],
        phone_hash=hashed,
        series=series,
        set_request=set_request,
        consent_version=consent_version[:20],
        consent_at=now,
        expires_at=now + dt.timedelta(days=settings.GIANHANG_WISH_DAYS),
    )
    consent_record(
        subject_kind=SubjectKind.WISHER,
        subject_id=wish.pk,
        notice_version=wish.consent_version,
        accepted_at=now,
    )
    return wish


def wishes_matching(item: Item) -> QuerySet[Wish]:
    """Waiting wishes this item answers, oldest first."""
    query = Q(category_id=item.category_id, state=WState.WAITING, anonymised_at__isnull=True)
    query &= Q(size="") | Q(size=item.size.upper())
    query &= Q(grade__isnull=True) | Q(grade=item.grade)
    book = Textbook.objects.filter(item=item).values_list("series_id", flat=True).first()
    query &= Q(series__isnull=True) | Q(series_id=book)
    wishes = Wish.objects.filter(query).order_by("created_at", "pk")
    subject = search_key(item.subject)
    if not subject:
        return wishes.filter(subject="")
    return wishes


def _subject_fits(wish: Wish, item: Item) -> bool:
    return not wish.subject or search_key(wish.subject) == search_key(item.subject)


@transaction.atomic
def wishes_offer(
    *, item_id: int, units: int | None = None, now: dt.datetime | None = None
) -> list[Wish]:
    """Offer units of a new intake to the oldest matching wishes, one unit each, held off
    the shelf for a few days. Returns the wishes offered to."""
    now = now or timezone.now()
    item = Item.objects.select_for_update().filter(pk=item_id).first()
    if item is None or not item.is_listed:
        return []
    budget = item.available if units is None else min(units, item.available)
    offered: list[Wish] = []
    candidates = wishes_matching(item).select_for_update(skip_locked=True)
    for wish in candidates:
        if len(offered) >= budget:
            break
        if not _subject_fits(wish, item):
            continue
        try:
            stock_change(
                item=item,
                kind=StockEntry.Kind.ADJUSTMENT,
                quantity=-1,
                note=_("Giữ cho mong muốn %(code)s") % {"code": wish.code},
            )
        except StockError:
            break
        Wish.objects.filter(pk=wish.pk).update(
            state=WState.OFFERED,
            offered_item=item,
            hold_until=now + dt.timedelta(days=settings.GIANHANG_WISH_HOLD_DAYS),
        )
        wish.refresh_from_db()
        messages.wish_offered(wish=wish)
        offered.append(wish)
    return offered


@transaction.atomic
def wish_claim(*, wish: Wish, recipient: Recipient, consent_version: str = NOTICE_CURRENT):
    """The person takes the held item: it becomes an ordinary order (address as at checkout)."""
    wish = Wish.objects.select_for_update().get(pk=wish.pk)
    if wish.state != WState.OFFERED or wish.offered_item_id is None:
        raise WishError(_("Món này không còn giữ cho bạn nữa."))
    if phone_hash(phone_normalise(recipient.phone)) != wish.phone_hash:
        raise WishError({"phone": _("Hãy dùng đúng số điện thoại đã để lại khi ghi mong muốn.")})
    item = Item.objects.get(pk=wish.offered_item_id)
    try:
        with transaction.atomic():
            stock_change(
                item=item,
                kind=StockEntry.Kind.ADJUSTMENT,
                quantity=1,
                note=_("Giao cho mong muốn %(code)s") % {"code": wish.code},
            )
            order = order_place(
                stall=current_stall(),
                lines={item.pk: 1},
                recipient=recipient,
                consent_version=consent_version,
            )
    except OrderRefused as refused:
        raise WishError(refused.message) from refused
    Wish.objects.filter(pk=wish.pk).update(state=WState.MET, order=order)
    wish.refresh_from_db()
    set_request_title_given(wish=wish)
    return order


def set_request_title_given(*, wish: Wish) -> None:
    """A missing title of a set was given (its wish met): the set may now be complete."""
    if wish.set_request_id is None:
        return
    asked = SetRequest.objects.select_for_update().get(pk=wish.set_request_id)
    given = min(asked.titles_given + 1, asked.titles_total)
    SetRequest.objects.filter(pk=asked.pk).update(
        titles_given=given,
        completed_at=timezone.now() if given == asked.titles_total else None,
    )


@transaction.atomic
def wish_hold_expire(*, wish: Wish, now: dt.datetime | None = None) -> list[Wish]:
    """A hold ran out: the unit goes to the next oldest matching wish (or back on the
    shelf); this wish waits again, behind the others. Returns the wishes offered next."""
    now = now or timezone.now()
    wish = Wish.objects.select_for_update().get(pk=wish.pk)
    if wish.state != WState.OFFERED or (wish.hold_until and wish.hold_until > now):
        return []
    item_id = wish.offered_item_id
    if item_id is not None:
        stock_change(
            item=Item.objects.get(pk=item_id),
            kind=StockEntry.Kind.ADJUSTMENT,
            quantity=1,
            note=_("Hết hạn giữ cho mong muốn %(code)s") % {"code": wish.code},
        )
    # It passed on: the person is told, and their wish is closed so the next can have it.
    Wish.objects.filter(pk=wish.pk).update(state=WState.EXPIRED, offered_item=None, hold_until=None)
    wish.refresh_from_db()
    messages.wish_passed(wish=wish)
    return wishes_offer(item_id=item_id, units=1, now=now) if item_id else []


def wish_holds_expire_due(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    due = Wish.objects.filter(state=WState.OFFERED, hold_until__lt=now).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        wish_hold_expire(wish=Wish(pk=pk), now=now)
        count += 1
    return count


def wishes_expire_due(*, now: dt.datetime | None = None) -> int:
    """Waiting wishes past their time close (retention then forgets them)."""
    now = now or timezone.now()
    return Wish.objects.filter(state=WState.WAITING, expires_at__lt=now).update(
        state=WState.EXPIRED, updated_at=now
    )


def wanted_counts() -> list[dict]:
    """What the stall needs, as counts for its public page: never who."""
    rows = (
        Wish.objects.filter(state=WState.WAITING, anonymised_at__isnull=True)
        .values("category__name", "category__slug", "grade", "subject")
        .annotate(
            count=Count("pk"),
            size_min=Min("size", filter=~Q(size="")),
            size_max=Max("size", filter=~Q(size="")),
        )
        .order_by("-count", "category__name")
    )
    result = []
    for row in rows:
        sizes = ""
        if row["size_min"]:
            low, high = row["size_min"], row["size_max"]
            if low.isdigit() and high.isdigit() and int(low) > int(high):
                low, high = high, low
            sizes = low if low == high else f"{low}–{high}"
        result.append(
            {
                "count": row["count"],
                "category": row["category__name"],
                "grade": row["grade"],
                "subject": row["subject"],
                "sizes": sizes,
            }
        )
    return result
