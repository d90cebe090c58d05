"""The appraisal models, one module per concern:

- ``documents``: guidance documents in a unit's register;
- ``cycles``: review cycles and the per-unit work items (``UnitReview``) they open;
- ``self_reviews``: a member's self-review and the cell's own report;
- ``meetings``: the cell's review meeting, its guests and attendance;
- ``ratings``: one rating record per subject and cycle, keeping every stage's value;
- ``notifications``: notices to a user on their home page, e-mailed once;
- ``decisions``: the committee's quota groups and raised ratios, and ratings from before the system;
- ``tallies``: decided levels counted per deciding committee, kept with each decision (summaries at scale).
"""

from .cycles import (
    DEADLINE_FIELDS,
    PHASE_DONE,
    CycleState,
    DeadlineRow,
    PeriodKind,
    ReviewCycle,
    UnitReview,
    UnitReviewState,
    deadline_rows,
    quarter_dates,
)
from .decisions import PastRating, PastRatingSource, QuotaGroup, QuotaRaise
from .documents import GuidanceDocument, document_upload_to, fmt
from .meetings import Attendance, MeetingGuest, ReviewMeeting, VoteMethod
from .notifications import Notification
from .ratings import PERSON_SUBJECTS, SUBJECT_CHOICES, ProposalRound, Rating, RoundOutcome
from .self_reviews import LEVEL_CHOICES, CollectiveReport, SelfReview, SelfReviewState, SelfReviewVersion
from .tallies import CommitteeCounts, LevelTally, UnitReviewCounts

__all__ = [
    "LevelTally",
    "UnitReviewCounts",
    "CommitteeCounts",
    "PastRating",
    "PastRatingSource",
    "QuotaGroup",
    "QuotaRaise",
    "DEADLINE_FIELDS",
    "PHASE_DONE",
    "DeadlineRow",
    "deadline_rows",
    "LEVEL_CHOICES",
    "PERSON_SUBJECTS",
    "SUBJECT_CHOICES",
    "Attendance",
    "CollectiveReport",
    "MeetingGuest",
    "Notification",
    "ProposalRound",
    "Rating",
    "ReviewMeeting",
    "RoundOutcome",
    "SelfReview",
    "SelfReviewState",
    "SelfReviewVersion",
    "VoteMethod",
    "CycleState",
    "GuidanceDocument",
    "PeriodKind",
    "ReviewCycle",
    "UnitReview",
    "UnitReviewState",
    "document_upload_to",
    "fmt",
    "quarter_dates",
]
