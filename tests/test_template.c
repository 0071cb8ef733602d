/*
 * Tests of core/template.c (the renderer and mail templates) and of the
 * templates shipped in templates/mail/: every one of them renders with
 * exactly the variables its "# vars:" line documents (each documented
 * variable appears in the result, and leaving any one out is an error), and
 * the override directory of jobs/mail.c.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "core/template.h"
#include "jobs/mail.h"
#include "app/mail_templates.h"
#include "t.h"

/* Renders text with vars given as JSON text; returns the code, out/err filled. */
static int render(const char *text, const char *vars_json, struct buf *out, struct buf *err)
{
    buf_reset(out);
    buf_reset(err);
    json_t *vars = vars_json ? json_loads(vars_json, 0, NULL) : NULL;
    VG_ASSERT(!vars_json || vars);
    int rc = template_render(text, strlen(text), vars, out, err);
    json_decref(vars);
    return rc;
}

TEST(variables_are_replaced_and_integers_printed)
{
    struct buf out = {0}, err = {0};
    CHECK_INT_EQ(
        render("Hello {{name}}, warning {{ n }} of 3.", "{\"name\":\"Ana\",\"n\":2}", &out, &err),
        0);
    CHECK_STR_EQ(buf_str(&out), "Hello Ana, warning 2 of 3.");
    CHECK_INT_EQ(render("no variables at all", NULL, &out, &err), 0);
    CHECK_STR_EQ(buf_str(&out), "no variables at all");
    CHECK_INT_EQ(render("", "{}", &out, &err), 0);
    CHECK_STR_EQ(buf_str(&out), "");
    /* values are not templates: braces in them stay as they are */
    CHECK_INT_EQ(render("[{{v}}]", "{\"v\":\"{{x}}\"}", &out, &err), 0);
    CHECK_STR_EQ(buf_str(&out), "[{{x}}]");
    /* an empty string is a value, given on purpose */
    CHECK_INT_EQ(render("[{{v}}]", "{\"v\":\"\"}", &out, &err), 0);
    CHECK_STR_EQ(buf_str(&out), "[]");
    /* single braces are text */
    CHECK_INT_EQ(render("{a} } { {{v}}", "{\"v\":\"x\"}", &out, &err), 0);
    CHECK_STR_EQ(buf_str(&out), "{a} } { x");
    buf_free(&out);
    buf_free(&err);
}

TEST(a_missing_variable_is_an_error_never_a_blank)
{
    struct buf out = {0}, err = {0};
    CHECK_INT_EQ(render("line one\nDue: {{due_utc}}\n", "{\"due\":\"x\"}", &out, &err),
                 TEMPLATE_ERR_VALUE);
    CHECK_STR_EQ(buf_str(&err), "line 2: the variable 'due_utc' is missing");
    CHECK_INT_EQ(render("{{a}}", "{\"a\":null}", &out, &err), TEMPLATE_ERR_VALUE);
    CHECK_INT_EQ(render("{{a}}", NULL, &out, &err), TEMPLATE_ERR_VALUE);
    CHECK_INT_EQ(render("{{a}}", "{\"a\":[1]}", &out, &err), TEMPLATE_ERR_VALUE);
    CHECK(strstr(buf_str(&err), "is a list, not text"));
    CHECK_INT_EQ(render("{{a}}", "{\"a\":{}}", &out, &err), TEMPLATE_ERR_VALUE);
    CHECK_INT_EQ(render("{{a}}", "{\"a\":true}", &out, &err), TEMPLATE_ERR_VALUE);
    CHECK_INT_EQ(render("{{a}}", "{\"a\":1.5}", &out, &err), TEMPLATE_ERR_VALUE);
    CHECK_INT_EQ(render("{{.}}", "{}", &out, &err), TEMPLATE_ERR_VALUE);
    CHECK(strstr(buf_str(&err), "outside a section"));
    buf_free(&out);
    buf_free(&err);
}

