/*
 * The engine's entry point: see check.h. check_file() detects the kind when
 * asked to (check_kind_detect: the extension first, then, for .xml and files
 * without a known extension, the first bytes: an XML file is told by its root
 * element, images and spreadsheets by their signatures), then hands the file
 * to its kind's module. No rule lives here.
 */
#include "check/check.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "check/xmlsafe.h"

#define SNIFF_BYTES (64 * 1024)

static const char *const kind_names[] = {
    [CHECK_AUTO] = "auto",       [CHECK_AVAILS] = "avails", [CHECK_MANIFEST] = "manifest",
    [CHECK_MEC] = "mec",         [CHECK_MEDIA] = "media",   [CHECK_CAPTIONS] = "captions",
    [CHECK_ARTWORK] = "artwork",
};

const char *check_kind_name(enum check_kind kind)
{
    if ((unsigned)kind >= sizeof kind_names / sizeof kind_names[0])
        return "auto";
    return kind_names[kind];
}

int check_kind_parse(const char *name, enum check_kind *out)
{
    for (size_t i = 0; name && i < sizeof kind_names / sizeof kind_names[0]; i++) {
        if (!strcmp(name, kind_names[i])) {
            *out = (enum check_kind)i;
            return 0;
        }
    }
    return -1;
}

static const char *extension(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *dot = strrchr(slash ? slash : name, '.');
    return dot ? dot + 1 : "";
}

static bool ext_in(const char *ext, const char *const *list)
{
    for (; *list; list++)
        if (!strcasecmp(ext, *list))
            return true;
    return false;
}

static const char *const media_ext[] = {"mov",  "mp4", "m4v",  "mxf", "ts",  "m2ts", "mpg",
                                        "mpeg", "mkv", "avi",  "wav", "m4a", "aac",  "ac3",
                                        "ec3",  "mp3", "webm", "y4m", "dv",  "mts",  NULL};
static const char *const caption_ext[] = {"srt", "scc", "ttml", "dfxp", "itt", NULL};
static const char *const art_ext[] = {"jpg", "jpeg", "png", NULL};
static const char *const xlsx_ext[] = {"xlsx", "xlsm", NULL};

/* The local name of the first element of an XML prefix (skips the declaration, comments, PIs). */
static bool xml_root_name(const char *s, size_t n, char *out, size_t cap)
{
    size_t i = 0;
    if (n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
        (unsigned char)s[2] == 0xBF)
        i = 3;
    while (i < n) {
        while (i < n && isspace((unsigned char)s[i]))
            i++;
        if (i >= n || s[i] != '<')
            return false;
        if (i + 1 < n && (s[i + 1] == '?' || s[i + 1] == '!')) {
            const char *end = NULL;
            if (i + 3 < n && !strncmp(s + i, "<!--", 4)) {
                const char *p = memmem(s + i + 4, n - i - 4, "-->", 3);
                end = p ? p + 3 : NULL;
            } else if (n - i >= 9 && !strncmp(s + i, "<!DOCTYPE", 9)) {
                /* its internal subset [...] holds declarations that end in '>' too: a
                 * billion-laughs file is still told by its root, and refused by its reader */
                int depth = 0;
                char quote = 0;
                for (size_t j = i + 9; j < n && !end; j++) {
                    char c = s[j];
                    if (quote)
                        quote = c == quote ? 0 : quote;
                    else if (c == '"' || c == '\'')
                        quote = c;
                    else if (c == '[')
                        depth++;
                    else if (c == ']')
                        depth--;
                    else if (c == '>' && depth <= 0)
                        end = s + j + 1;
                }
            } else {
                const char *p = memchr(s + i, '>', n - i);
                end = p ? p + 1 : NULL;
            }
            if (!end)
                return false;
            i = (size_t)(end - s);
            continue;
        }
        i++;
        size_t start = i;
        while (i < n && !isspace((unsigned char)s[i]) && s[i] != '>' && s[i] != '/')
            i++;
        const char *name = s + start;
        size_t len = i - start;
        const char *colon = memchr(name, ':', len);
        if (colon) {
            len -= (size_t)(colon + 1 - name);
            name = colon + 1;
        }
        snprintf(out, cap, "%.*s", (int)len, name);
        return len > 0;
    }
    return false;
}

