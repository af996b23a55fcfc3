/*
 * fuzz_stream.c: libFuzzer target for the stream, with every option.
 *
 * The first bytes of an input choose the options (see sf_fuzz_options():
 * report mode, attribution, canonical, a source given or taken from the
 * input, a page host, a credit template, limits, the rule set); the rest
 * is the page.  Each page runs
 *
 *   - whole, then again in pieces (sizes taken from the page's own bytes,
 *     with SF_FLUSH here and there) through a 3-byte output window and
 *     with explanations on (on_explain): the outputs must agree, the
 *     stream must end holding nothing, and each block held must be
 *     explained once, inside the page;
 *   - the same in the router profile, in pieces through a window of 1 to
 *     512 bytes the page chooses;
 *   - in report mode, and with no rules, canonical or credit: the output
 *     must equal the page;
 *   - and what the stream inserted is checked: at most one canonical and
 *     one credit, as the stats count them, each well-formed (the canonical
 *     names the stream's source, the credit's URL and name are escaped,
 *     its elements balanced).
 *
 * Build and run: make fuzz (clang, libFuzzer, ASan and UBSan;
 * FUZZ_SECONDS sets the time).  The seeds and the regression inputs are
 * tests/fuzz/corpus (written by tests/fuzz/seeds.py).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sf.h"


static const char  sf_fuzz_rules[] =
    "rule buy\n"
    "    scope p div li anon\n"
    "    contains \"buy now\"\n"
    "    action drop\n"
    "end\n"
    "rule footer\n"
    "    scope p div anon\n"
    "    contains \"first appeared on\"\n"
    "    action drop-source link 1\n"
    "end\n"
    "rule keep\n"
    "    scope p\n"
    "    contains \"republished here\"\n"
    "    action keep-source link 1\n"
    "end\n"
    "rule respond\n"
    "    scope \"#respond\"\n"
    "    action drop\n"
    "end\n";


static const char  *sf_fuzz_sources[] = {
    "https://src.example/story",
    "https://www.agg.test./self",
    "https://user@evil.example/x",
    "https://src.example/a?b=1&c=2&d='\"<>` \xc3\xa9",
};

static const char  *sf_fuzz_hosts[] = {
    "agg.test", "www.agg.test.", "src.example", "AGG.Test"
};

static const char  *sf_fuzz_templates[] = {
    "<aside class=\"src\">%n: <a href=\"%u\">%u</a> 100%%</aside>",
    "%u",
};


#define SF_FUZZ_DEFAULT_CREDIT  "<p class=\"syndication-source\">"
#define SF_FUZZ_CANON           "<link rel=\"canonical\" href=\""


typedef struct {
    sf_options_t          opt;
    unsigned              rules;            /* 0 none, 1 fuzz, 2 pack, 3 */
    unsigned              flush;            /* SF_FLUSH between pieces */
    char                  source[2048];
} sf_fuzz_opts_t;


/* What the explanations of one run must agree with. */
typedef struct {
    size_t                size;             /* of the page */
    unsigned              held;             /* explanations of held blocks */
} sf_fuzz_explain_t;


/* An explanation: inside the page, its strings whole (ASan reads them). */
static void
sf_fuzz_explain(void *ctx, const sf_explain_t *x)
{
    sf_fuzz_explain_t  *fx;

    fx = ctx;

    if (x->tag == NULL || x->action == NULL || x->offset > fx->size
        || x->bytes > fx->size - x->offset
        || (x->id_len > 0 && x->id == NULL)
        || (x->cls_len > 0 && x->cls == NULL)
        || (x->cond != NULL && x->failed == NULL)
        || (x->rule_id == NULL && (x->cond != NULL || x->detector)))
    {
        abort();
    }

    if ((x->rule_id != NULL && strlen(x->rule_id) == 0)
        || (x->rule_file != NULL && strlen(x->rule_file) == 0)
        || (x->cond != NULL && strlen(x->cond) == 0)
        || (x->failed != NULL && strlen(x->failed) == 0)
        || (x->note != NULL && strlen(x->note) == 0)
        || (x->detector_failed != NULL && strlen(x->detector_failed) == 0)
        || (x->passed > x->nconds))
    {
        abort();
    }

    /* a block sent unchecked is explained, never decided */
    if (!x->whole && !x->unchecked) {
        fx->held++;
    }
}


