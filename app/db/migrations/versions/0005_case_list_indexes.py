"""case list indexes

Revision ID: 0005
Revises: 0004
The case list's first page with the file out of memory (issue 9, speed after a reboot): 重点关注 and
督办 sorted by due date read their own index in that order (no sort of every flagged case), and
诉求类别 + 未办结 reads the open cases of one category from one index (no row of the table).
Create Date: 2026-12-05 07:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_focus_due', ['focus', 'due_date', 'id'], unique=False)
        batch_op.create_index('ix_cases_supervised_due', ['supervised', 'due_date', 'id'], unique=False)
        batch_op.create_index('ix_cases_status_category', ['status', 'category', 'due_date'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_status_category')
        batch_op.drop_index('ix_cases_supervised_due')
        batch_op.drop_index('ix_cases_focus_due')
