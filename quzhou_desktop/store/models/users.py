"""User accounts, roles and the villages a user may act for."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from quzhou_desktop.store.models.base import SECRET, Audited, Base


class UserAccount(Audited, Base):
    __tablename__ = "user_account"

    username: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(40), nullable=False)
    # clerk, supervisor_chair, supervisor, director, secretary, township_admin, readonly
    role: Mapped[str] = mapped_column(String(30), nullable=False)
    person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    # The password verifier (``argon2id$…``, made with the sealing of the user's signing key, see
    # ``core.signing``), or the scrypt hash of a release before signing keys until the user's next login.
    password_hash: Mapped[str] = mapped_column(String(300), nullable=False, info=SECRET)
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    must_change_password: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class UserVillage(Audited, Base):
    __tablename__ = "user_village"
    __table_args__ = (UniqueConstraint("user_id", "village_id"),)

    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"), nullable=False, index=True)
    village_id: Mapped[str] = mapped_column(ForeignKey("village.id"), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
