"""rate-limit counters in the database: throttling holds across workers without Redis

Revision ID: 0006_rate_limits
Revises: 0005_certificate_mode
Create Date: 2026-12-05

With `gunicorn -w 4` and each worker counting sign-in attempts in its own memory, four times
the guesses got through (issue 13, item 9). Without COURSEPACK_REDIS_URL the counters now live
in this table, which every worker and host shares (player.store.limits).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006_rate_limits'
down_revision = '0005_certificate_mode'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rate_limits',
        sa.Column('key', sa.String(length=400), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_index(op.f('ix_rate_limits_expires_at'), 'rate_limits', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_rate_limits_expires_at'), table_name='rate_limits')
    op.drop_table('rate_limits')