int check_kind_detect(const char *path, enum check_kind *out)
{
    const char *ext = extension(path);
    if (ext_in(ext, xlsx_ext)) {
        *out = CHECK_AVAILS;
        return CHECK_OK;
    }
    if (ext_in(ext, caption_ext)) {
        *out = CHECK_CAPTIONS;
        return CHECK_OK;
    }
    if (ext_in(ext, art_ext)) {
        *out = CHECK_ARTWORK;
        return CHECK_OK;
    }
    if (ext_in(ext, media_ext)) {
        *out = CHECK_MEDIA;
        return CHECK_OK;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return CHECK_ERR_IO;
    char *head = xmalloc(SNIFF_BYTES);
    ssize_t n = read(fd, head, SNIFF_BYTES);
    close(fd);
    int rc = CHECK_ERR_KIND;
    const unsigned char *u = (const unsigned char *)head;
    char root[64];
    if (n < 0) {
        rc = CHECK_ERR_IO;
    } else if (n >= 8 && !memcmp(u, "\x89PNG\r\n\x1a\n", 8)) {
        *out = CHECK_ARTWORK;
        rc = CHECK_OK;
    } else if (n >= 3 && u[0] == 0xFF && u[1] == 0xD8 && u[2] == 0xFF) {
        *out = CHECK_ARTWORK;
        rc = CHECK_OK;
    } else if (n >= 4 && !memcmp(u, "PK\x03\x04", 4)) {
        *out = CHECK_AVAILS;
        rc = CHECK_OK;
    } else if (n > 0 && xml_root_name(head, (size_t)n, root, sizeof root)) {
        if (!strcmp(root, "MediaManifest")) {
            *out = CHECK_MANIFEST;
            rc = CHECK_OK;
        } else if (!strcmp(root, "CoreMetadata")) {
            *out = CHECK_MEC;
            rc = CHECK_OK;
        } else if (!strcmp(root, "AvailList") || !strcmp(root, "OfferStatusList") ||
                   !strcmp(root, "Avail")) {
            *out = CHECK_AVAILS;
            rc = CHECK_OK;
        } else if (!strcmp(root, "tt")) {
            *out = CHECK_CAPTIONS;
            rc = CHECK_OK;
        }
    } else if (n >= 18 && !memcmp(head, "Scenarist_SCC V1.0", 18)) {
        *out = CHECK_CAPTIONS;
        rc = CHECK_OK;
    }
    free(head);
    return rc;
}

int check_file(const char *path, const char *display_name, enum check_kind kind,
               const struct check_options *opts, struct findings *out, struct buf *why)
{
    static const struct check_options defaults = {0};
    if (!opts)
        opts = &defaults;
    const char *name = display_name ? display_name : path;
    xmlsafe_init();
    if (kind == CHECK_AUTO) {
        int rc = check_kind_detect(path, &kind);
        if (rc == CHECK_ERR_IO) {
            if (why)
                buf_printf(why, "%s cannot be read: %s", name, strerror(errno));
            return rc;
        }
        if (rc != CHECK_OK) {
            if (why)
                buf_printf(why,
                           "what kind of file %s is could not be told from its name or content",
                           name);
            return rc;
        }
    }
    switch (kind) {
    case CHECK_AVAILS: {
        /* Avails XML when told so by its root or named .xml (so a hostile or broken XML file gets
         * the XML reader's findings, not "not a workbook"); a workbook otherwise */
        enum check_kind k = CHECK_AUTO;
        bool xml = !ext_in(extension(path), xlsx_ext) && strcasecmp(extension(path), "xls") != 0 &&
                   ((check_kind_detect(path, &k) == CHECK_OK && k == CHECK_AVAILS) ||
                    !strcasecmp(extension(path), "xml"));
        /* a zip (xlsx) sniffed without extension is also CHECK_AVAILS: look at the signature */
        if (xml) {
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            char sig[4] = {0};
            if (fd >= 0) {
                if (read(fd, sig, 4) != 4)
                    memset(sig, 0, sizeof sig);
                close(fd);
            }
            xml = memcmp(sig, "PK\x03\x04", 4) != 0;
        }
        return xml ? check_avails_xml(path, display_name, opts, out, why)
                   : check_avails_xlsx(path, display_name, opts, out, why);
    }
    case CHECK_MANIFEST:
        return check_manifest(path, display_name, opts, out, why);
    case CHECK_MEC:
        return check_mec(path, display_name, opts, out, why);
    case CHECK_MEDIA:
        return check_media(path, display_name, opts, out, why);
    case CHECK_CAPTIONS:
        return check_captions(path, display_name, opts, out, why);
    case CHECK_ARTWORK:
        return check_artwork(path, display_name, opts, out, why);
    case CHECK_AUTO:
        break;
    }
    if (why)
        buf_printf(why, "%s files are not checked yet", check_kind_name(kind));
    return CHECK_ERR_UNSUPPORTED;
}