/* Options from the first bytes; *data and *size move past them. */
static void
sf_fuzz_options(const uint8_t **data, size_t *size, sf_fuzz_opts_t *o)
{
    size_t          n, i;
    uint8_t         f, g;
    const uint8_t  *p;

    sf_options_init(&o->opt);
    o->rules = 3;
    o->flush = 0;

    if (*size < 2) {
        return;
    }

    p = *data;
    f = p[0];
    g = p[1];
    *data += 2;
    *size -= 2;

    o->opt.report = (f & 0x01) ? 1 : 0;
    o->opt.attribution = (f & 0x02) ? 1 : 0;
    o->opt.canonical = (f & 0x04) ? 1 : 0;
    o->flush = (f & 0x40) ? 1 : 0;
    o->rules = g & 3;

    switch ((g >> 2) & 3) {
    case 1:
        o->opt.limits.max_holdback = 256;
        o->opt.limits.max_text = 64;
        o->opt.limits.max_links = 2;
        break;
    case 2:
        o->opt.limits.max_holdback = 64;
        o->opt.limits.max_text = 1;
        o->opt.limits.max_links = 0;
        break;
    case 3:
        o->opt.limits.max_holdback = 1024;
        o->opt.limits.max_text = 256;
        o->opt.limits.max_links = 4;
        o->opt.limits.regex_match_limit = 50;
        break;
    default:
        break;
    }

    if (f & 0x08) {
        switch ((g >> 4) & 3) {

        case 0:
            /* from the input: a length byte, then the bytes */
            n = 0;

            if (*size > 0) {
                n = **data;
                *data += 1;
                *size -= 1;
            }

            n = n < *size ? n : *size;
            memcpy(o->source, *data, n);
            *data += n;
            *size -= n;
            break;

        case 1:
            n = strlen(sf_fuzz_sources[f >> 7 ? 3 : 0]);
            memcpy(o->source, sf_fuzz_sources[f >> 7 ? 3 : 0], n);
            break;

        case 2:
            /* every '&' escaped: the longest canonical there is */
            n = sizeof("https://x.example/a?") - 1;
            memcpy(o->source, "https://x.example/a?", n);

            for (i = 0; n < 2040; i++) {
                o->source[n++] = '&';
            }

            break;

        default:
            n = strlen(sf_fuzz_sources[f >> 7 ? 1 : 2]);
            memcpy(o->source, sf_fuzz_sources[f >> 7 ? 1 : 2], n);
            break;
        }

        o->opt.source = o->source;
        o->opt.source_len = n;
    }

    if (f & 0x10) {
        o->opt.page_host = sf_fuzz_hosts[(g >> 6) & 3];
        o->opt.page_host_len = strlen(o->opt.page_host);
    }

    if (f & 0x20) {
        o->opt.credit_template = sf_fuzz_templates[f >> 7];
    }
}


/*
 * One run; nsizes 0: everything at once.  The output buffer leaves room
 * for any insert (a canonical of 10 KiB, a credit of 4 KiB and its
 * template): running out of it means bytes came from nowhere.
 */
