"""A table shaped like a typical stall table, changed by migration 0002 (a typical release)."""

from django.db import models


class Probe(models.Model):
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=200, default="", blank=True)
    priority = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["priority", "created_at"], name="probe_priority_idx")]

    def __str__(self) -> str:
        return self.name