TEST(sections_repeat_over_lists_of_text_and_of_objects)
{
    struct buf out = {0}, err = {0};
    const char *t = "Formats:\n"
                    "{{#formats}}\n"
                    "  - {{.}}\n"
                    "{{/formats}}\n"
                    "End.\n";
    CHECK_INT_EQ(render(t, "{\"formats\":[\"HD\",\"UHD HDR10\"]}", &out, &err), 0);
    CHECK_STR_EQ(buf_str(&out), "Formats:\n  - HD\n  - UHD HDR10\nEnd.\n");
    CHECK_INT_EQ(render(t, "{\"formats\":[]}", &out, &err), 0);
    CHECK_STR_EQ(buf_str(&out), "Formats:\nEnd.\n");
    /* objects lend their members; outer names stay visible; inner ones win */
    const char *rows = "{{#rows}}{{file}}: {{msg}} ({{partner}}); {{/rows}}";
    CHECK_INT_EQ(render(rows,
                        "{\"partner\":\"P\",\"rows\":[{\"file\":\"a.xml\",\"msg\":\"bad\"},"
                        "{\"file\":\"b.mov\",\"msg\":\"worse\",\"partner\":\"Q\"}]}",
                        &out, &err),
                 0);
    CHECK_STR_EQ(buf_str(&out), "a.xml: bad (P); b.mov: worse (Q); ");
    /* a member missing from one item is an error, not a blank */
    CHECK_INT_EQ(render(rows, "{\"partner\":\"P\",\"rows\":[{\"file\":\"a.xml\"}]}", &out, &err),
                 TEMPLATE_ERR_VALUE);
    CHECK_STR_EQ(buf_str(&err), "line 1: the variable 'msg' is missing");
    /* nested sections */
    CHECK_INT_EQ(render("{{#a}}[{{#b}}{{.}}{{/b}}]{{/a}}", "{\"a\":[{\"b\":[1,2]},{\"b\":[3]}]}",
                        &out, &err),
                 0);
    CHECK_STR_EQ(buf_str(&out), "[12][3]");
    /* a section that is not alone on its line keeps the line's text */
    CHECK_INT_EQ(render("x {{#l}}<{{.}}>{{/l}} y\n", "{\"l\":[\"1\",\"2\"]}", &out, &err), 0);
    CHECK_STR_EQ(buf_str(&out), "x <1><2> y\n");
    /* standalone lines with CRLF and indentation */
    CHECK_INT_EQ(
        render("a\r\n  {{#l}}  \r\n- {{.}}\r\n  {{/l}}\r\nb", "{\"l\":[\"1\"]}", &out, &err), 0);
    CHECK_STR_EQ(buf_str(&out), "a\r\n- 1\r\nb");
    CHECK_INT_EQ(render("{{#l}}x{{/l}}", "{\"l\":\"not a list\"}", &out, &err), TEMPLATE_ERR_VALUE);
    CHECK(strstr(buf_str(&err), "'l' is not a list"));
    CHECK_INT_EQ(render("{{#l}}x{{/l}}", "{}", &out, &err), TEMPLATE_ERR_VALUE);
    buf_free(&out);
    buf_free(&err);
}

