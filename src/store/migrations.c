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
     "  working_days INTEGER NOT NULL,"  /* bit i = ISO weekday i + 1 */
     "  first_year INTEGER NOT NULL,"
     "  last_year INTEGER NOT NULL,"
     "  version INTEGER NOT NULL DEFAULT 1,"
     "  created_at BIGINT NOT NULL,"
     "  updated_at BIGINT NOT NULL"
     ");"
     "CREATE TABLE calendar_holidays ("
     "  calendar_id BIGINT NOT NULL REFERENCES calendars(id),"
     "  day BIGINT NOT NULL,"            /* day number since 1970-01-01 */
     "  name TEXT NOT NULL,"
     "  PRIMARY KEY (calendar_id, day)"
     ");"
     "CREATE TABLE clocks ("
     "  id {{id}},"
     "  partner_id BIGINT REFERENCES partners(id),"
     "  kind TEXT NOT NULL,"             /* delivery_48h, response_3wd, setup_10d ... */
     "  subject TEXT NOT NULL,"          /* what it is about: request:12, partner:3 */
     "  calendar_id BIGINT REFERENCES calendars(id),"
     "  calendar_version INTEGER NOT NULL DEFAULT 0,"
     "  time_zone TEXT NOT NULL,"
     "  started_at BIGINT NOT NULL,"
     "  fixed_due BIGINT,"              /* kind milestone only */
     "  extension_days INTEGER NOT NULL DEFAULT 0,"
     "  due_at BIGINT,"                 /* NULL while paused */
     "  state TEXT NOT NULL,"            /* running, paused, met, breached, cancelled */
     "  closed_at BIGINT,"              /* when met, breached (= due_at) or cancelled */
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
     "  to_at BIGINT,"                  /* NULL while still paused */
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
};

const int n_migrations = sizeof migrations / sizeof migrations[0];