static unsigned char *
sf_fuzz_run(const sf_rules_t *rules, const sf_options_t *opt,
    unsigned flush, const uint8_t *data, size_t size, const uint8_t *sizes,
    size_t nsizes, size_t out_size, size_t *out_len, sf_stats_t *stats,
    char *source)
{
    int             rc;
    size_t          pos, n, k, cap, slen;
    unsigned        flags;
    sf_io_t         io;
    const char     *src;
    sf_stream_t    *s;
    unsigned char  *out;

    s = sf_stream_create(rules, opt, &sf_malloc_allocator);
    if (s == NULL) {
        abort();
    }

    cap = size * 2 + 65536;
    out = malloc(cap);
    if (out == NULL) {
        abort();
    }

    pos = 0;
    k = 0;
    io.next_out = out;
    rc = SF_OK;

    do {
        n = nsizes ? 1 + sizes[k % nsizes] % 64 : size;
        n = n < size - pos ? n : size - pos;

        io.next_in = data + pos;
        io.avail_in = n;
        pos += n;

        flags = 0;

        if (pos == size) {
            flags = SF_FINISH;

        } else if (flush && nsizes && sizes[k % nsizes] % 5 == 0) {
            flags = SF_FLUSH;
        }

        k++;

        do {
            io.avail_out = cap - (size_t) (io.next_out - out);

            if (io.avail_out == 0) {
                /* more output than any page and its inserts */
                abort();
            }

            io.avail_out = io.avail_out < out_size ? io.avail_out : out_size;
            rc = sf_stream_feed(s, &io, flags);
        } while (rc == SF_BUSY);

        if (rc == SF_ERROR || io.avail_in != 0) {
            abort();
        }

    } while (pos < size);

    if (rc != SF_DONE || sf_stream_holding(s)) {
        abort();
    }

    *out_len = (size_t) (io.next_out - out);

    if (stats != NULL) {
        *stats = *sf_stream_stats(s);
    }

    if (source != NULL) {
        src = sf_stream_source(s, &slen);
        memcpy(source, src, slen);
        source[slen] = '\0';
    }

    sf_stream_destroy(s);

    return out;
}


static size_t
sf_fuzz_count(const unsigned char *p, size_t len, const char *what,
    size_t *first)
{
    size_t  n, i, wl;

    wl = strlen(what);
    n = 0;

    for (i = 0; i + wl <= len; i++) {
        if (memcmp(p + i, what, wl) == 0) {
            if (n++ == 0 && first != NULL) {
                *first = i;
            }
        }
    }

    return n;
}


static int
sf_fuzz_has_nocase(const uint8_t *p, size_t len, const char *what)
{
    size_t  i, wl;

    wl = strlen(what);

    for (i = 0; i + wl <= len; i++) {
        if (strncasecmp((const char *) p + i, what, wl) == 0) {
            return 1;
        }
    }

    return 0;
}


/*
 * An attribute value the stream wrote: a clean URL (absolute http(s), no
 * byte that could end the attribute) with '&' as "&amp;"; the raw URL
 * goes to url (NUL-terminated), the end of the value is returned.
 */
static const unsigned char *
sf_fuzz_attr_url(const unsigned char *p, const unsigned char *end,
    char *url, size_t cap)
{
    size_t  n;

    n = 0;

    while (p < end && *p != '"') {
        if (*p <= 0x20 || *p >= 0x7f || *p == '<' || *p == '>'
            || *p == '\'' || *p == '`' || *p == '\\' || n + 1 >= cap)
        {
            abort();
        }

        if (*p == '&') {
            if (end - p < 5 || memcmp(p, "&amp;", 5) != 0) {
                abort();
            }

            url[n++] = '&';
            p += 5;
            continue;
        }

        url[n++] = (char) *p++;
    }

    if (p == end) {
        abort();
    }

    url[n] = '\0';

    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
        abort();
    }

    return p;
}


