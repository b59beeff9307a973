"""notice pending index

Revision ID: 0004
Revises: 0003
Cases whose acceptance notice is not delivered yet (告知书未送达: workbench and case list), as a
partial index: only those rows are in it.
Create Date: 2026-11-23 01:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_notice_pending', ['accepted_on', 'id'], unique=False,
                              sqlite_where=sa.text('notice_delivered_on IS NULL'),
                              postgresql_where=sa.text('notice_delivered_on IS NULL'))


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_notice_pending',
                            sqlite_where=sa.text('notice_delivered_on IS NULL'),
                            postgresql_where=sa.text('notice_delivered_on IS NULL'))
