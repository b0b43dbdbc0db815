"""Database models (SQLAlchemy 2, typed). Only people who consented have rows that identify them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

LEAD_STATUSES = ("new", "contacted", "qualified", "placed", "rejected")
OPENING_STATUSES = ("draft", "published", "closed")
# An alert's delivery: waiting, being sent, sent; or failed, blocked (403), skipped (opted out since),
# unconfirmed (the process died while the request was in flight: never resent, so never twice).
DELIVERY_STATUSES = ("pending", "sending", "sent", "failed", "blocked", "skipped", "unconfirmed")
APPLICATION_STATUSES = ("applied", "shortlisted", "interview", "selected", "not_selected", "withdrawn")


def utcnow() -> datetime:
    """The current time in UTC (stored timezone-aware)."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class User(Base):
    """A Telegram user who consented to registration."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    language: Mapped[str] = mapped_column(String(16), default="en")
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    lead: Mapped[Lead | None] = relationship(back_populates="user", cascade="all, delete-orphan", uselist=False)
    topics: Mapped[list[TopicAsked]] = relationship(back_populates="user", cascade="all, delete-orphan")


class Lead(Base):
    """One registration per user; applying again updates it and adds to its history."""

    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(80), index=True)
    age: Mapped[int] = mapped_column(Integer)
    education: Mapped[str] = mapped_column(String(32))
    field: Mapped[str] = mapped_column(String(32), index=True)
    japanese_level: Mapped[str] = mapped_column(String(16), index=True)
    experience_years: Mapped[int] = mapped_column(Integer)
    has_passport: Mapped[bool] = mapped_column(Boolean)
    language: Mapped[str] = mapped_column(String(16), index=True)
    route: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    source: Mapped[str] = mapped_column(String(32), default="telegram")
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    consent_version: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(back_populates="lead")
    history: Mapped[list[LeadEvent]] = relationship(
        back_populates="lead", cascade="all, delete-orphan", order_by="LeadEvent.id"
    )


class LeadEvent(Base):
    """What happened to a lead: created, updated by the user, status changed by staff."""

    __tablename__ = "lead_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(120), default="user")
    note: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    lead: Mapped[Lead] = relationship(back_populates="history")


class TopicAsked(Base):
    """A question's topic. `user_id` is set only for users who consented; otherwise the row is anonymous."""

    __tablename__ = "topics_asked"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(40), index=True)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    user: Mapped[User | None] = relationship(back_populates="topics")


class StaffUser(Base):
    """A recruiter who may log in to the dashboard (created with `python -m bot staff add EMAIL`)."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    role: Mapped[str] = mapped_column(String(16), default="recruiter", server_default="recruiter")
    # Sessions carry this token; replacing it (logout, password change) ends every session of the account.
    session_token: Mapped[str | None] = mapped_column(String(64))

    def __str__(self) -> str:
        return self.email


class StaffAuditEntry(Base):
    """What a staff member did in the dashboard: logins, exports, status and job-opening changes."""

    __tablename__ = "staff_audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(254), index=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    client: Mapped[str] = mapped_column(String(64), default="")


class JobOpening(Base):
    """A vacancy staff publish; the bot lists open ones for `job_openings`."""

    __tablename__ = "job_openings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    employer: Mapped[str] = mapped_column(String(160))
    field: Mapped[str] = mapped_column(String(32), index=True)
    japanese_level: Mapped[str] = mapped_column(String(16))
    location: Mapped[str] = mapped_column(String(120))
    salary_min_yen: Mapped[int | None] = mapped_column(Integer)
    salary_max_yen: Mapped[int | None] = mapped_column(Integer)
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    how_to_apply: Mapped[str] = mapped_column(Text, default="")
    is_open: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Demand sheets (bot/opening_sheet.py): imported as drafts; the bot lists only published, open ones.
    status: Mapped[str] = mapped_column(String(16), default="published", server_default="published", index=True)
    route: Mapped[str] = mapped_column(String(16), default="other", server_default="other")
    education: Mapped[str] = mapped_column(String(32), default="none", server_default="none")
    age_min: Mapped[int | None] = mapped_column(Integer)
    age_max: Mapped[int | None] = mapped_column(Integer)
    experience_years: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    headcount: Mapped[int | None] = mapped_column(Integer)
    # When its alerts were handed out (set once, when it is first published): never alerted twice.
    alerts_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __str__(self) -> str:
        return f"{self.title} ({self.employer})"


class Handoff(Base):
    """A conversation handed to a person: the bot stays quiet for the user until it is closed."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(64), index=True)
    staff_message_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str] = mapped_column(String(120), default="")
    language: Mapped[str] = mapped_column(String(16), default="en")
    # The user's last few messages (masked, bounded), so that whoever takes over sees what was asked.
    context: Mapped[list[str]] = mapped_column(JSON, default=list)


class Preference(Base):
    """A user's explicit choice of reply language: kept across restarts, erased by /delete and by retention."""

    __tablename__ = "preferences"

    sender_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow, index=True)


class LeadSubmission(Base):
    """One confirmed registration run (user + consent time): the key that makes storing a lead idempotent."""

    __tablename__ = "lead_submissions"
    __table_args__ = (UniqueConstraint("sender_id", "form_run", name="uq_lead_submissions_run"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(64), index=True)
    form_run: Mapped[str] = mapped_column(String(64))
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Erasure(Base):
    """When a user last erased their data (keyed by a hash of their id): queued work from before is dropped."""

    __tablename__ = "erasures"

    sender_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AlertSubscription(Base):
    """A user's own consent to job alerts (separate from registration): erased by /delete and retention."""

    __tablename__ = "alert_subscriptions"

    sender_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # Set when Telegram answered 403 (the user blocked the bot): no alert is tried again until they turn alerts on.
    blocked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AlertDelivery(Base):
    """One job alert to one user about one opening (unique: never twice), and what became of it."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (UniqueConstraint("opening_id", "sender_id", name="uq_alert_deliveries_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opening_id: Mapped[int] = mapped_column(ForeignKey("job_openings.id", ondelete="CASCADE"), index=True)
    sender_id: Mapped[str] = mapped_column(String(64), index=True)
    language: Mapped[str] = mapped_column(String(16), default="en")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str] = mapped_column(String(200), default="")
    # The user's answer on the alert's buttons: "", "interested" or "not_for_me".
    response: Mapped[str] = mapped_column(String(16), default="", index=True)


class Application(Base):
    """A lead's "I'm interested" in an opening (unique: tapping again changes nothing), moved along by staff."""

    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("opening_id", "lead_id", name="uq_applications_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opening_id: Mapped[int] = mapped_column(ForeignKey("job_openings.id", ondelete="CASCADE"), index=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    sender_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default="applied", index=True)
    # What the user agreed, when applying, may go to the employer on a shortlist (never phone or Telegram id).
    shared_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    history: Mapped[list[ApplicationEvent]] = relationship(cascade="all, delete-orphan", order_by="ApplicationEvent.id")


class ApplicationEvent(Base):
    """A step of an application: who moved it from which status to which, when, with what note."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(254), default="user")
    from_status: Mapped[str] = mapped_column(String(16), default="")
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
