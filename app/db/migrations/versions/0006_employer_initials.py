"""employer initials of every inner suffix

Revision ID: 0006
Revises: 0004 (re-point to 0005 when that migration is merged)
The pinyin initials of each employer's name from every character after the first, so that initials
typed from the middle of a name (「zxwy」 → 北京市中兴物业服务有限公司) are an index range too.
Filled from the stored ``employers.initials``.
Create Date: 2026-12-05 07:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

SUFFIX_LENGTH = 12     # as app.domain.pinyin.SUFFIX_LENGTH when this migration was written


def upgrade() -> None:
    table = op.create_table(
        'employer_initials',
        sa.Column('suffix', sa.String(length=12), nullable=False),
        sa.Column('employer_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('suffix', 'employer_id'),
        sqlite_with_rowid=False,
    )
    conn = op.get_bind()
    rows = []
    for employer_id, letters in conn.execute(sa.text("SELECT id, initials FROM employers")):
        letters = letters or ""
        rows.extend({"suffix": s, "employer_id": employer_id}
                    for s in {letters[k:k + SUFFIX_LENGTH] for k in range(1, len(letters))})
        if len(rows) >= 20_000:
            op.bulk_insert(table, rows)
            rows = []
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_table('employer_initials')
