"""Decided levels counted per deciding committee, kept as decisions are made (issue 13).

A national summary over millions of ratings must not count them per request: ``LevelTally`` holds, for each
cascade (``root``) and each committee whose decisions are counted (a ward for its cells' members and the cells
themselves), how many subjects of each kind got each decided level in approved work items. It is maintained
in the transaction that moves a work item into or out of "approved" (``services.tallies``), and a full recount
from the ratings must always equal it (tested).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from party_units.models import PartyUnit

from .cycles import ReviewCycle
from .ratings import SUBJECT_CHOICES
from .self_reviews import LEVEL_CHOICES


class LevelTally(models.Model):
    root = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="+")
    committee = models.ForeignKey(PartyUnit, verbose_name=_("cấp ủy"), on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(_("đối tượng"), max_length=24, choices=SUBJECT_CHOICES)
    level = models.CharField(_("xếp loại"), max_length=8, choices=LEVEL_CHOICES)
    n = models.PositiveIntegerField(_("số lượng"), default=0)

    class Meta:
        verbose_name = _("tổng hợp xếp loại")
        verbose_name_plural = _("tổng hợp xếp loại")
        constraints = [
            models.UniqueConstraint(fields=["root", "committee", "subject", "level"], name="level_tally_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.committee_id} {self.subject} {self.level}: {self.n}"
