/*
 * `vodgate validate FILE...`: the offline pre-flight. It runs the engine the
 * server runs on deliveries (check_file, same rule set version), so a file
 * that passes here passes there, with the same findings.
 *
 * For people it prints each file's verdict and its findings; with --json one
 * document: {ruleset, files: [{file, kind, status, findings: [...]}]}, the
 * findings in the API's form. Exit status: 0 when no file fails, 1 when one
 * does (or cannot be checked), 2 on a usage error.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "check/check.h"
#include "check/profile.h"
#include "check/ratings.h"
#include "cli/cli.h"

#include <stdint.h>

static const char validate_help[] =
    "usage: vodgate validate FILE... [--kind KIND] [--json] [--package]\n"
    "                        [--mddf-schemas DIR] [--ratings FILE] [--profile FILE]\n"
    "\n"
    "Checks delivery files offline with the same rules the server applies, and\n"
    "prints what is wrong, where, and how to fix it.\n"
    "\n"
    "  --kind KIND          avails, manifest, mec, media, captions or artwork\n"
    "                       (default: told from each file's name and content)\n"
    "  --json               print one JSON document instead of text\n"
    "  --mddf-schemas DIR   also validate XML against the MovieLabs XSDs in DIR\n"
    "                       (avails-v2.4.xsd, md-v2.7.xsd, ...) [VODGATE_MDDF_SCHEMAS]\n"
    "  --ratings FILE       check ratings against the MovieLabs Common Metadata Ratings\n"
    "                       (CMR_Ratings_v2.5.1.xml) [VODGATE_RATINGS]\n"
    "  --profile FILE       the installation's delivery profile for media, captions and\n"
    "                       artwork (default: the built-in data/delivery_profile.json)\n"
    "                       [VODGATE_PROFILE]\n"
    "\n"
    "  --package            the files are one delivery: a manifest is checked against\n"
    "                       them (every file it names present, sizes and checksums), as\n"
    "                       the server checks a delivered package\n"
    "\n"
    "Caption files are timed against the first video file given with them.\n"
    "\n"
    "Exit status: 0 no file fails, 1 a file fails or cannot be checked, 2 usage.\n";

/* Fills f with a file's name (its last path segment), size, sha256 and md5, as a receipt has them.
 */
static int describe_file(const char *path, struct check_delivered_file *f)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return -1;
    struct sha256_ctx sha;
    struct md5_ctx md5;
    sha256_init(&sha);
    md5_init(&md5);
    static unsigned char chunk[1 << 20];
    size_t n;
    uint64_t size = 0;
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0) {
        sha256_update(&sha, n, chunk);
        md5_update(&md5, n, chunk);
        size += n;
    }
    bool bad = ferror(in);
    fclose(in);
    if (bad)
        return -1;
    unsigned char d[SHA256_DIGEST_SIZE];
    char *hex = xmalloc(2 * SHA256_DIGEST_SIZE + 1);
    sha256_digest(&sha, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    char *mhex = xmalloc(2 * MD5_DIGEST_SIZE + 1);
    md5_digest(&md5, MD5_DIGEST_SIZE, d);
    for (size_t i = 0; i < MD5_DIGEST_SIZE; i++)
        snprintf(mhex + 2 * i, 3, "%02x", d[i]);
    const char *slash = strrchr(path, '/');
    f->name = xstrdup(slash ? slash + 1 : path);
    f->size = size;
    f->sha256 = hex;
    f->md5 = mhex;
    char *real = realpath(path, NULL);
    f->path = real ? real : xstrdup(path);
    return 0;
}

static void free_described(struct check_delivered_file *f)
{
    free((char *)f->name);
    free((char *)f->sha256);
    free((char *)f->md5);
    free((char *)f->path);
}

static const char *status_name(int rc, const struct findings *fs)
{
    if (rc)
        return "error";
    return findings_pass(fs) ? "passed" : "failed";
}

