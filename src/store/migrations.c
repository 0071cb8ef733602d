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
};

const int n_migrations = sizeof migrations / sizeof migrations[0];
