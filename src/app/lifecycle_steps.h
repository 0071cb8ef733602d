/*
 * The pieces every step of a partner's onboarding lifecycle is made of
 * (SPEC sections 2, 3 and 5): the audit event of a step, a stage change,
 * the lifecycle facts core/lifecycle.c decides on, the messages to a
 * partner's people, and the clocks of a subject ("partner:3", "request:12").
 *
 * The steps themselves live in a file per part of the process:
 * questionnaire.c, setup.c, training.c, requests.c, warnings.c (breaches,
 * warnings and escalation), invitations.c, posthouses.c. Those are the
 * operations the API, the portal and the CLI call; these pieces are not:
 * none checks an actor or begins a transaction, each runs inside the
 * operation that calls it. A piece returns 0, a store error (<0), or
 * OP_REFUSED with o->err filled; the operation's op_end turns either into
 * its refusal.
 */
#ifndef VG_LIFECYCLE_STEPS_H
#define VG_LIFECYCLE_STEPS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "app/op.h"
#include "core/lifecycle.h"
#include "core/role.h"
#include "store/lifecycle_store.h"

/* Writes an audit event about the partner (before/after stolen; subject NULL: the partner). */
int lifecycle_event(struct op *o, const struct partner *p, const char *subject, const char *action,
                    json_t *before, json_t *after);
/* Moves the partner to a stage, with its audit event (why may be NULL). */
int lifecycle_set_stage(struct op *o, const struct partner *p, enum stage to, const char *why);

/* The lifecycle facts of a partner (stage, plan, setup items), as core/lifecycle.c wants them. */
int lifecycle_load_facts(struct op *o, const struct partner *p, struct lifecycle_facts *f);
/*
 * 0 when the lifecycle allows step now; else OP_REFUSED, a conflict
 * ("illegal_transition") whose message says what is missing.
 */
int lifecycle_step_allowed(struct op *o, const struct partner *p, enum step step);
/* 0 when user_id is a user with role; else an OP_INVALID refusal naming field. */
int lifecycle_user_with_role(struct op *o, int64_t user_id, enum role role, const char *field);

/*
 * Messages, queued in the operation's transaction (app/mail_queue.c). vars
 * are borrowed; the partner's name, zone, portal address and a link to the
 * partner page are added (and by mail_queue note_lines, the action's note
 * as a list of zero or one line). A template that does not render
 * refuses the step (OP_FAILED, "message_failed").
 */
/* One message to an address (to_user: its user, 0 when none). */
int lifecycle_send(struct op *o, const struct partner *p, const char *to_email, int64_t to_user,
                   const char *tmpl, json_t *vars);
/* To the partner's users, or to its contact email while it has none. */
int lifecycle_send_partner(struct op *o, const struct partner *p, const char *tmpl, json_t *vars);
/* To one user (0: nobody, and a user that is gone is skipped). */
int lifecycle_send_user(struct op *o, const struct partner *p, int64_t user_id, const char *tmpl,
                        json_t *vars);
/*
 * The partner's current owner (core/lifecycle.h lifecycle_current_owner:
 * the pom in steady state, else the pim, else the cam); 0 when none. Every
 * staff notice about a partner's event that is not addressed to a role by
 * the SPEC (the escalation's cam and commercial, an alternate solution's
 * cam and pim) goes to this user.
 */
int64_t lifecycle_owner(const struct partner *p);
/* To the partner's current owner (nobody when it has none). */
int lifecycle_send_owner(struct op *o, const struct partner *p, const char *tmpl, json_t *vars);
/*
 * To each of n users once: 0 and repeated ids are skipped, so a person who
 * holds two of the roles gets one message (lifecycle_send_once, no role).
 */
int lifecycle_send_users(struct op *o, const struct partner *p, const int64_t *user_ids, int n,
                         const char *tmpl, json_t *vars);
/* To every user of a staff role (commercial). */
int lifecycle_send_role(struct op *o, const struct partner *p, enum role role, const char *tmpl,
                        json_t *vars);

/*
 * One message to each distinct person among the users user_ids (n of them;
 * 0 entries skipped) and every user of the staff roles in roles (a mask,
 * 0: none): a person named twice, or holding a role and named, gets it once.
 */
int lifecycle_send_once(struct op *o, const struct partner *p, const int64_t *user_ids, size_t n,
                        unsigned roles, const char *tmpl, json_t *vars);

/* "partner:3" and "request:12": the subjects of clocks and events (in o's arena). */
const char *lifecycle_partner_subject(struct op *o, int64_t partner_id);
const char *lifecycle_request_subject(struct op *o, int64_t request_id);
/* The request a subject names ("request:12" → 12); 0 when it names something else. */
int64_t lifecycle_subject_request(const char *subject);
/* Starts a clock of the partner's; a clock-rule error refuses (OP_INVALID, its code). */
int lifecycle_start_clock(struct op *o, const struct partner *p, const char *kind,
                          const char *subject, int64_t start, int64_t *id);
/* Closes the open clocks of a subject (kind NULL: every kind) as met or cancelled. */
int lifecycle_close_clocks(struct op *o, const char *subject, const char *kind, const char *state,
                           const char *reason);
/* The due instant of the open clock of a kind on a subject; 0 when none is open. */
int64_t lifecycle_open_clock_due(struct op *o, const char *subject, const char *kind);

/* The due instant of a clock in words, in the partner's zone (SPEC 6; o's arena). */
const char *lifecycle_due_words(struct op *o, const struct partner *p, int64_t due);
/* What a clock is about, for people: the request's title, or "the onboarding of P". */
const char *lifecycle_subject_words(struct op *o, const struct partner *p, const char *subject);

#endif
