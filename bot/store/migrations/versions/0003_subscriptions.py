"""Announcements: subscribed channels, the notices to tell them, and which channel got which.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("subscribed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subscribed_by_hash", sa.String(64), nullable=True),
        sa.Column("after_notice", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("channel", name="pk_subscriptions"),
    )
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("quiet", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_notices"),
        sa.UniqueConstraint("key", name="uq_notices_key"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "notice_deliveries",
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ts", sa.String(32), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(["notice_id"], ["notices.id"], name="fk_notice_deliveries_notice_id_notices",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("notice_id", "channel", name="pk_notice_deliveries"),
    )


def downgrade() -> None:
    op.drop_table("notice_deliveries")
    op.drop_table("notices")
    op.drop_table("subscriptions")
