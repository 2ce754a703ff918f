"""A tenant's items and the claims on them."""

from django.db import models


class Item(models.Model):
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    available = models.IntegerField(default=0)

    def __str__(self) -> str:
        return self.title


class Claim(models.Model):
    item = models.ForeignKey(Item, on_delete=models.PROTECT)
    phone = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.item_id} {self.phone}"
