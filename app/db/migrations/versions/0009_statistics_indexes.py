"""statistics indexes

Revision ID: 0009
Revises: 0008
The year report within its budget (issue 12): the case timeline by case, kind and time, so that
T3's state as of the report date (交办, 延期, 办结/重新办理, 反馈 by a date) reads the index alone —
it replaces the index by case alone, which it begins with; the hardship records paid in a period
by state and paid date, with fund and amounts (T4 and the funds' 支出 from the index alone), and
each household's earlier records paid in the period (T4 帮扶户数).
Create Date: 2026-12-05 12:45:00
"""
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_case_events_case_kind_at', 'case_events', ['case_id', 'kind', 'at'], unique=False)
    op.drop_index('ix_case_events_case_id', table_name='case_events')
    op.create_index('ix_hardship_payments_state_paid', 'hardship_payments',
                    ['state', 'paid_on', 'fund_id', 'amount_fen', 'goods_value_fen'], unique=False)
    op.create_index('ix_hardship_payments_file_paid', 'hardship_payments', ['file_id', 'paid_on', 'state'],
                    unique=False)
    op.create_index('ix_hardship_payments_person_paid', 'hardship_payments',
                    ['person_id', 'file_id', 'paid_on', 'state'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_hardship_payments_person_paid', table_name='hardship_payments')
    op.drop_index('ix_hardship_payments_file_paid', table_name='hardship_payments')
    op.drop_index('ix_hardship_payments_state_paid', table_name='hardship_payments')
    op.create_index('ix_case_events_case_id', 'case_events', ['case_id'], unique=False)
    op.drop_index('ix_case_events_case_kind_at', table_name='case_events')
