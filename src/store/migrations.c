/*
 * The schema, as numbered migrations in portable SQL.
 *
 * Each migration runs once, in order, inside a transaction, and records its
 * number in schema_migrations. The text is shared by both engines; the few
 * words that differ are written as tokens that store.c replaces:
 *   {{id}}   an auto-assigned 64-bit primary key
 * Times are BIGINT Unix seconds (UTC); booleans are INTEGER 0/1.
 * Never edit a migration that has shipped: add a new one.
 */
#include "store/migrations.h"

const struct migration migrations[] = {
    {1, "users, partners, tokens, throttle, audit log",
     "CREATE TABLE partners ("
     "  id {{id}},"
     "  name TEXT NOT NULL,"
     "  contact_email TEXT NOT NULL,"
     "  time_zone TEXT NOT NULL,"
     "  calendar_id BIGINT,"
     "  channels INTEGER NOT NULL DEFAULT 0,"
     "  posthouse INTEGER NOT NULL DEFAULT 0,"
     "  stage TEXT NOT NULL DEFAULT 'invited',"
     "  alias TEXT UNIQUE,"
     "  agent_id BIGINT REFERENCES partners(id),"
     "  created_at BIGINT NOT NULL"
     ");"
     "CREATE INDEX partners_stage ON partners(stage, id);"
     "CREATE INDEX partners_agent ON partners(agent_id);"
     "CREATE TABLE users ("
     "  id {{id}},"
     "  email TEXT NOT NULL UNIQUE,"
     "  name TEXT NOT NULL,"
     "  role TEXT NOT NULL,"
     "  partner_id BIGINT REFERENCES partners(id),"
     "  password_hash TEXT,"
     "  created_at BIGINT NOT NULL"
     ");"
     "CREATE INDEX users_partner ON users(partner_id);"
     "CREATE TABLE tokens ("
     "  id {{id}},"
     "  hash TEXT NOT NULL UNIQUE,"
     "  kind INTEGER NOT NULL,"
     "  user_id BIGINT NOT NULL REFERENCES users(id),"
     "  csrf TEXT,"
     "  label TEXT,"
     "  created_at BIGINT NOT NULL,"
     "  expires_at BIGINT NOT NULL"
     ");"
     "CREATE INDEX tokens_user ON tokens(user_id);"
     "CREATE TABLE sign_in_failures ("
     "  email TEXT PRIMARY KEY,"
     "  failures BIGINT NOT NULL,"
     "  last_at BIGINT NOT NULL"
     ");"
     "CREATE TABLE events ("
     "  id {{id}},"
     "  at BIGINT NOT NULL,"
     "  actor_id BIGINT REFERENCES users(id),"
     "  partner_id BIGINT REFERENCES partners(id),"
     "  subject TEXT NOT NULL,"
     "  action TEXT NOT NULL,"
     "  before_json TEXT,"
     "  after_json TEXT"
     ");"
     "CREATE INDEX events_partner ON events(partner_id, id);"},
    {2, "calendars, holidays, clocks and their pauses",
     "CREATE TABLE calendars ("
     "  id {{id}},"
     "  name TEXT NOT NULL,"
     "  time_zone TEXT NOT NULL,"
     "  working_days INTEGER NOT NULL," /* bit i = ISO weekday i + 1 */
     "  first_year INTEGER NOT NULL,"
     "  last_year INTEGER NOT NULL,"
     "  version INTEGER NOT NULL DEFAULT 1,"
     "  created_at BIGINT NOT NULL,"
     "  updated_at BIGINT NOT NULL"
     ");"
     "CREATE TABLE calendar_holidays ("
     "  calendar_id BIGINT NOT NULL REFERENCES calendars(id),"
     "  day BIGINT NOT NULL," /* day number since 1970-01-01 */
     "  name TEXT NOT NULL,"
     "  PRIMARY KEY (calendar_id, day)"
     ");"
     "CREATE TABLE clocks ("
     "  id {{id}},"
     "  partner_id BIGINT REFERENCES partners(id),"
     "  kind TEXT NOT NULL,"    /* delivery_48h, response_3wd, setup_10d ... */
     "  subject TEXT NOT NULL," /* what it is about: request:12, partner:3 */
     "  calendar_id BIGINT REFERENCES calendars(id),"
     "  calendar_version INTEGER NOT NULL DEFAULT 0,"
     "  time_zone TEXT NOT NULL,"
     "  started_at BIGINT NOT NULL,"
     "  fixed_due BIGINT," /* kind milestone only */
     "  extension_days INTEGER NOT NULL DEFAULT 0,"
     "  due_at BIGINT,"       /* NULL while paused */
     "  state TEXT NOT NULL," /* running, paused, met, breached, cancelled */
     "  closed_at BIGINT,"    /* when met, breached (= due_at) or cancelled */
     "  label TEXT,"
     "  tzdata TEXT NOT NULL,"
     "  created_at BIGINT NOT NULL"
     ");"
     "CREATE INDEX clocks_due ON clocks(state, due_at, id);"
     "CREATE INDEX clocks_partner ON clocks(partner_id, id);"
     "CREATE INDEX clocks_subject ON clocks(subject, kind);"
     "CREATE INDEX clocks_calendar ON clocks(calendar_id, state);"
     "CREATE TABLE clock_pauses ("
     "  id {{id}},"
     "  clock_id BIGINT NOT NULL REFERENCES clocks(id),"
     "  from_at BIGINT NOT NULL,"
     "  to_at BIGINT," /* NULL while still paused */
     "  reason TEXT NOT NULL,"
     "  by_user BIGINT REFERENCES users(id)"
     ");"
     "CREATE INDEX clock_pauses_clock ON clock_pauses(clock_id, id);"
     "CREATE TABLE clock_extensions ("
     "  id {{id}},"
     "  clock_id BIGINT NOT NULL REFERENCES clocks(id),"
     "  days INTEGER NOT NULL,"
     "  reason TEXT NOT NULL,"
     "  by_user BIGINT REFERENCES users(id),"
     "  at BIGINT NOT NULL"
     ");"
     "CREATE TABLE user_feeds ("
     "  user_id BIGINT PRIMARY KEY REFERENCES users(id),"
     "  token_hash TEXT NOT NULL UNIQUE"
     ");"},
    {3, "the onboarding lifecycle: owners, questionnaire, setup, requests, warnings",
     "ALTER TABLE partners ADD COLUMN cam_id BIGINT REFERENCES users(id);"
     "ALTER TABLE partners ADD COLUMN pim_id BIGINT REFERENCES users(id);"
     "ALTER TABLE partners ADD COLUMN pom_id BIGINT REFERENCES users(id);"
     "ALTER TABLE partners ADD COLUMN plm_id BIGINT REFERENCES users(id);"
     "ALTER TABLE partners ADD COLUMN warnings INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE partners ADD COLUMN decision_pending INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE partners ADD COLUMN training_skipped INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE partners ADD COLUMN training_modules TEXT NOT NULL DEFAULT '[]';"
     "ALTER TABLE partners ADD COLUMN approved_formats TEXT NOT NULL DEFAULT '[]';"
     "ALTER TABLE partners ADD COLUMN stage_at BIGINT;"
     "ALTER TABLE clocks ADD COLUMN soon_sent INTEGER NOT NULL DEFAULT 0;"
     "CREATE TABLE questionnaires ("
     "  version TEXT PRIMARY KEY,"
     "  definition TEXT NOT NULL,"
     "  loaded_at BIGINT NOT NULL"
     ");"
     "CREATE TABLE questionnaire_answers ("
     "  partner_id BIGINT PRIMARY KEY REFERENCES partners(id),"
     "  version TEXT NOT NULL REFERENCES questionnaires(version),"
     "  answers TEXT NOT NULL,"
     "  status TEXT NOT NULL," /* draft, submitted */
     "  sent_at BIGINT,"
     "  updated_at BIGINT NOT NULL,"
     "  submitted_at BIGINT,"
     "  submitted_by BIGINT REFERENCES users(id)"
     ");"
     "CREATE TABLE setup_items ("
     "  partner_id BIGINT NOT NULL REFERENCES partners(id),"
     "  item TEXT NOT NULL,"   /* alias, transfer_account, portal_account */
     "  status TEXT NOT NULL," /* pending, done */
     "  owner_id BIGINT REFERENCES users(id),"
     "  value TEXT,"
     "  updated_at BIGINT NOT NULL,"
     "  PRIMARY KEY (partner_id, item)"
     ");"
     "CREATE TABLE transfer_accounts ("
     "  partner_id BIGINT PRIMARY KEY REFERENCES partners(id),"
     "  username TEXT NOT NULL UNIQUE,"
     "  token_hash TEXT NOT NULL UNIQUE,"
     "  created_at BIGINT NOT NULL"
     ");"
     "CREATE TABLE invitations ("
     "  token_hash TEXT PRIMARY KEY,"
     "  user_id BIGINT NOT NULL REFERENCES users(id),"
     "  created_at BIGINT NOT NULL,"
     "  expires_at BIGINT NOT NULL,"
     "  used_at BIGINT"
     ");"
     "CREATE TABLE requests ("
     "  id {{id}},"
     "  partner_id BIGINT NOT NULL REFERENCES partners(id),"
     "  kind TEXT NOT NULL," /* avails, asset_package */
     "  title TEXT NOT NULL,"
     "  note TEXT,"
     "  phase TEXT NOT NULL,"  /* training, steady_state */
     "  status TEXT NOT NULL," /* open, delivered, passed, failed, closed */
     "  issued_at BIGINT NOT NULL,"
     "  issued_by BIGINT REFERENCES users(id),"
     "  n_rerequests INTEGER NOT NULL DEFAULT 0,"
     "  last_issued_at BIGINT NOT NULL,"
     "  late INTEGER NOT NULL DEFAULT 0"
     ");"
     "CREATE INDEX requests_partner ON requests(partner_id, id);"
     "CREATE TABLE request_messages ("
     "  id {{id}},"
     "  request_id BIGINT NOT NULL REFERENCES requests(id),"
     "  author_id BIGINT REFERENCES users(id),"
     "  from_partner INTEGER NOT NULL,"
     "  body TEXT NOT NULL,"
     "  at BIGINT NOT NULL"
     ");"
     "CREATE INDEX request_messages_request ON request_messages(request_id, id);"
     "CREATE TABLE warnings ("
     "  id {{id}},"
     "  partner_id BIGINT NOT NULL REFERENCES partners(id),"
     "  request_id BIGINT REFERENCES requests(id),"
     "  clock_id BIGINT NOT NULL UNIQUE REFERENCES clocks(id),"
     "  number INTEGER NOT NULL,"
     "  issued_at BIGINT NOT NULL,"
     "  reason TEXT NOT NULL"
     ");"
     "CREATE INDEX warnings_partner ON warnings(partner_id, id);"
     "CREATE TABLE decisions ("
     "  id {{id}},"
     "  partner_id BIGINT NOT NULL REFERENCES partners(id),"
     "  action TEXT NOT NULL,"
     "  note TEXT,"
     "  by_user BIGINT REFERENCES users(id),"
     "  at BIGINT NOT NULL"
     ");"
     "CREATE TABLE alternate_requests ("
     "  id {{id}},"
     "  partner_id BIGINT NOT NULL REFERENCES partners(id),"
     "  reason TEXT NOT NULL,"
     "  by_user BIGINT REFERENCES users(id),"
     "  at BIGINT NOT NULL,"
     "  resolved_at BIGINT"
     ");"},
    {4, "the outbox: messages and their delivery attempts",
     "CREATE TABLE outbox ("
     "  id {{id}},"
     "  to_email TEXT NOT NULL,"
     "  to_user BIGINT REFERENCES users(id),"
     "  partner_id BIGINT REFERENCES partners(id),"
     "  template TEXT NOT NULL,"
     "  subject TEXT NOT NULL,"
     "  body TEXT NOT NULL,"
     "  message_id TEXT NOT NULL UNIQUE," /* the Message-ID header, the same on every retry */
     "  created_at BIGINT NOT NULL,"
     "  sent_at BIGINT,"
     "  attempts INTEGER NOT NULL DEFAULT 0,"
     "  next_attempt_at BIGINT," /* queued: when a sender may take it; else NULL */
     "  state TEXT NOT NULL,"    /* queued, sent, failed */
     "  last_reply TEXT"
     ");"
     "CREATE INDEX outbox_due ON outbox(state, next_attempt_at, id);"
     "CREATE INDEX outbox_to ON outbox(to_email, id);"
     "CREATE TABLE outbox_attempts ("
     "  id {{id}},"
     "  message BIGINT NOT NULL REFERENCES outbox(id),"
     "  at BIGINT NOT NULL,"
     "  reply TEXT NOT NULL,"
     "  ok INTEGER NOT NULL"
     ");"
     "CREATE INDEX outbox_attempts_message ON outbox_attempts(message, id);"},
    {5, "tus uploads: offsets, running hash state, expiry",
     "CREATE TABLE uploads ("
     "  id TEXT PRIMARY KEY," /* 32 hex characters, server-made */
     "  partner_id BIGINT NOT NULL REFERENCES partners(id),"
     "  user_id BIGINT REFERENCES users(id),"
     "  filename TEXT,"                 /* metadata only: files are named by id */
     "  metadata TEXT,"                 /* Upload-Metadata as received (validated) */
     "  length BIGINT,"                 /* NULL while deferred */
     "  upload_offset BIGINT NOT NULL," /* committed (durable) bytes */
     "  state TEXT NOT NULL,"           /* open, complete, expired */
     "  generation BIGINT NOT NULL,"    /* bumped by each writer that takes it */
     "  hash_state TEXT,"               /* sha256 + md5 state at upload_offset */
     "  sha256 TEXT,"
     "  md5 TEXT,"
     "  created_at BIGINT NOT NULL,"
     "  updated_at BIGINT NOT NULL,"
     "  expires_at BIGINT," /* NULL once complete */
     "  completed_at BIGINT"
     ");"
     "CREATE INDEX uploads_partner ON uploads(partner_id, created_at);"
     "CREATE INDEX uploads_expiry ON uploads(state, expires_at);"},
    {6, "deliveries, their files and findings, and the background job queue",
     "CREATE TABLE deliveries ("
     "  id {{id}},"
     "  partner_id BIGINT NOT NULL REFERENCES partners(id),"
     "  request_id BIGINT REFERENCES requests(id),"
     "  previous_id BIGINT REFERENCES deliveries(id)," /* the delivery this one redelivers */
     "  kind TEXT NOT NULL,"                           /* avails, asset_package */
     "  status TEXT NOT NULL,"                         /* validating, passed, failed */
     "  created_by BIGINT REFERENCES users(id),"
     "  received_at BIGINT NOT NULL," /* the receipt: all files verified */
     "  validated_at BIGINT,"
     "  ruleset TEXT,"
     "  n_errors INTEGER NOT NULL DEFAULT 0,"
     "  n_warnings INTEGER NOT NULL DEFAULT 0,"
     "  late INTEGER NOT NULL DEFAULT 0"
     ");"
     "CREATE INDEX deliveries_partner ON deliveries(partner_id, id);"
     "CREATE INDEX deliveries_request ON deliveries(request_id, id);"
     "CREATE TABLE delivery_files ("
     "  delivery_id BIGINT NOT NULL REFERENCES deliveries(id),"
     "  position INTEGER NOT NULL,"
     "  upload_id TEXT NOT NULL,"
     "  filename TEXT NOT NULL,"
     "  length BIGINT NOT NULL,"
     "  sha256 TEXT NOT NULL,"
     "  md5 TEXT,"
     "  PRIMARY KEY (delivery_id, position)"
     ");"
     "CREATE TABLE delivery_findings ("
     "  delivery_id BIGINT NOT NULL REFERENCES deliveries(id),"
     "  position INTEGER NOT NULL,"
     "  code TEXT NOT NULL,"
     "  severity TEXT NOT NULL,"
     "  file TEXT,"
     "  finding TEXT NOT NULL," /* the whole finding as JSON */
     "  PRIMARY KEY (delivery_id, position)"
     ");"
     "CREATE TABLE jobs ("
     "  id {{id}},"
     "  kind TEXT NOT NULL,"    /* validate */
     "  subject TEXT NOT NULL," /* delivery:12 */
     "  state TEXT NOT NULL,"   /* queued, running, done, failed */
     "  attempts INTEGER NOT NULL DEFAULT 0,"
     "  run_after BIGINT NOT NULL,"
     "  lease_until BIGINT,"
     "  last_error TEXT,"
     "  created_at BIGINT NOT NULL,"
     "  updated_at BIGINT NOT NULL"
     ");"
     "CREATE INDEX jobs_ready ON jobs(state, run_after, id);"},
    {7, "the outbox listed by partner and by state (the portal's outbox filters)",
     "CREATE INDEX outbox_partner ON outbox(partner_id, id);"
     "CREATE INDEX outbox_state ON outbox(state, id);"},
    {8, "tus concatenation: partial and final uploads",
     /* NULL: a plain upload; 'partial'; or the final's Upload-Concat value, 'final;URL ...' */
     "ALTER TABLE uploads ADD COLUMN concat TEXT;"},
    {9, "what sign-in stores: a throttle per client and account, no CSRF tokens",
     /* a session's CSRF token is derived from the session token now (base/secret.h); sessions
        made before keep working, their open forms need a reload */
     "ALTER TABLE tokens DROP COLUMN csrf;"
     /* the per-account failures (every email ever tried, in the clear) make way for hashed
        keys of client and account, kept SIGNIN_FORGET seconds after the last attempt */
     "DROP TABLE sign_in_failures;"
     "CREATE TABLE sign_in_throttle ("
     "  account TEXT NOT NULL,"
     "  client TEXT NOT NULL,"
     "  attempts BIGINT NOT NULL,"
     "  last_at BIGINT NOT NULL,"
     "  PRIMARY KEY (account, client)"
     ");"
     "CREATE INDEX sign_in_throttle_last ON sign_in_throttle(last_at);"},
    {10, "the instance that holds a job's lease",
     /* NULL while queued or ended; a restarted instance releases what it held at once */
     "ALTER TABLE jobs ADD COLUMN lease_owner TEXT;"},
    {11, "transfer credentials: who made and who last rotated them",
     /* the secret is still only a hash; a revoked credential is deleted (the audit log keeps
        its history); created_* is the first issue, rotated_* the latest new secret */
     "ALTER TABLE transfer_accounts ADD COLUMN created_by BIGINT REFERENCES users(id);"
     "ALTER TABLE transfer_accounts ADD COLUMN rotated_at BIGINT;"
     "ALTER TABLE transfer_accounts ADD COLUMN rotated_by BIGINT REFERENCES users(id);"},
    {12, "alternate-solution requests are cases: open, acknowledged, resolved with an outcome",
     /* clock_id: the service's acknowledge_3wd clock, started when the case opens */
     "ALTER TABLE alternate_requests ADD COLUMN state TEXT NOT NULL DEFAULT 'open';"
     "ALTER TABLE alternate_requests ADD COLUMN clock_id BIGINT;"
     "ALTER TABLE alternate_requests ADD COLUMN acknowledged_at BIGINT;"
     "ALTER TABLE alternate_requests ADD COLUMN acknowledged_by BIGINT REFERENCES users(id);"
     "ALTER TABLE alternate_requests ADD COLUMN resolved_by BIGINT REFERENCES users(id);"
     "ALTER TABLE alternate_requests ADD COLUMN note TEXT;"
     "ALTER TABLE alternate_requests ADD COLUMN outcome TEXT;"
     "UPDATE alternate_requests SET state = 'resolved' WHERE resolved_at IS NOT NULL;"
     "CREATE INDEX alternate_requests_partner ON alternate_requests(partner_id, id);"},
    /* 13 (issue 14, dead ends): an organisation's own admin invites and removes its colleagues;
       the installation's admin disables accounts and sees who signed in when */
    {13, "users: an organisation's admin flag, disabled accounts, the last sign-in",
     "ALTER TABLE users ADD COLUMN org_admin INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE users ADD COLUMN disabled_at BIGINT;"
     "ALTER TABLE users ADD COLUMN last_sign_in_at BIGINT;"},
    /* 14 (issue 15, scorecards): which organisation made a delivery, the partner itself or the
       posthouse acting for it, so a posthouse has a scorecard of its own; the deliveries made
       before are the signed-in user's organisation's, or the partner's (a transfer credential,
       staff) */
    {14, "deliveries: the organisation that delivered (the partner, or its posthouse)",
     "ALTER TABLE deliveries ADD COLUMN delivered_by BIGINT REFERENCES partners(id);"
     "UPDATE deliveries SET delivered_by = COALESCE((SELECT u.partner_id FROM users u"
     " WHERE u.id = deliveries.created_by), partner_id);"
     "CREATE INDEX deliveries_delivered_by ON deliveries(delivered_by, partner_id);"},
    /* 15 (issue 15, titles): the steady state. A title is its partner's (never the uploader's),
       keyed by ALID else ContentID, normalised (core/title.h: title_key); next_due and state are
       kept by app/titles.c for listing one partner's titles by deadline and by state */
    {15, "titles: identifiers, windows, assets, per-territory state and the deliveries behind them",
     "CREATE TABLE titles ("
     "  id {{id}},"
     "  partner_id BIGINT NOT NULL REFERENCES partners(id),"
     "  title_key TEXT NOT NULL,"
     "  alid TEXT,"
     "  content_id TEXT,"
     "  eidr TEXT,"
     "  name TEXT NOT NULL,"
     "  work_type TEXT NOT NULL DEFAULT 'Movie',"
     "  series_name TEXT,"
     "  season_number BIGINT,"
     "  episode_number BIGINT,"
     "  parent_id BIGINT REFERENCES titles(id),"
     "  original_language TEXT,"
     "  made_by_delivery BIGINT REFERENCES deliveries(id),"
     "  created_by BIGINT REFERENCES users(id),"
     "  created_at BIGINT NOT NULL,"
     "  updated_at BIGINT NOT NULL,"
     "  state TEXT NOT NULL DEFAULT 'waiting_for_assets',"
     "  next_due BIGINT NOT NULL DEFAULT 9000000000000,"
     "  UNIQUE (partner_id, title_key)"
     ");"
     "CREATE INDEX titles_partner_due ON titles(partner_id, next_due, id);"
     "CREATE INDEX titles_partner_state ON titles(partner_id, state, next_due, id);"
     "CREATE INDEX titles_due ON titles(next_due, id);"
     "CREATE INDEX titles_content ON titles(partner_id, content_id);"
     "CREATE TABLE title_windows ("
     "  id {{id}},"
     "  title_id BIGINT NOT NULL REFERENCES titles(id),"
     "  territory TEXT NOT NULL,"
     "  license_type TEXT NOT NULL,"
     "  format_profile TEXT NOT NULL,"
     "  start_date TEXT,"          /* YYYY-MM-DD as delivered (NULL: a condition) */
     "  end_date TEXT,"            /* NULL: open-ended */
     "  start_at BIGINT NOT NULL," /* the start as a UTC instant (the day's 00:00) */
     "  end_at BIGINT,"
     "  state TEXT NOT NULL,"      /* active, ended */
     "  delivery_id BIGINT REFERENCES deliveries(id),"
     "  updated_at BIGINT NOT NULL,"
     "  UNIQUE (title_id, territory, license_type, format_profile)"
     ");"
     "CREATE TABLE title_assets ("
     "  id {{id}},"
     "  title_id BIGINT NOT NULL REFERENCES titles(id),"
     "  kind TEXT NOT NULL,"     /* video, audio, captions, artwork, metadata */
     "  language TEXT NOT NULL," /* '' for none */
     "  status TEXT NOT NULL,"   /* passed, failed */
     "  delivery_id BIGINT REFERENCES deliveries(id),"
     "  updated_at BIGINT NOT NULL,"
     "  UNIQUE (title_id, kind, language)"
     ");"
     "CREATE TABLE title_states ("
     "  title_id BIGINT NOT NULL REFERENCES titles(id),"
     "  territory TEXT NOT NULL,"
     "  state TEXT NOT NULL," /* waiting_for_assets, ready, published */
     "  reasons TEXT,"
     "  window_start BIGINT,"
     "  assets_complete_at BIGINT,"
     "  ready_at BIGINT,"
     "  publish_by BIGINT,"
     "  published_at BIGINT,"
     "  clock_id BIGINT REFERENCES clocks(id),"
     "  updated_at BIGINT NOT NULL,"
     "  PRIMARY KEY (title_id, territory)"
     ");"
     "CREATE INDEX title_states_territory ON title_states(territory, state, title_id);"
     "CREATE TABLE title_deliveries ("
     "  title_id BIGINT NOT NULL REFERENCES titles(id),"
     "  delivery_id BIGINT NOT NULL REFERENCES deliveries(id),"
     "  PRIMARY KEY (title_id, delivery_id)"
     ");"
     "CREATE INDEX title_deliveries_delivery ON title_deliveries(delivery_id);"},
    /* 16: the scheduler asks every few seconds which waiting titles have their assets and a
       window within reach (store_title_each_to_wake); without this it scanned title_states.
       Partial: only the rows that can ever answer, so it stays small whatever the catalogue. */
    {16, "titles: the waiting titles the scheduler wakes, found without a scan",
     "CREATE INDEX title_states_to_wake ON title_states(window_start)"
     " WHERE state = 'waiting_for_assets' AND assets_complete_at IS NOT NULL;"},
};

const int n_migrations = sizeof migrations / sizeof migrations[0];
