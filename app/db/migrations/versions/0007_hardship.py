"""hardship-assistance ledger 困难职工帮扶

Revision ID: 0007
Revises: 0006
The household files 档案 with their members, procedure steps, reviews 复核, category changes and
materials; the funds with their allocations 拨入; assistance records 帮扶记录; campaigns 送温暖/金秋助学
and sign-for sheets 签领表 (app/db/models_hardship.py). New tables only: existing data is untouched.
The four usual fund sources are created (an editable list).
Create Date: 2026-12-05 09:30:00
"""
from datetime import datetime

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

FUNDS = ("上级拨款", "本级经费", "社会捐助", "财政专项")
CREATED = datetime(2026, 12, 5, 9, 30)


def upgrade() -> None:
    funds = op.create_table('hardship_funds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hardship_funds')),
    sa.UniqueConstraint('name', name=op.f('uq_hardship_funds_name'))
    )
    op.create_table('hardship_allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('doc_no', sa.String(length=60), nullable=False),
    sa.Column('allocated_on', sa.Date(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['fund_id'], ['hardship_funds.id'], name=op.f('fk_hardship_allocations_fund_id_hardship_funds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hardship_allocations'))
    )
    op.create_index('ix_hardship_allocations_fund_on', 'hardship_allocations', ['fund_id', 'allocated_on'], unique=False)
    op.create_table('hardship_campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=True),
    sa.Column('level_amounts', sa.Text(), nullable=False),
    sa.Column('assist_on', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['fund_id'], ['hardship_funds.id'], name=op.f('fk_hardship_campaigns_fund_id_hardship_funds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hardship_campaigns'))
    )
    op.create_index('ix_hardship_campaigns_year', 'hardship_campaigns', ['year', 'kind'], unique=False)
    op.create_table('hardship_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_no', sa.String(length=20), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=14), nullable=False),
    sa.Column('category', sa.String(length=10), nullable=True),
    sa.Column('proposed_category', sa.String(length=10), nullable=True),
    sa.Column('category_formula', sa.Text(), nullable=False),
    sa.Column('category_override_reason', sa.Text(), nullable=False),
    sa.Column('main_cause', sa.String(length=16), nullable=False),
    sa.Column('secondary_causes', sa.String(length=80), nullable=False),
    sa.Column('household_size', sa.Integer(), nullable=False),
    sa.Column('applicant_income_fen', sa.BigInteger(), nullable=False),
    sa.Column('other_income_fen', sa.BigInteger(), nullable=False),
    sa.Column('household_income_fen', sa.BigInteger(), nullable=False),
    sa.Column('rigid_annual_fen', sa.BigInteger(), nullable=False),
    sa.Column('per_head_fen', sa.BigInteger(), nullable=False),
    sa.Column('accident_cost_fen', sa.BigInteger(), nullable=False),
    sa.Column('accident_note', sa.Text(), nullable=False),
    sa.Column('above_line_since', sa.Date(), nullable=True),
    sa.Column('bank_name', sa.String(length=60), nullable=False),
    sa.Column('bank_account', sa.String(length=40), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('investigated_on', sa.Date(), nullable=True),
    sa.Column('investigators', sa.String(length=100), nullable=False),
    sa.Column('publicity_start', sa.Date(), nullable=True),
    sa.Column('publicity_end', sa.Date(), nullable=True),
    sa.Column('publicity_objection', sa.Text(), nullable=False),
    sa.Column('publicity_result', sa.Text(), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=True),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('review_due', sa.Date(), nullable=True),
    sa.Column('last_reviewed_on', sa.Date(), nullable=True),
    sa.Column('returned_reason', sa.Text(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('closure_reason', sa.String(length=12), nullable=True),
    sa.Column('closure_note', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_hardship_files_employer_id_employers')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_hardship_files_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hardship_files')),
    sa.UniqueConstraint('file_no', name=op.f('uq_hardship_files_file_no'))
    )
    op.create_index('ix_hardship_files_above_line', 'hardship_files', ['above_line_since'], unique=False)
    op.create_index('ix_hardship_files_applied', 'hardship_files', ['applied_on', 'id'], unique=False)
    op.create_index('ix_hardship_files_category', 'hardship_files', ['category', 'id'], unique=False)
    op.create_index('ix_hardship_files_cause', 'hardship_files', ['main_cause', 'id'], unique=False)
    op.create_index('ix_hardship_files_employer', 'hardship_files', ['employer_id', 'id'], unique=False)
    op.create_index('ix_hardship_files_person', 'hardship_files', ['person_id', 'state'], unique=False)
    op.create_index('ix_hardship_files_review_due', 'hardship_files', ['review_due', 'id'], unique=False)
    op.create_index('ix_hardship_files_state', 'hardship_files', ['state', 'id'], unique=False)
    op.create_table('hardship_sheets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_no', sa.String(length=30), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('sheet_on', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('total_fen', sa.BigInteger(), nullable=False),
    sa.Column('snapshot', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['hardship_campaigns.id'], name=op.f('fk_hardship_sheets_campaign_id_hardship_campaigns')),
    sa.ForeignKeyConstraint(['fund_id'], ['hardship_funds.id'], name=op.f('fk_hardship_sheets_fund_id_hardship_funds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hardship_sheets')),
    sa.UniqueConstraint('sheet_no', name=op.f('uq_hardship_sheets_sheet_no'))
    )
    op.create_index('ix_hardship_sheets_campaign', 'hardship_sheets', ['campaign_id'], unique=False)
    op.create_table('hardship_materials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['hardship_files.id'], name=op.f('fk_hardship_materials_file_id_hardship_files'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hardship_materials'))
    )
    op.create_index('ix_hardship_materials_file', 'hardship_materials', ['file_id', 'id'], unique=False)
    op.create_table('hardship_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('relation', sa.String(length=12), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('monthly_income_fen', sa.BigInteger(), nullable=False),
    sa.Column('health', sa.String(length=12), nullable=False),
    sa.Column('medical_insurance', sa.String(length=12), nullable=False),
    sa.Column('work_status', sa.String(length=12), nullable=False),
    sa.Column('schooling', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['hardship_files.id'], name=op.f('fk_hardship_members_file_id_hardship_files'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_hardship_members_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hardship_members'))
    )
    op.create_index('ix_hardship_members_file', 'hardship_members', ['file_id', 'seq'], unique=False)
    op.create_index('ix_hardship_members_id_number', 'hardship_members', ['id_number'], unique=False)
    op.create_index('ix_hardship_members_person', 'hardship_members', ['person_id'], unique=False)
    op.create_table('hardship_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('reviewer', sa.String(length=60), nullable=False),
    sa.Column('household_income_fen', sa.BigInteger(), nullable=False),
    sa.Column('rigid_annual_fen', sa.BigInteger(), nullable=False),
    sa.Column('household_size', sa.Integer(), nullable=False),
    sa.Column('per_head_fen', sa.BigInteger(), nullable=False),
    sa.Column('decision', sa.String(length=12), nullable=False),
    sa.Column('category_before', sa.String(length=10), nullable=True),
    sa.Column('category_after', sa.String(length=10), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('next_due', sa.Date(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['hardship_files.id'], name=op.f('fk_hardship_reviews_file_id_hardship_files'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hardship_reviews'))
    )
    op.create_index('ix_hardship_reviews_file', 'hardship_reviews', ['file_id', 'reviewed_on'], unique=False)
    op.create_table('hardship_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=40), nullable=False),
    sa.Column('state_before', sa.String(length=14), nullable=True),
    sa.Column('state_after', sa.String(length=14), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['hardship_files.id'], name=op.f('fk_hardship_steps_file_id_hardship_files'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hardship_steps'))
    )
    op.create_index('ix_hardship_steps_file', 'hardship_steps', ['file_id', 'id'], unique=False)
    op.create_table('hardship_category_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('category_before', sa.String(length=10), nullable=True),
    sa.Column('category_after', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['hardship_files.id'], name=op.f('fk_hardship_category_changes_file_id_hardship_files'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['hardship_reviews.id'], name=op.f('fk_hardship_category_changes_review_id_hardship_reviews')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hardship_category_changes'))
    )
    op.create_index('ix_hardship_category_changes_file', 'hardship_category_changes', ['file_id', 'changed_on'], unique=False)
    op.create_table('hardship_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('goods', sa.String(length=200), nullable=False),
    sa.Column('goods_value_fen', sa.BigInteger(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('assist_on', sa.Date(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('proposed_by', sa.Integer(), nullable=True),
    sa.Column('proposed_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('refusal_reason', sa.Text(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('pay_method', sa.String(length=8), nullable=True),
    sa.Column('voucher_no', sa.String(length=40), nullable=False),
    sa.Column('paid_by', sa.Integer(), nullable=True),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('sheet_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('student_name', sa.String(length=50), nullable=False),
    sa.Column('student_id_number', sa.String(length=18), nullable=True),
    sa.Column('school_level', sa.String(length=12), nullable=True),
    sa.Column('override_reason', sa.Text(), nullable=False),
    sa.Column('warning_acknowledged', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['hardship_campaigns.id'], name=op.f('fk_hardship_payments_campaign_id_hardship_campaigns')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_hardship_payments_case_id_cases')),
    sa.ForeignKeyConstraint(['file_id'], ['hardship_files.id'], name=op.f('fk_hardship_payments_file_id_hardship_files')),
    sa.ForeignKeyConstraint(['fund_id'], ['hardship_funds.id'], name=op.f('fk_hardship_payments_fund_id_hardship_funds')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_hardship_payments_person_id_people')),
    sa.ForeignKeyConstraint(['sheet_id'], ['hardship_sheets.id'], name=op.f('fk_hardship_payments_sheet_id_hardship_sheets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hardship_payments'))
    )
    op.create_index('ix_hardship_payments_assist_on', 'hardship_payments', ['assist_on', 'id'], unique=False)
    op.create_index('ix_hardship_payments_campaign', 'hardship_payments', ['campaign_id', 'student_id_number'], unique=False)
    op.create_index('ix_hardship_payments_case', 'hardship_payments', ['case_id'], unique=False)
    op.create_index('ix_hardship_payments_file', 'hardship_payments', ['file_id', 'kind', 'assist_on'], unique=False)
    op.create_index('ix_hardship_payments_fund', 'hardship_payments', ['fund_id', 'assist_on', 'id'], unique=False)
    op.create_index('ix_hardship_payments_fund_paid', 'hardship_payments', ['fund_id', 'paid_on'], unique=False)
    op.create_index('ix_hardship_payments_kind', 'hardship_payments', ['kind', 'assist_on', 'id'], unique=False)
    op.create_index('ix_hardship_payments_person', 'hardship_payments', ['person_id', 'kind', 'assist_on'], unique=False)
    op.create_index('ix_hardship_payments_sheet', 'hardship_payments', ['sheet_id'], unique=False)
    op.create_index('ix_hardship_payments_state', 'hardship_payments', ['state', 'assist_on', 'id'], unique=False)
    op.bulk_insert(funds, [{"name": name, "active": True, "sort": i, "note": "", "created_at": CREATED}
                           for i, name in enumerate(FUNDS, 1)])


def downgrade() -> None:
    op.drop_index('ix_hardship_payments_state', table_name='hardship_payments')
    op.drop_index('ix_hardship_payments_sheet', table_name='hardship_payments')
    op.drop_index('ix_hardship_payments_person', table_name='hardship_payments')
    op.drop_index('ix_hardship_payments_kind', table_name='hardship_payments')
    op.drop_index('ix_hardship_payments_fund_paid', table_name='hardship_payments')
    op.drop_index('ix_hardship_payments_fund', table_name='hardship_payments')
    op.drop_index('ix_hardship_payments_file', table_name='hardship_payments')
    op.drop_index('ix_hardship_payments_case', table_name='hardship_payments')
    op.drop_index('ix_hardship_payments_campaign', table_name='hardship_payments')
    op.drop_index('ix_hardship_payments_assist_on', table_name='hardship_payments')
    op.drop_table('hardship_payments')
    op.drop_index('ix_hardship_category_changes_file', table_name='hardship_category_changes')
    op.drop_table('hardship_category_changes')
    op.drop_index('ix_hardship_steps_file', table_name='hardship_steps')
    op.drop_table('hardship_steps')
    op.drop_index('ix_hardship_reviews_file', table_name='hardship_reviews')
    op.drop_table('hardship_reviews')
    op.drop_index('ix_hardship_members_person', table_name='hardship_members')
    op.drop_index('ix_hardship_members_id_number', table_name='hardship_members')
    op.drop_index('ix_hardship_members_file', table_name='hardship_members')
    op.drop_table('hardship_members')
    op.drop_index('ix_hardship_materials_file', table_name='hardship_materials')
    op.drop_table('hardship_materials')
    op.drop_index('ix_hardship_sheets_campaign', table_name='hardship_sheets')
    op.drop_table('hardship_sheets')
    op.drop_index('ix_hardship_files_state', table_name='hardship_files')
    op.drop_index('ix_hardship_files_review_due', table_name='hardship_files')
    op.drop_index('ix_hardship_files_person', table_name='hardship_files')
    op.drop_index('ix_hardship_files_employer', table_name='hardship_files')
    op.drop_index('ix_hardship_files_cause', table_name='hardship_files')
    op.drop_index('ix_hardship_files_category', table_name='hardship_files')
    op.drop_index('ix_hardship_files_applied', table_name='hardship_files')
    op.drop_index('ix_hardship_files_above_line', table_name='hardship_files')
    op.drop_table('hardship_files')
    op.drop_index('ix_hardship_campaigns_year', table_name='hardship_campaigns')
    op.drop_table('hardship_campaigns')
    op.drop_index('ix_hardship_allocations_fund_on', table_name='hardship_allocations')
    op.drop_table('hardship_allocations')
    op.drop_table('hardship_funds')
