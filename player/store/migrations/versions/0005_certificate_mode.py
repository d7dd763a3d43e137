"""certificates state how they were earned: the mode and the training time in minutes

Revision ID: 0005_certificate_mode
Revises: 0004_held
Create Date: 2026-12-04

A certificate says "self-paced online" or "face-to-face" with the minutes true for that mode
(SPEC 10, issue 14). Certificates issued before this revision were all earned online in the
player; they keep their hours, so their minutes are those hours again.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005_certificate_mode'
down_revision = '0004_held'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=20), nullable=False, server_default='online'))
        batch_op.add_column(sa.Column('minutes', sa.Integer(), nullable=False, server_default='0'))
    certificates = sa.table('certificates', sa.column('hours', sa.Float()), sa.column('minutes', sa.Integer()))
    op.execute(certificates.update().values(minutes=sa.func.round(certificates.c.hours * 60)))


def downgrade() -> None:
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('minutes')
        batch_op.drop_column('mode')