/* Text the stream wrote (a name): no markup, every '&' a reference. */
static const unsigned char *
sf_fuzz_text(const unsigned char *p, const unsigned char *end)
{
    while (p < end && *p != '<') {
        if (*p == '>') {
            abort();
        }

        if (*p == '&') {
            if (end - p >= 5 && memcmp(p, "&amp;", 5) == 0) {
                p += 5;

            } else if (end - p >= 4 && (memcmp(p, "&lt;", 4) == 0
                                        || memcmp(p, "&gt;", 4) == 0))
            {
                p += 4;

            } else if (end - p >= 4 && p[1] == '#') {
                p += 2;

                while (p < end && *p >= '0' && *p <= '9') {
                    p++;
                }

                if (p == end || *p != ';') {
                    abort();
                }

                p++;

            } else {
                abort();
            }

            continue;
        }

        p++;
    }

    return p;
}


/*
 * What the stream inserted, in a page that had neither a canonical nor a
 * credit of its own: as many as the stats say, at most one each, and
 * well-formed.
 */
static void
sf_fuzz_check_inserts(const sf_fuzz_opts_t *o, const uint8_t *page,
    size_t size, const unsigned char *out, size_t len,
    const sf_stats_t *st, const char *source)
{
    size_t                 at;
    const unsigned char   *p, *end;
    char                   url[2100];

    if (st->canonicals > 1 || st->credits > 1) {
        abort();
    }

    if (o->opt.report || sf_fuzz_has_nocase(page, size, "canonical")
        || sf_fuzz_has_nocase(page, size, "syndication-source"))
    {
        return;
    }

    end = out + len;

    if (sf_fuzz_count(out, len, SF_FUZZ_CANON, &at) != st->canonicals) {
        abort();
    }

    if (st->canonicals == 1) {
        p = out + at + sizeof(SF_FUZZ_CANON) - 1;
        p = sf_fuzz_attr_url(p, end, url, sizeof(url));

        if (end - p < 2 || p[1] != '>' || strcmp(url, source) != 0) {
            abort();
        }
    }

    if (o->opt.credit_template != NULL) {
        return;
    }

    if (sf_fuzz_count(out, len, SF_FUZZ_DEFAULT_CREDIT, &at) != st->credits)
    {
        abort();
    }

    if (st->credits == 1) {
        const unsigned char  *words;

        static const char  by[] = " <a href=\"";

        /*
         * The built-in wording, in the page's language (sf_credit_lang.c):
         * plain words, then the link.
         */
        words = out + at + sizeof(SF_FUZZ_DEFAULT_CREDIT) - 1;
        p = words;

        while (p < end && *p != '<' && *p != '&' && *p != '>') {
            p++;
        }

        if (p - words < 2 || (size_t) (end - p) < sizeof(by) - 2
            || memcmp(p - 1, by, sizeof(by) - 1) != 0)
        {
            abort();
        }

        p = sf_fuzz_attr_url(p - 1 + sizeof(by) - 1, end, url, sizeof(url));

        if (end - p < 2 || p[1] != '>') {
            abort();
        }

        p = sf_fuzz_text(p + 2, end);

        if (end - p < 8 || memcmp(p, "</a></p>", 8) != 0) {
            abort();
        }
    }
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t               a_len, b_len, c_len, i, win;
    unsigned             set;
    sf_error_t           err;
    sf_limits_t          limits;
    sf_stats_t           st, st_b;
    sf_options_t         plain, explained;
    sf_fuzz_explain_t    fx;
    unsigned char       *a, *b, *c;
    sf_fuzz_opts_t       o, ro;
    char                 source[2100];
    static sf_rules_t   *sets[8];
    static sf_scratch_t *scratch[4];

    /* 0-3 the default limits, 4-7 the router profile's (each a scratch) */
    if (sets[0] == NULL) {
        for (i = 0; i < 8; i++) {
            if (i < 4) {
                sf_limits_init(&limits);

            } else {
                sf_limits_router(&limits);
            }

            sets[i] = sf_rules_create(&sf_malloc_allocator, &limits);

            if (sets[i] == NULL
                || ((i & 1) && sf_rules_add(sets[i], sf_fuzz_rules,
                                            sizeof(sf_fuzz_rules) - 1, &err)
                               != SF_OK)
                || ((i & 2) && sf_rules_add_builtin(sets[i], &err) != SF_OK)
                || sf_rules_compile(sets[i], &err) != SF_OK
                || (i >= 4
                    && (scratch[i - 4] = sf_scratch_create(sets[i], &limits,
                                                  &sf_malloc_allocator))
                       == NULL))
            {
                abort();
            }
        }
    }

    sf_fuzz_options(&data, &size, &o);
    set = o.rules;

    a = sf_fuzz_run(sets[set], &o.opt, 0, data, size, NULL, 0, 65536,
                    &a_len, &st, source);
    explained = o.opt;
    explained.on_explain = sf_fuzz_explain;
    explained.on_explain_ctx = &fx;
    fx.size = size;
    fx.held = 0;

    b = sf_fuzz_run(sets[set], &explained, o.flush, data, size, data,
                    size < 16 ? size : 16, 3, &b_len, &st_b, NULL);

    if (a_len != b_len || memcmp(a, b, a_len) != 0
        || fx.held != st_b.blocks_held || st_b.blocks_held != st.blocks_held)
    {
        abort();
    }

    sf_fuzz_check_inserts(&o, data, size, a, a_len, &st, source);

    free(a);
    free(b);

    /*
     * The router profile, its streams taking turns in one scratch (one
     * run's decisions must leave nothing for the next): the same output
     * whole and in pieces, inserts well formed.
     */
    ro = o;
    sf_limits_router(&ro.opt.limits);
    ro.opt.scratch = scratch[set];

    a = sf_fuzz_run(sets[4 + set], &ro.opt, 0, data, size, NULL, 0, 65536,
                    &a_len, &st, source);
    /*
     * through a window the page chooses, 1 to 512 bytes: one that takes a
     * block but not all of its credit leaves bytes queued while the loop
     * goes on (the 3-byte and the large windows never do)
     */
    win = size == 0 ? 3
                    : 1 + (((size_t) data[size - 1] << 8 | data[size / 2])
                           % 512);

    b = sf_fuzz_run(sets[4 + set], &ro.opt, ro.flush, data, size, data,
                    size < 16 ? size : 16, win, &b_len, NULL, NULL);

    if (a_len != b_len || memcmp(a, b, a_len) != 0) {
        abort();
    }

    sf_fuzz_check_inserts(&ro, data, size, a, a_len, &st, source);

    /*
     * and as a stream with a scratch of its own, new: what the shared one
     * remembers of earlier pages (sf_memo.c, the title and source caches)
     * must answer as a decision made afresh would
     */
    plain = ro.opt;
    plain.scratch = NULL;
    c = sf_fuzz_run(sets[4 + set], &plain, 0, data, size, NULL, 0, 65536,
                    &c_len, NULL, NULL);

    if (c_len != a_len || memcmp(c, a, a_len) != 0) {
        abort();
    }

    free(c);
    free(a);
    free(b);

    /* report mode: decisions only, the page unchanged */
    if (!o.opt.report) {
        o.opt.report = 1;
        c = sf_fuzz_run(sets[set], &o.opt, 0, data, size, data + size / 2,
                        size / 2 < 8 ? 0 : 8, 5, &c_len, NULL, NULL);

        if (c_len != size || memcmp(c, data, size) != 0) {
            abort();
        }

        free(c);
    }

    /* no rules, nothing to insert: the page as it went in */
    plain = o.opt;
    plain.report = 0;
    plain.canonical = 0;
    plain.attribution = 0;

    c = sf_fuzz_run(sets[0], &plain, o.flush, data, size, data + size / 3,
                    size / 3 < 8 ? 0 : 8, 7, &c_len, NULL, NULL);

    if (c_len != size || memcmp(c, data, size) != 0) {
        abort();
    }

    free(c);

    return 0;
}