TEST(malformed_templates_are_refused_with_their_line)
{
    struct buf out = {0}, err = {0};
    struct {
        const char *text;
        int rc;
        const char *msg;
    } cases[] = {
        {"a\nb {{name", TEMPLATE_ERR_SYNTAX, "line 2: '{{' is not closed with '}}'"},
        {"{{na me}}", TEMPLATE_ERR_SYNTAX, "line 1: '{{na me}}' is not a variable"},
        {"{{}}", TEMPLATE_ERR_SYNTAX, "line 1: '{{}}' is not a variable"},
        {"{{{raw}}}", TEMPLATE_ERR_SYNTAX, "line 1: '{{{raw}}' is not a variable"},
        {"{{#}}{{/}}", TEMPLATE_ERR_SYNTAX, "line 1: '{{#}}' is not a variable"},
        {"{{#.}}{{/.}}", TEMPLATE_ERR_SYNTAX, "line 1: '{{#.}}' is not a variable"},
        {"{{^inverted}}", TEMPLATE_ERR_SYNTAX, "is not a variable"},
        {"{{!comment}}", TEMPLATE_ERR_SYNTAX, "is not a variable"},
        {"x\n{{/a}}", TEMPLATE_ERR_SYNTAX, "line 2: '{{/a}}' closes no section"},
        {"{{#a}}\n{{/b}}", TEMPLATE_ERR_SYNTAX,
         "line 2: '{{/b}}' does not close '{{#a}}' of line 1"},
        {"{{#a}}\n\n{{#b}}{{/b}}", TEMPLATE_ERR_SYNTAX, "line 1: '{{#a}}' is not closed"},
        {"{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}", TEMPLATE_ERR_LIMIT,
         "line 1: sections nest deeper than 8"},
        {"caf\xc3", TEMPLATE_ERR_SYNTAX, "not UTF-8"},
        {"\xed\xa0\x80", TEMPLATE_ERR_SYNTAX, "not UTF-8"}, /* a surrogate */
        {"\xc0\xaf", TEMPLATE_ERR_SYNTAX, "not UTF-8"},     /* overlong */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = render(cases[i].text, "{\"a\":[],\"b\":[]}", &out, &err);
        if (rc != cases[i].rc || !strstr(buf_str(&err), cases[i].msg))
            printf("  case %zu: rc %d, '%s'\n", i, rc, buf_str(&err));
        CHECK_INT_EQ(rc, cases[i].rc);
        CHECK(strstr(buf_str(&err), cases[i].msg) != NULL);
        buf_reset(&err);
        CHECK_INT_EQ(template_check(cases[i].text, strlen(cases[i].text), &err), cases[i].rc);
    }
    /* a NUL byte inside the text */
    buf_reset(&err);
    CHECK_INT_EQ(template_check("a\0b", 3, &err), TEMPLATE_ERR_SYNTAX);
    buf_reset(&err);
    const char *utf8 = "caf\xc3\xa9 {{ok}} \xe2\x80\x94 \xf0\x9f\x8e\xac";
    CHECK_INT_EQ(template_check(utf8, strlen(utf8), &err), 0);
    buf_free(&out);
    buf_free(&err);
}

TEST(output_and_work_are_bounded)
{
    struct buf out = {0}, err = {0};
    /* a list inside itself: 4 million values of 10 bytes, far over the output limit */
    json_t *vars = json_object();
    json_t *big = json_array();
    for (int i = 0; i < 2000; i++)
        json_array_append_new(big, json_string("0123456789"));
    json_object_set_new(vars, "l", big);
    const char *t = "{{#l}}{{#l}}{{.}}{{/l}}{{/l}}";
    CHECK_INT_EQ(template_render(t, strlen(t), vars, &out, &err), TEMPLATE_ERR_LIMIT);
    CHECK(out.len <= TEMPLATE_MAX_OUT);
    /* sections that print nothing still stop */
    buf_reset(&out);
    buf_reset(&err);
    const char *silent = "{{#l}}{{#l}}{{#l}}{{/l}}{{/l}}{{/l}}";
    CHECK_INT_EQ(template_render(silent, strlen(silent), vars, &out, &err), TEMPLATE_ERR_LIMIT);
    CHECK(strstr(buf_str(&err), "too much work"));
    json_decref(vars);
    buf_free(&out);
    buf_free(&err);
}

