"""Meeting tallies: 应到/实到 of a closed meeting, sealed so a year of county figures reads one row
per meeting instead of every attendance row (domain/meetings/tally.py counts and seals them)."""

from sqlmodel import Field, SQLModel


class MeetingTally(SQLModel, table=True):
    """One closed meeting's 应到 and 实到 as domain.meetings counts them (base-rule kinds only).

    Deleted in the same transaction as any change that could alter it (db/tally.py), sealed again
    by the meetings job; a meeting without one is counted from its rows.
    """

    __tablename__ = "meeting_tally"

    meeting_id: int = Field(foreign_key="study_session.id", primary_key=True)
    expected: int
    attended: int
