"""indexes found missing by EXPLAIN on 100,000 students and 5,000 postings

Revision ID: 0006_scale_indexes
Revises: 0005_user_locale
Create Date: 2026-12-02 05:19:58.399523

bench/explain.py on the data of bench/load_data.py (bench/explain.md has the plans'
numbers): talent search read the whole student_profiles table for the ids of those who
opted in (a partial index now answers it alone); the matcher's refresh read it all for
the few profiles changed (updated_at); deleting an account checked every application
event for its actor (actor_id); an application's history is read in order of time
(application_id, at, id replaces the index on application_id alone, its prefix).
Built in about 1.2 seconds on that data; plain CREATE INDEX, inside the migration's
transaction, so writes to these tables wait that long.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_scale_indexes'
down_revision = '0005_user_locale'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('application_events', schema=None) as batch_op:
        batch_op.create_index('ix_application_events_application_at', ['application_id', 'at', 'id'], unique=False)
        batch_op.drop_index(batch_op.f('ix_application_events_application_id'))
        batch_op.create_index('ix_application_events_actor_id', ['actor_id'], unique=False)

    with op.batch_alter_table('student_profiles', schema=None) as batch_op:
        batch_op.create_index('ix_student_profiles_discoverable', ['id'], unique=False, postgresql_where=sa.text('discoverable IS true'), sqlite_where=sa.text('discoverable IS 1'))
        batch_op.create_index('ix_student_profiles_updated_at', ['updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('student_profiles', schema=None) as batch_op:
        batch_op.drop_index('ix_student_profiles_updated_at')
        batch_op.drop_index('ix_student_profiles_discoverable')

    with op.batch_alter_table('application_events', schema=None) as batch_op:
        batch_op.drop_index('ix_application_events_actor_id')
        batch_op.create_index(batch_op.f('ix_application_events_application_id'), ['application_id'], unique=False)
        batch_op.drop_index('ix_application_events_application_at')
