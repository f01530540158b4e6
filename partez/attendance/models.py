"""A roster is a door's list; a ticket is one expected person on it; an attendance is that person
checked in. ``Ticket.code`` is unique across rosters (its QR opens only that ticket) and
``Attendance.ticket`` is one-to-one: a person is present once. ``Attendance.nonce`` is unique, so a
device re-sending its queue after a dead zone repeats nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Roster(models.Model):
    kind = models.CharField("type", max_length=40, db_index=True)
    title = models.CharField("intitulé", max_length=200)
    starts_at = models.DateTimeField("début")
    place = models.CharField("lieu", max_length=200, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="organisée par"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = "liste de pointage"
        verbose_name_plural = "listes de pointage"

    def __str__(self) -> str:
        return self.title


class Ticket(models.Model):
    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="tickets")
    code = models.CharField("code", max_length=16, unique=True)
    # The owning app's key for whom this ticket stands (e.g. "network.registration:12").
    subject = models.CharField(max_length=80)
    # What the volunteer at the door reads: a first name and an initial, a group's name.
    holder = models.CharField("personne attendue", max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["holder", "pk"]
        constraints = [models.UniqueConstraint(fields=["roster", "subject"], name="ticket_one_per_subject")]

    def __str__(self) -> str:
        return f"{self.holder} ({self.code})"


class Attendance(models.Model):
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="attendance")
    nonce = models.CharField(max_length=64, unique=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"présence {self.ticket_id} à {self.at:%H:%M}"
