"""The bare views: a 24-item page, and a claim (one conditional UPDATE + one INSERT)."""

import json

from django.db import transaction
from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from bench.bare.shop.models import Claim, Item


def item_list(request):
    items = Item.objects.filter(available__gt=0).order_by("pk")[:24]
    return render(request, "items.html", {"items": items})


@csrf_exempt
def claim(request):
    if request.method != "POST":
        return HttpResponse(status=405)
    body = json.loads(request.body)
    item_id, phone = int(body["item"]), str(body["phone"])[:16]
    with transaction.atomic():
        taken = Item.objects.filter(pk=item_id, available__gte=1).update(
            available=F("available") - 1
        )
        if not taken:
            return JsonResponse({"detail": "sold out"}, status=409)
        made = Claim.objects.create(item_id=item_id, phone=phone)
    return JsonResponse({"id": made.pk}, status=201)
