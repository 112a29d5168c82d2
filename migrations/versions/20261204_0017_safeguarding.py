"""safeguarding: urgent alerts, the Meldcode, incidents, chain partners, the DUO melding

Revision ID: 0017
Revises: 0025
Create Date: 2026-12-04 22:17:56

Issue 23. Push subscriptions, alerts with their recipients (receipts, the e-mail fallback) and
the push outbox; Meldcode trajecten with their recorded steps and members; incidents with the
students involved; the chain partners and referrals; the DUO melding of a 16-hour signal. The
role column widens to 30 characters for ``aandachtsfunctionaris`` (21); a downgrade keeps
such accounts but switches them off as plain staff.
"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chain_partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('leerplicht', 'smw', 'jeugdteam', 'veilig_thuis', 'samenwerkingsverband', 'wijkagent', 'ggd', name='partnerkind', native_enum=False, length=25), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_chain_partner_location_id_location'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_partner')),
    sa.UniqueConstraint('kind', 'name', name=op.f('uq_chain_partner_kind_name'))
    )
    op.create_table('push_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sa.String(length=1000), nullable=False),
    sa.Column('p256dh', sa.String(length=200), nullable=False),
    sa.Column('auth', sa.String(length=100), nullable=False),
    sa.Column('expires_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_success_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_push_subscription_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscription')),
    sa.UniqueConstraint('endpoint', name=op.f('uq_push_subscription_endpoint'))
    )
    with op.batch_alter_table('push_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_subscription_user_id'), ['user_id'], unique=False)

    op.create_table('duo_melding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('signal_id', sa.Integer(), nullable=True),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=60), nullable=False),
    sa.Column('window_start', sa.Date(), nullable=False),
    sa.Column('window_end', sa.Date(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('follow_up', sa.Boolean(), nullable=False),
    sa.Column('leerplicht_contact', sa.String(length=120), nullable=False),
    sa.Column('contacted_on', sa.Date(), nullable=True),
    sa.Column('conversation_on', sa.Date(), nullable=True),
    sa.Column('conversation_note', sa.String(length=500), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reported_by_id'], ['user.id'], name=op.f('fk_duo_melding_reported_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['signal_id'], ['absence_signal.id'], name=op.f('fk_duo_melding_signal_id_absence_signal'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_duo_melding_student_id_student'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duo_melding')),
    sa.UniqueConstraint('signal_id', name=op.f('uq_duo_melding_signal_id'))
    )
    with op.batch_alter_table('duo_melding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duo_melding_student_id'), ['student_id'], unique=False)

    op.create_table('incident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('pesten', 'cyberpesten', 'fysiek_geweld', 'bedreiging', 'discriminatie', 'seksuele_intimidatie', 'diefstal', 'vernieling', 'wapenbezit', 'middelen', 'anders', name='incidentkind', native_enum=False, length=25), nullable=False),
    sa.Column('occurred_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('description', sa.String(length=4000), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_incident_created_by_id_user')),
    sa.ForeignKeyConstraint(['entry_id'], ['floor_entry.id'], name=op.f('fk_incident_entry_id_floor_entry'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_incident_location_id_location')),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_incident_zone_id_zone'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_incident_entry_id'))
    )
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.create_index('ix_incident_location_occurred', ['location_id', 'occurred_at'], unique=False)

    op.create_table('meldcode_traject',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'afgesloten', name='meldcodestatus', native_enum=False, length=12), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('signal', sa.Text(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('reported_on', sa.Date(), nullable=True),
    sa.Column('report_reference', sa.String(length=60), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('close_reason', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'], name=op.f('fk_meldcode_traject_closed_by_id_user')),
    sa.ForeignKeyConstraint(['entry_id'], ['floor_entry.id'], name=op.f('fk_meldcode_traject_entry_id_floor_entry'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['user.id'], name=op.f('fk_meldcode_traject_opened_by_id_user')),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_meldcode_traject_owner_id_user')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['user.id'], name=op.f('fk_meldcode_traject_reported_by_id_user')),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_meldcode_traject_student_id_student')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meldcode_traject'))
    )
    with op.batch_alter_table('meldcode_traject', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meldcode_traject_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meldcode_traject_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meldcode_traject_student_id'), ['student_id'], unique=False)
        batch_op.create_index('uq_meldcode_traject_open_student', ['student_id'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('contact_person', sa.String(length=120), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('consent', sa.Enum('ouders_en_leerling', 'ouders', 'leerling', 'geen', name='consent', native_enum=False, length=20), nullable=False),
    sa.Column('consent_note', sa.String(length=300), nullable=False),
    sa.Column('feedback_due', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('open', 'afgerond', name='referralstatus', native_enum=False, length=12), nullable=False),
    sa.Column('outcome', sa.String(length=1000), nullable=False),
    sa.Column('outcome_on', sa.Date(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['casus.id'], name=op.f('fk_referral_case_id_casus'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'], name=op.f('fk_referral_closed_by_id_user')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_referral_created_by_id_user')),
    sa.ForeignKeyConstraint(['partner_id'], ['chain_partner.id'], name=op.f('fk_referral_partner_id_chain_partner')),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_referral_student_id_student')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral'))
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index('ix_referral_status_due', ['status', 'feedback_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_student_id'), ['student_id'], unique=False)

    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('kind', sa.Enum('veiligheid', 'doorverwezen', 'meldcode', name='alertkind', native_enum=False, length=20), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('traject_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledgement_note', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['user.id'], name=op.f('fk_alert_acknowledged_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entry_id'], ['floor_entry.id'], name=op.f('fk_alert_entry_id_floor_entry'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_alert_location_id_location'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['traject_id'], ['meldcode_traject.id'], name=op.f('fk_alert_traject_id_meldcode_traject'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert'))
    )
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index('ix_alert_location_created', ['location_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_traject_id'), ['traject_id'], unique=False)

    op.create_table('incident_student',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('dader', 'slachtoffer', 'omstander', 'betrokken', name='incidentrole', native_enum=False, length=15), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_incident_student_incident_id_incident'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_incident_student_student_id_student')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_student')),
    sa.UniqueConstraint('incident_id', 'student_id', name=op.f('uq_incident_student_incident_id_student_id'))
    )
    with op.batch_alter_table('incident_student', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_student_student_id'), ['student_id'], unique=False)

    op.create_table('meldcode_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], name=op.f('fk_meldcode_member_added_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['traject_id'], ['meldcode_traject.id'], name=op.f('fk_meldcode_member_traject_id_meldcode_traject'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_meldcode_member_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meldcode_member')),
    sa.UniqueConstraint('traject_id', 'user_id', name=op.f('uq_meldcode_member_traject_id_user_id'))
    )
    with op.batch_alter_table('meldcode_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meldcode_member_user_id'), ['user_id'], unique=False)

    op.create_table('meldcode_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Enum('signalen', 'consultatie', 'gesprek', 'wegen', 'beslissen', name='meldcodestep', native_enum=False, length=15), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('participants', sa.String(length=300), nullable=False),
    sa.Column('notes', sa.String(length=4000), nullable=False),
    sa.Column('report_needed', sa.Enum('ja', 'nee', name='answer', native_enum=False, length=4), nullable=True),
    sa.Column('help_possible', sa.Enum('ja', 'nee', name='answer', native_enum=False, length=4), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_meldcode_record_author_id_user')),
    sa.ForeignKeyConstraint(['traject_id'], ['meldcode_traject.id'], name=op.f('fk_meldcode_record_traject_id_meldcode_traject'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meldcode_record'))
    )
    with op.batch_alter_table('meldcode_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meldcode_record_traject_id'), ['traject_id'], unique=False)

    op.create_table('alert_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('email_due_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('emailed_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('email_attempts', sa.Integer(), nullable=False),
    sa.Column('email_error', sa.String(length=300), nullable=False),
    sa.Column('claimed_until', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claim_token', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], name=op.f('fk_alert_receipt_alert_id_alert'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_alert_receipt_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_receipt')),
    sa.UniqueConstraint('alert_id', 'user_id', name=op.f('uq_alert_receipt_alert_id_user_id'))
    )
    with op.batch_alter_table('alert_receipt', schema=None) as batch_op:
        batch_op.create_index('ix_alert_receipt_email_due', ['emailed_at', 'email_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_receipt_user_id'), ['user_id'], unique=False)

    op.create_table('push_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('wacht', 'verstuurd', 'mislukt', 'vervallen', name='pushstatus', native_enum=False, length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claim_token', sa.String(length=32), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], name=op.f('fk_push_outbox_alert_id_alert'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscription_id'], ['push_subscription.id'], name=op.f('fk_push_outbox_subscription_id_push_subscription'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_outbox'))
    )
    with op.batch_alter_table('push_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_outbox_alert_id'), ['alert_id'], unique=False)
        batch_op.create_index('ix_push_outbox_status_next', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_outbox_subscription_id'), ['subscription_id'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('role',
               existing_type=sa.String(length=20),
               type_=sa.String(length=30),
               existing_nullable=False)



def downgrade():
    # The old role column has no room for (and no such role as) aandachtsfunctionaris: those
    # accounts are kept, but switched off and made plain staff, so downgrading grants nobody
    # anything.
    op.execute(
        "UPDATE \"user\" SET role = 'medewerker', active = false "
        "WHERE role = 'aandachtsfunctionaris'"
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('role',
               existing_type=sa.String(length=30),
               type_=sa.String(length=20),
               existing_nullable=False)

    with op.batch_alter_table('push_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_outbox_subscription_id'))
        batch_op.drop_index('ix_push_outbox_status_next')
        batch_op.drop_index(batch_op.f('ix_push_outbox_alert_id'))

    op.drop_table('push_outbox')
    with op.batch_alter_table('alert_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_receipt_user_id'))
        batch_op.drop_index('ix_alert_receipt_email_due')

    op.drop_table('alert_receipt')
    with op.batch_alter_table('meldcode_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meldcode_record_traject_id'))

    op.drop_table('meldcode_record')
    with op.batch_alter_table('meldcode_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meldcode_member_user_id'))

    op.drop_table('meldcode_member')
    with op.batch_alter_table('incident_student', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_student_student_id'))

    op.drop_table('incident_student')
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_traject_id'))
        batch_op.drop_index('ix_alert_location_created')
        batch_op.drop_index(batch_op.f('ix_alert_entry_id'))

    op.drop_table('alert')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_student_id'))
        batch_op.drop_index('ix_referral_status_due')
        batch_op.drop_index(batch_op.f('ix_referral_partner_id'))
        batch_op.drop_index(batch_op.f('ix_referral_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_referral_case_id'))

    op.drop_table('referral')
    with op.batch_alter_table('meldcode_traject', schema=None) as batch_op:
        batch_op.drop_index('uq_meldcode_traject_open_student', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index(batch_op.f('ix_meldcode_traject_student_id'))
        batch_op.drop_index(batch_op.f('ix_meldcode_traject_owner_id'))
        batch_op.drop_index(batch_op.f('ix_meldcode_traject_entry_id'))

    op.drop_table('meldcode_traject')
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_location_occurred')

    op.drop_table('incident')
    with op.batch_alter_table('duo_melding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duo_melding_student_id'))

    op.drop_table('duo_melding')
    with op.batch_alter_table('push_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_subscription_user_id'))

    op.drop_table('push_subscription')
    op.drop_table('chain_partner')