TEST(mail_templates_split_into_vars_subject_and_body)
{
    struct buf err = {0}, subject = {0}, body = {0};
    const char *t = "# who gets it\n"
                    "# vars: partner, n\r\n"
                    "Subject: Warning {{n}} for {{partner}}\r\n"
                    "\r\n"
                    "Body {{partner}}\n";
    struct template_mail m;
    CHECK_INT_EQ(template_mail_split(t, strlen(t), &m, &err), 0);
    CHECK_INT_EQ(m.vars_len, 10);
    CHECK(!strncmp(m.vars, "partner, n", m.vars_len));
    CHECK_INT_EQ(m.subject_line, 3);
    CHECK_INT_EQ(m.body_line, 5);
    json_t *vars = json_pack("{s:s, s:i}", "partner", "Line\r\nBcc: evil@example.com", "n", 2);
    CHECK_INT_EQ(template_mail_render(t, strlen(t), vars, &subject, &body, &err), 0);
    /* a value's line break cannot make a second header line */
    CHECK_STR_EQ(buf_str(&subject), "Warning 2 for Line  Bcc: evil@example.com");
    CHECK_STR_EQ(buf_str(&body), "Body Line\r\nBcc: evil@example.com\n");
    json_decref(vars);
    struct {
        const char *text;
        const char *msg;
    } bad[] = {
        {"Hello\n\nbody", "line 1: a mail template starts with 'Subject: ...'"},
        {"# c\nSubject: x\nbody", "line 3: a blank line must follow the Subject line"},
        {"Subject: x", "line 2: a blank line must follow the Subject line"},
        {"Subject: {{x\n\nbody", "line 1: '{{' is not closed"},
        {"Subject: x\n\n{{#a}}\n", "line 3: '{{#a}}' is not closed"},
        {"Subject: {{y}}\n\nbody", "line 1: the variable 'y' is missing"},
        {"Subject: x\n\n\nbody {{y}}", "line 4: the variable 'y' is missing"},
        {"Subject:   {{e}}  \n\nbody", "line 1: the subject is empty"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        buf_reset(&err);
        buf_reset(&subject);
        buf_reset(&body);
        json_t *v = json_pack("{s:s}", "e", " \n ");
        CHECK(template_mail_render(bad[i].text, strlen(bad[i].text), v, &subject, &body, &err) < 0);
        if (!strstr(buf_str(&err), bad[i].msg))
            printf("  case %zu: '%s'\n", i, buf_str(&err));
        CHECK(strstr(buf_str(&err), bad[i].msg) != NULL);
        json_decref(v);
    }
    buf_free(&err);
    buf_free(&subject);
    buf_free(&body);
}

/* ---- the shipped templates ---- */

static const char *const shipped[] = {
    "agent_set", /* a partner's delivery agent changed (issue 14) */
    "alternate_acknowledged", /* SPEC 6: an alternate-solution answer (issue 14.7) */
    "alternate_resolved",
    "alternate_solution",
    "clock_breached",
    "clock_due_soon",
    "clock_paused",
    "clock_resumed",
    "colleague_invitation", /* an organisation's admin invites a colleague (issue 14.9) */
    "decision", /* the pim's decision, to the partner (issue 14) */
    "delivery_late",
    "delivery_passed",
    "escalated", /* the escalate decision, to commercial and the cam (issue 14) */
    "escalation",
    "handover",
    "invitation",
    "launch_date_too_soon", /* a target launch before the earliest the path allows (issue 14.9) */
    "milestone_missed", /* SPEC 6: a milestone missed (issue 14.6) */
    "questionnaire_sent",
    "questionnaire_submitted",
    "request_issued",
    "request_message",
    "rerequest",
    "result_failed",
    "training_complete",
    "warning",
};
#define N_SHIPPED (sizeof shipped / sizeof shipped[0])

/* One documented variable: "name", "name[]" or "name[a,b]". */
struct doc_var {
    char name[65];
    bool list;
    char members[8][65];
    int n_members;
};

/* Parses a "# vars:" line. Returns the number of variables, -1 when malformed. */
static int parse_vars(const char *s, size_t len, struct doc_var *out, int max)
{
    int n = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && (s[i] == ' ' || s[i] == ','))
            i++;
        if (i == len)
            break;
        if (n == max)
            return -1;
        struct doc_var *v = &out[n++];
        memset(v, 0, sizeof *v);
        size_t k = 0;
        while (i < len && s[i] != ',' && s[i] != '[' && s[i] != ' ' && k < 64)
            v->name[k++] = s[i++];
        if (i < len && s[i] == '[') {
            v->list = true;
            i++;
            while (i < len && s[i] != ']') {
                if (v->n_members == 8)
                    return -1;
                size_t m = 0;
                while (i < len && s[i] != ',' && s[i] != ']' && m < 64)
                    v->members[v->n_members][m++] = s[i++];
                v->n_members++;
                if (i < len && s[i] == ',')
                    i++;
            }
            if (i == len)
                return -1;
            i++;
        }
    }
    return n;
}