int cli_validate(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(validate_help, stdout);
        return 0;
    }
    static const struct option longopts[] = {
        {"kind", required_argument, NULL, 'k'},
        {"json", no_argument, NULL, 'j'},
        {"mddf-schemas", required_argument, NULL, 's'},
        {"ratings", required_argument, NULL, 'r'},
        {"profile", required_argument, NULL, 'p'},
        {"package", no_argument, NULL, 'P'},
        {NULL, 0, NULL, 0},
    };
    enum check_kind kind = CHECK_AUTO;
    bool json = false;
    struct check_options opts = {.mddf_schemas = cli_env("MDDF_SCHEMAS", NULL)};
    const char *ratings_path = cli_env("RATINGS", NULL);
    const char *profile_path = cli_env("PROFILE", NULL);
    bool package = false;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case 'k':
            if (check_kind_parse(optarg, &kind) != 0) {
                fprintf(stderr,
                        "vodgate validate: unknown kind '%s' (avails, manifest, mec, media, "
                        "captions, artwork)\n",
                        optarg);
                return 2;
            }
            break;
        case 'j':
            json = true;
            break;
        case 's':
            opts.mddf_schemas = optarg;
            break;
        case 'r':
            ratings_path = optarg;
            break;
        case 'p':
            profile_path = optarg;
            break;
        case 'P':
            package = true;
            break;
        default:
            fputs(validate_help, stderr);
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "vodgate validate: no file given\n\n%s", validate_help);
        return 2;
    }
    struct ratings_db *ratings = NULL;
    if (ratings_path) {
        struct buf err = {0};
        if (ratings_load(ratings_path, &ratings, &err) != 0) {
            fprintf(stderr, "vodgate validate: --ratings %s: %s\n", ratings_path, buf_str(&err));
            buf_free(&err);
            return 2;
        }
        opts.ratings = ratings;
    }
    struct delivery_profile *profile = NULL;
    if (profile_path) {
        struct buf err = {0};
        if (profile_load(profile_path, &profile, &err) != 0) {
            fprintf(stderr, "vodgate validate: --profile: %s\n", buf_str(&err));
            buf_free(&err);
            ratings_free(ratings);
            return 2;
        }
        opts.profile = profile;
    }
    /* --package: the files are one delivery, and manifests are checked against it as the server
     * checks them (every named file present, with its size and checksums). */
    struct check_delivered_file *delivered = NULL;
    if (package) {
        size_t n = (size_t)(argc - optind);
        delivered = xcalloc(n, sizeof *delivered);
        for (size_t i = 0; i < n; i++) {
            if (describe_file(argv[optind + (int)i], &delivered[i]) < 0) {
                fprintf(stderr, "vodgate validate: cannot read %s\n", argv[optind + (int)i]);
                for (size_t j = 0; j < i; j++)
                    free_described(&delivered[j]);
                free(delivered);
                ratings_free(ratings);
                return 2;
            }
        }
        opts.refs = CHECK_REFS_DELIVERY;
        opts.files = delivered;
        opts.n_files = n;
    }
    /* captions are timed against the package's video, as on the server: the first one given */
    for (int i = optind; i < argc && opts.video_duration <= 0; i++) {
        enum check_kind k = kind;
        if ((k == CHECK_MEDIA || (k == CHECK_AUTO && check_kind_detect(argv[i], &k) == 0)) &&
            k == CHECK_MEDIA)
            check_media_probe(argv[i], &opts.video_duration, &opts.video_fps);
    }
    int exit_code = 0;
    json_t *files = json_array();
    for (int i = optind; i < argc; i++) {
        const char *path = package ? delivered[i - optind].path : argv[i];
        struct findings fs = {0};
        struct buf why = {0};
        enum check_kind k = kind;
        if (k == CHECK_AUTO && check_kind_detect(path, &k) != 0)
            k = CHECK_AUTO;
        int rc =
            check_file(path, package ? delivered[i - optind].name : argv[i], k, &opts, &fs, &why);
        findings_sort(&fs);
        const char *status = status_name(rc, &fs);
        if (rc || !findings_pass(&fs))
            exit_code = 1;
        if (json) {
            json_t *o = json_object();
            json_object_set_new(o, "file", json_string(path));
            json_object_set_new(o, "kind", json_string(check_kind_name(k)));
            json_object_set_new(o, "status", json_string(status));
            if (rc)
                json_object_set_new(o, "error", json_string(buf_str(&why)));
            json_object_set_new(o, "errors", json_integer((json_int_t)fs.n_errors));
            json_object_set_new(o, "warnings", json_integer((json_int_t)fs.n_warnings));
            json_object_set_new(o, "findings", findings_json(&fs));
            json_array_append_new(files, o);
        } else if (rc) {
            printf("%s: cannot be checked: %s%s\n", path, buf_str(&why),
                   rc == CHECK_ERR_KIND ? " (name its kind with --kind: avails, manifest, mec, "
                                          "media, captions or artwork)"
                                        : "");
        } else {
            char *text = findings_text(&fs);
            printf("%s: %s (%s, %zu error%s, %zu warning%s)\n", path, status, check_kind_name(k),
                   fs.n_errors, fs.n_errors == 1 ? "" : "s", fs.n_warnings,
                   fs.n_warnings == 1 ? "" : "s");
            if (*text)
                printf("%s\n", text);
            free(text);
        }
        findings_free(&fs);
        buf_free(&why);
    }
    if (json) {
        json_t *doc = json_object();
        json_object_set_new(doc, "ruleset", json_string(CHECK_RULESET_VERSION));
        json_object_set_new(doc, "files", files);
        char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("%s\n", s);
        free(s);
        json_decref(doc);
    } else {
        json_decref(files);
        printf("rule set %s\n", CHECK_RULESET_VERSION);
    }
    if (ratings)
        ratings_free(ratings);
    profile_free(profile);
    for (size_t i = 0; delivered && i < opts.n_files; i++)
        free_described(&delivered[i]);
    free(delivered);
    return exit_code;
}
