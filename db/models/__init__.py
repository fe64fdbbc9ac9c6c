"""All tables. Importing this package registers every table on SQLModel.metadata (Alembic reads it)."""

from sqlmodel import SQLModel

# Stable constraint names, so Alembic batch migrations on SQLite can find and alter them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

from db.models import care, notice, registration, reminder, report, suggestion  # noqa: E402,F401
from db.models.county import BranchScore, CountyStaff  # noqa: E402
from db.models.organization import (  # noqa: E402
    MeetingRhythm,
    PartyGroup,
    PartyGroupMember,
    ReviewGrade,
    ReviewResult,
    ReviewRound,
    RhythmPeriod,
    RoleChange,
)
from db.models.points import (  # noqa: E402
    CatalogueItem,
    LedgerEntry,
    LedgerKind,
    OrderStatus,
    PointsBalance,
    PointsMonth,
    PointsMonthSealed,
    PointsProposal,
    PointsRule,
    ProposalStatus,
    QuarterPublication,
    RedemptionOrder,
)
from db.models.roster import (  # noqa: E402
    Branch,
    ChatAccount,
    GroupBinding,
    HealthCategory,
    Member,
    MemberStatus,
    ProcessedEvent,
)
from db.models.signin import (  # noqa: E402
    Attendance,
    AttendanceStatus,
    MeetingKind,
    MeetingMinutes,
    MeetingPhoto,
    MinutesAction,
    SessionKind,
    StudySession,
)
from db.models.suggestion import (  # noqa: E402
    Suggestion,
    SuggestionEvent,
    SuggestionEventKind,
    SuggestionSealedAuthor,
    SuggestionStatus,
)
from db.models.tally import MeetingTally  # noqa: E402
from db.models.volunteer import Claim, ClaimStatus, Need, NeedStatus, Suitability  # noqa: E402

__all__ = [
    "Attendance",
    "AttendanceStatus",
    "Branch",
    "BranchScore",
    "CatalogueItem",
    "ChatAccount",
    "Claim",
    "ClaimStatus",
    "CountyStaff",
    "GroupBinding",
    "HealthCategory",
    "LedgerEntry",
    "LedgerKind",
    "Member",
    "MemberStatus",
    "Need",
    "NeedStatus",
    "OrderStatus",
    "PointsBalance",
    "PointsMonth",
    "PointsMonthSealed",
    "PointsProposal",
    "PointsRule",
    "ProcessedEvent",
    "ProposalStatus",
    "QuarterPublication",
    "RedemptionOrder",
    "SessionKind",
    "StudySession",
    "Suggestion",
    "SuggestionEvent",
    "SuggestionEventKind",
    "SuggestionSealedAuthor",
    "SuggestionStatus",
    "Suitability",
    "MeetingKind",
    "MeetingMinutes",
    "MeetingTally",
    "MeetingPhoto",
    "MeetingRhythm",
    "MinutesAction",
    "PartyGroup",
    "PartyGroupMember",
    "ReviewGrade",
    "ReviewResult",
    "ReviewRound",
    "RhythmPeriod",
    "RoleChange",
]
