"""People, consent, assessments with ratings and notes, reflections.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coach_people",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_key", sa.String(64), nullable=False),
        sa.Column("career_stage", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_coach_people_user_key", "coach_people", ["user_key"], unique=True)
    op.create_table(
        "coach_consents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("coach_people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("given", sa.Boolean, nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_coach_consents_person_id", "coach_consents", ["person_id"])
    op.create_table(
        "coach_assessments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("coach_people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("completed_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_coach_assessments_person_id", "coach_assessments", ["person_id"])
    op.create_table(
        "coach_ratings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("assessment_id", sa.Integer, sa.ForeignKey("coach_assessments.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("dimension_id", sa.String(64), nullable=False),
        sa.Column("level", sa.String(16), nullable=True),
        sa.Column("skipped", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("assessment_id", "dimension_id", name="uq_rating_dimension"),
    )
    op.create_index("ix_coach_ratings_assessment_id", "coach_ratings", ["assessment_id"])
    op.create_table(
        "coach_reflections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("coach_people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("dimension_id", sa.String(64), nullable=True),
        sa.Column("prompt_id", sa.String(64), nullable=False),
        sa.Column("prompt_text", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_coach_reflections_person_id", "coach_reflections", ["person_id"])


def downgrade() -> None:
    for table in ("coach_reflections", "coach_ratings", "coach_assessments", "coach_consents", "coach_people"):
        op.drop_table(table)
