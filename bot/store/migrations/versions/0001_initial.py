"""The initial schema: claims, followed threads, the question log, votes and meta.

Hand-written with explicit operations and names, valid on SQLite and PostgreSQL alike.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("expires", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_claims"),
    )
    op.create_index("ix_claims_expires", "claims", ["expires"])

    op.create_table(
        "threads",
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("thread_ts", sa.String(32), nullable=False),
        sa.Column("expires", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "thread_ts", name="pk_threads"),
    )
    op.create_index("ix_threads_expires", "threads", ["expires"])

    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("surface", sa.String(32), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("declined", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("passages", sa.JSON(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=True),
        sa.Column("user_hash", sa.String(64), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(64), nullable=True),
        sa.Column("reply_ts", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_answers"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_answers_asked_at", "answers", ["asked_at"])
    op.create_index("ix_answers_channel_reply_ts", "answers", ["channel", "reply_ts"], unique=True)

    op.create_table(
        "votes",
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("user_hash", sa.String(64), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("value IN (-1, 1)", name="ck_votes_value"),
        sa.ForeignKeyConstraint(["answer_id"], ["answers.id"], name="fk_votes_answer_id_answers", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("answer_id", "user_hash", name="pk_votes"),
    )
    op.create_index("ix_votes_cast_at", "votes", ["cast_at"])

    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_meta"),
    )


def downgrade() -> None:
    op.drop_table("meta")
    op.drop_index("ix_votes_cast_at", table_name="votes")
    op.drop_table("votes")
    op.drop_index("ix_answers_channel_reply_ts", table_name="answers")
    op.drop_index("ix_answers_asked_at", table_name="answers")
    op.drop_table("answers")
    op.drop_index("ix_threads_expires", table_name="threads")
    op.drop_table("threads")
    op.drop_index("ix_claims_expires", table_name="claims")
    op.drop_table("claims")