/* Values that show where they land: "<name>" and "<list.member.i>". */
static json_t *vars_for(const struct doc_var *v, int n, int skip, int skip_member)
{
    json_t *o = json_object();
    for (int i = 0; i < n; i++) {
        if (i == skip && skip_member < 0)
            continue;
        char val[160];
        if (!v[i].list) {
            snprintf(val, sizeof val, "<%s>", v[i].name);
            json_object_set_new(o, v[i].name, json_string(val));
            continue;
        }
        json_t *arr = json_array();
        for (int item = 0; item < 2; item++) {
            if (v[i].n_members == 0) {
                snprintf(val, sizeof val, "<%s.%d>", v[i].name, item);
                json_array_append_new(arr, json_string(val));
                continue;
            }
            json_t *obj = json_object();
            for (int m = 0; m < v[i].n_members; m++) {
                if (i == skip && m == skip_member)
                    continue;
                snprintf(val, sizeof val, "<%s.%s.%d>", v[i].name, v[i].members[m], item);
                json_object_set_new(obj, v[i].members[m], json_string(val));
            }
            json_array_append_new(arr, obj);
        }
        json_object_set_new(o, v[i].name, arr);
    }
    return o;
}

TEST(the_shipped_templates_are_exactly_the_messages_of_spec_section_6)
{
    CHECK_INT_EQ(n_mail_templates_embedded, (int)N_SHIPPED);
    for (size_t i = 0; i < N_SHIPPED && i < (size_t)n_mail_templates_embedded; i++)
        CHECK_STR_EQ(mail_templates_embedded[i].name, shipped[i]);
}

TEST(each_shipped_template_renders_with_exactly_its_documented_variables)
{
    for (int t = 0; t < n_mail_templates_embedded; t++) {
        const struct embedded_file *f = &mail_templates_embedded[t];
        struct buf err = {0}, subject = {0}, body = {0};
        struct template_mail m;
        CHECK_INT_EQ(template_mail_split(f->data, f->len, &m, &err), 0);
        CHECK(m.vars != NULL);
        struct doc_var vars[16];
        int n = m.vars ? parse_vars(m.vars, m.vars_len, vars, 16) : -1;
        CHECK(n > 0);
        if (n <= 0) {
            printf("  %s: no usable '# vars:' line\n", f->name);
            continue;
        }
        /* with all of them: it renders, and every value shows */
        json_t *all = vars_for(vars, n, -1, -1);
        int rc = template_mail_render(f->data, f->len, all, &subject, &body, &err);
        if (rc)
            printf("  %s: %s\n", f->name, buf_str(&err));
        CHECK_INT_EQ(rc, 0);
        json_decref(all);
        struct buf both = {0};
        buf_printf(&both, "%s\n%s", buf_str(&subject), buf_str(&body));
        for (int i = 0; i < n; i++) {
            char val[160];
            if (!vars[i].list)
                snprintf(val, sizeof val, "<%s>", vars[i].name);
            else if (vars[i].n_members == 0)
                snprintf(val, sizeof val, "<%s.1>", vars[i].name);
            else
                snprintf(val, sizeof val, "<%s.%s.1>", vars[i].name, vars[i].members[0]);
            if (!strstr(buf_str(&both), val))
                printf("  %s: %s does not appear\n", f->name, val);
            CHECK(strstr(buf_str(&both), val) != NULL);
        }
        CHECK(strstr(buf_str(&body), "{{") == NULL);
        buf_free(&both);
        /* without any one of them (or one member of a list's items): an error naming it */
        for (int i = 0; i < n; i++) {
            for (int mem = -1; mem < vars[i].n_members; mem++) {
                json_t *less = vars_for(vars, n, i, mem);
                buf_reset(&err);
                buf_reset(&subject);
                buf_reset(&body);
                rc = template_mail_render(f->data, f->len, less, &subject, &body, &err);
                const char *missing = mem < 0 ? vars[i].name : vars[i].members[mem];
                char want[100];
                snprintf(want, sizeof want, "the variable '%s' is missing", missing);
                if (rc != TEMPLATE_ERR_VALUE || !strstr(buf_str(&err), want))
                    printf("  %s without %s: rc %d '%s'\n", f->name, missing, rc, buf_str(&err));
                CHECK_INT_EQ(rc, TEMPLATE_ERR_VALUE);
                CHECK(strstr(buf_str(&err), want) != NULL);
                json_decref(less);
            }
        }
        buf_free(&err);
        buf_free(&subject);
        buf_free(&body);
    }
}

