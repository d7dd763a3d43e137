"""Submissions synced from a device that could not count, kept for the learner

Revision ID: 0004_held
Revises: 0003_lti_xapi
Create Date: 2026-12-04

One new table, nothing existing changes. A held submission is the learner's (ON DELETE
CASCADE, and player.domain.data_rights deletes and exports it with the rest).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004_held'
down_revision = '0003_lti_xapi'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('held_submissions',
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.String(length=100), nullable=False),
    sa.Column('block_id', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('client_id')
    )
    op.create_index(op.f('ix_held_submissions_user_id'), 'held_submissions', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_held_submissions_user_id'), table_name='held_submissions')
    op.drop_table('held_submissions')
