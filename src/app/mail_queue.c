/*
 * Queueing mail: rendering a template into a message of the outbox, inside
 * the caller's transaction (see jobs/mail.h for why, and for the sender that
 * later delivers what is queued here). Templates are data: the built-in
 * templates/mail/NAME.txt, or DIR/NAME.txt of `serve --templates DIR`.
 *
 * The configuration (sender address, override directory) is set once before
 * threads start and only read after.
 */
#include "app/mail_queue.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/mail_templates.h"
#include "app/op.h"
#include "base/mem.h"
#include "base/secret.h"
#include "core/signin.h"
#include "core/template.h"

#define MAIL_TEMPLATE_MAX (256 * 1024)

static const char *from = MAIL_DEFAULT_FROM;
static const char *templates_dir;

static bool name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
              name[i] == '_'))
            return false;
    return true;
}

/* Reads a whole file of at most MAIL_TEMPLATE_MAX bytes. Returns 0, -ENOENT, or -1. */
static int read_file(const char *path, struct buf *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? -ENOENT : -1;
    int rc = 0;
    char chunk[4096];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || out->len + (size_t)n > MAIL_TEMPLATE_MAX) {
            rc = -1;
            break;
        }
        if (n == 0)
            break;
        buf_add(out, chunk, (size_t)n);
    }
    close(fd);
    return rc;
}

int mail_template_load(const char *name, struct buf *text, struct buf *err)
{
    if (!name_ok(name)) {
        buf_printf(err, "'%s' is not a mail template name", name ? name : "");
        return MAIL_ERR_TEMPLATE;
    }
    if (templates_dir) {
        struct buf path = {0};
        buf_printf(&path, "%s/%s.txt", templates_dir, name);
        size_t before = text->len;
        int rc = read_file(path.data, text);
        if (rc == -1) {
            buf_printf(err, "cannot read the mail template %s (or it is over %d bytes)", path.data,
                       MAIL_TEMPLATE_MAX);
            buf_free(&path);
            return MAIL_ERR_TEMPLATE;
        }
        buf_free(&path);
        if (rc == 0) {
            buf_add(text, "", 0); /* an empty file still leaves a valid "" */
            return 0;
        }
        text->len = before;
    }
    for (int i = 0; i < n_mail_templates_embedded; i++) {
        if (!strcmp(mail_templates_embedded[i].name, name)) {
            buf_add(text, mail_templates_embedded[i].data, mail_templates_embedded[i].len);
            return 0;
        }
    }
    buf_printf(err, "there is no mail template '%s'", name);
    return MAIL_ERR_TEMPLATE;
}

/* Checks every NAME.txt of the override directory. Returns 0 or -1 with err. */
static int check_dir(const char *dir, struct buf *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        buf_printf(err, "cannot open the templates directory %s", dir);
        return -1;
    }
    int rc = 0, n = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".txt") != 0)
            continue;
        char *name = xstrndup(e->d_name, len - 4);
        struct buf text = {0}, why = {0};
        if (!name_ok(name)) {
            buf_printf(err, "%s/%s: a template name is lowercase letters, digits and _", dir,
                       e->d_name);
            rc = -1;
        } else if (mail_template_load(name, &text, &why) < 0 ||
                   template_mail_check(text.data, text.len, &why) < 0) {
            buf_printf(err, "%s/%s: %s", dir, e->d_name, buf_str(&why));
            rc = -1;
        } else {
            n++;
        }
        buf_free(&text);
        buf_free(&why);
        free(name);
    }
    closedir(d);
    if (rc == 0)
        fprintf(stderr, "vodgate: %d mail template%s from %s override the built-in ones\n", n,
                n == 1 ? "" : "s", dir);
    return rc;
}


int mail_queue_configure(const char *from_address, const char *dir, struct buf *err)
{
    from = from_address ? from_address : MAIL_DEFAULT_FROM;
    templates_dir = dir;
    return dir ? check_dir(dir, err) : 0;
}

/*
 * vars with note_lines added when they lack it: the action's "note" (or
 * else "reason") as a list of one line, or an empty list when there is none,
 * so that any template can carry the note with a {{#note_lines}} section.
 * A new reference (a shallow copy).
 */
static json_t *with_note_lines(const json_t *vars)
{
    json_t *all = json_is_object(vars) ? json_copy((json_t *)vars) : json_object();
    if (json_object_get(all, "note_lines"))
        return all;
    json_t *note = json_object_get(all, "note");
    if (!json_is_string(note) || !*json_string_value(note))
        note = json_object_get(all, "reason");
    json_object_set_new(all, "note_lines",
                        json_is_string(note) && *json_string_value(note) ? json_pack("[O]", note)
                                                                         : json_array());
    return all;
}

int mail_queue(struct db *db, struct arena *a, const char *to_email, int64_t to_user,
               int64_t partner_id, const char *template_name, const json_t *vars, int64_t now,
               int64_t *id, struct buf *err)
{
    char to[256];
    if (!to_email || signin_email_normalise(to_email, to, sizeof to) < 0) {
        buf_printf(err, "'%s' is not an email address", to_email ? to_email : "");
        return MAIL_ERR_ADDRESS;
    }
    struct buf text = {0}, subject = {0}, body = {0}, why = {0};
    json_t *all = with_note_lines(vars);
    int rc = mail_template_load(template_name, &text, err);
    if (rc == 0 && template_mail_render(text.data, text.len, all, &subject, &body, &why) < 0) {
        buf_printf(err, "mail template '%s': %s", template_name, buf_str(&why));
        rc = MAIL_ERR_TEMPLATE;
    }
    if (rc == 0) {
        char token[SECRET_TOKEN_LEN + 1];
        secret_token(token);
        struct mail_row m = {0};
        m.to_email = to;
        m.to_user = to_user;
        m.partner_id = partner_id;
        m.template_name = (char *)template_name;
        m.subject = subject.data;
        m.body = body.data ? body.data : "";
        m.message_id = arena_printf(a, "<%s@%s>", token, strchr(from, '@') + 1);
        m.created_at = now;
        m.next_attempt_at = now;
        m.state = "queued";
        rc = store_mail_add(db, &m, id);
        if (rc == 0)
            op_touch(OP_WAKE_MAIL);
    }
    json_decref(all);
    buf_free(&text);
    buf_free(&subject);
    buf_free(&body);
    buf_free(&why);
    return rc;
}