/* ---- loading: built-in, overridden ---- */

TEST(templates_load_built_in_or_from_the_override_directory)
{
    struct buf text = {0}, err = {0};
    CHECK_INT_EQ(mail_template_load("warning", &text, &err), 0);
    CHECK(strstr(buf_str(&text), "Subject: Warning {{n}} of {{of}}") != NULL);
    buf_reset(&text);
    CHECK_INT_EQ(mail_template_load("no_such_template", &text, &err), MAIL_ERR_TEMPLATE);
    CHECK(strstr(buf_str(&err), "there is no mail template 'no_such_template'"));
    buf_reset(&err);
    CHECK_INT_EQ(mail_template_load("../etc/passwd", &text, &err), MAIL_ERR_TEMPLATE);
    CHECK(strstr(buf_str(&err), "is not a mail template name"));

    char dir[] = "/tmp/vodgate-tpl-XXXXXX";
    VG_ASSERT(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/warning.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("# vars: partner\nSubject: Custom for {{partner}}\n\nOurs.\n", f);
    fclose(f);
    struct mail_config cfg = {.templates_dir = dir};
    buf_reset(&err);
    CHECK_INT_EQ(mail_configure(&cfg, &err), 0);
    buf_reset(&text);
    CHECK_INT_EQ(mail_template_load("warning", &text, &err), 0);
    CHECK(strstr(buf_str(&text), "Subject: Custom for {{partner}}") != NULL);
    buf_reset(&text);
    CHECK_INT_EQ(mail_template_load("escalation", &text, &err), 0); /* not overridden */
    CHECK(strstr(buf_str(&text), "Subject: Escalation") != NULL);
    /* a broken override is refused at start, with its file and line */
    snprintf(path, sizeof path, "%s/handover.txt", dir);
    f = fopen(path, "w");
    fputs("Subject: x\n\n{{#oops}}\n", f);
    fclose(f);
    buf_reset(&err);
    CHECK_INT_EQ(mail_configure(&cfg, &err), -1);
    CHECK(strstr(buf_str(&err), "handover.txt: line 3: '{{#oops}}' is not closed") != NULL);
    unlink(path);
    snprintf(path, sizeof path, "%s/warning.txt", dir);
    unlink(path);
    rmdir(dir);
    struct mail_config none = {0};
    buf_reset(&err);
    CHECK_INT_EQ(mail_configure(&none, &err), 0);
    /* bad configuration */
    struct mail_config bad_url = {.smtp_url = "http://127.0.0.1:25"};
    CHECK_INT_EQ(mail_configure(&bad_url, &err), -1);
    struct mail_config bad_from = {.from = "Vodgate <x@example.com>"};
    CHECK_INT_EQ(mail_configure(&bad_from, &err), -1);
    CHECK_INT_EQ(mail_configure(&none, &err), 0);
    buf_free(&text);
    buf_free(&err);
}

TEST(retries_back_off_then_stop)
{
    CHECK_INT_EQ(mail_retry_delay(1), 60);
    CHECK_INT_EQ(mail_retry_delay(2), 300);
    CHECK_INT_EQ(mail_retry_delay(3), 900);
    CHECK_INT_EQ(mail_retry_delay(4), 3600);
    CHECK_INT_EQ(mail_retry_delay(MAIL_MAX_ATTEMPTS - 1), 43200);
    CHECK_INT_EQ(mail_retry_delay(MAIL_MAX_ATTEMPTS), -1);
    CHECK_INT_EQ(mail_retry_delay(0), -1);
}

/* HTML mode: renders text with vars (JSON text) and the partials of html_partial. */
static const char *html_partial(const char *name, size_t *len)
{
    static const char row[] = "<li>{{label}}</li>";
    static const char loop[] = "{{>loop}}";
    const char *t = !strcmp(name, "row") ? row : !strcmp(name, "loop") ? loop : NULL;
    if (t)
        *len = strlen(t);
    return t;
}

static int render_html(const char *text, const char *vars_json, struct buf *out, struct buf *err)
{
    buf_reset(out);
    buf_reset(err);
    json_t *vars = json_loads(vars_json, 0, NULL);
    VG_ASSERT(vars);
    int rc = template_render_html(text, strlen(text), vars, html_partial, out, err);
    json_decref(vars);
    return rc;
}

TEST(html_mode_escapes_every_variable)
{
    struct buf out = {0}, err = {0};
    CHECK_INT_EQ(
        render_html("<a title=\"{{t}}\">{{t}}</a>", "{\"t\":\"<script>&\\\"x'`\"}", &out, &err), 0);
    CHECK_STR_EQ(buf_str(&out), "<a title=\"&lt;script&gt;&amp;&quot;x&#39;&#96;\">"
                                "&lt;script&gt;&amp;&quot;x&#39;&#96;</a>");
    /* raw output only for names ending in _html */
    CHECK_INT_EQ(render_html("{{{t_html}}}", "{\"t_html\":\"<b>x</b>\"}", &out, &err), 0);
    CHECK_STR_EQ(buf_str(&out), "<b>x</b>");
    CHECK_INT_EQ(render_html("{{{t}}}", "{\"t\":\"<b>x</b>\"}", &out, &err), TEMPLATE_ERR_SYNTAX);
    CHECK(strstr(buf_str(&err), "_html"));
    /* the text mode knows no triple braces at all */
    CHECK_INT_EQ(render("{{{t_html}}}", "{\"t_html\":\"x\"}", &out, &err), TEMPLATE_ERR_SYNTAX);
    /* a missing variable is still an error */
    CHECK_INT_EQ(render_html("{{nope}}", "{}", &out, &err), TEMPLATE_ERR_VALUE);
    buf_free(&out);
    buf_free(&err);
}

TEST(html_mode_sections_follow_truthiness_and_inverts)
{
    struct buf out = {0}, err = {0};
    const char *t = "{{#a}}A{{/a}}{{^a}}not-A{{/a}}";
    const char *cases[][2] = {
        {"{}", "not-A"},           {"{\"a\":null}", "not-A"}, {"{\"a\":false}", "not-A"},
        {"{\"a\":\"\"}", "not-A"}, {"{\"a\":0}", "not-A"},    {"{\"a\":[]}", "not-A"},
        {"{\"a\":true}", "A"},     {"{\"a\":\"x\"}", "A"},    {"{\"a\":3}", "A"},
        {"{\"a\":[1,2]}", "AA"},   {"{\"a\":{}}", "A"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_INT_EQ(render_html(t, cases[i][0], &out, &err), 0);
        CHECK_STR_EQ(buf_str(&out), cases[i][1]);
    }
    /* an object lends its members; outer names stay visible */
    CHECK_INT_EQ(render_html("{{#p}}{{name}}/{{site}}{{/p}}",
                             "{\"site\":\"v\",\"p\":{\"name\":\"N\"}}", &out, &err),
                 0);
    CHECK_STR_EQ(buf_str(&out), "N/v");
    /* comments vanish, partials see the current item */
    CHECK_INT_EQ(render_html("{{! a note }}<ul>{{#rows}}{{>row}}{{/rows}}</ul>",
                             "{\"rows\":[{\"label\":\"<1>\"},{\"label\":\"2\"}]}", &out, &err),
                 0);
    CHECK_STR_EQ(buf_str(&out), "<ul><li>&lt;1&gt;</li><li>2</li></ul>");
    CHECK_INT_EQ(render_html("{{>missing}}", "{}", &out, &err), TEMPLATE_ERR_VALUE);
    CHECK_INT_EQ(render_html("{{>loop}}", "{}", &out, &err), TEMPLATE_ERR_LIMIT);
    CHECK_INT_EQ(render_html("{{^a}}x{{/b}}", "{}", &out, &err), TEMPLATE_ERR_SYNTAX);
    CHECK(strstr(buf_str(&err), "{{^a}}"));
    buf_free(&out);
    buf_free(&err);
}

T_MAIN
