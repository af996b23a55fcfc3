/*
 * sf.h: the one public header of the syndication filter engine.
 *
 * The engine turns an HTML byte stream into the cleaned stream, block by
 * block, with memory fixed at creation time.  It knows nothing of nginx:
 * the nginx module, the synfilter CLI, the tests and the benchmarks all use
 * only what is declared here.
 *
 * Life cycle:
 *
 *     sf_rules_t    compiled once (configuration time), immutable afterwards,
 *                   shared read-only by any number of streams;
 *     sf_stream_t   one per response; all of its memory is allocated by
 *                   sf_stream_create(), sf_stream_feed() never allocates.
 *
 * Memory always comes from a caller-given allocator; the engine has no
 * globals and no thread-locals.
 */

#ifndef SF_H_INCLUDED
#define SF_H_INCLUDED

#include <stddef.h>
#include <stdint.h>


/* Return codes, in nginx's vocabulary. */
#define SF_OK         0     /* done what was asked */
#define SF_ERROR     -1     /* API misuse or allocation failure, never input */
#define SF_BUSY      -3     /* output space used up: call again */
#define SF_DONE       1     /* SF_FINISH: the whole stream has been emitted */


/* Flags of sf_stream_feed(). */
#define SF_FLUSH      0x01  /* emit all that no undecided block needs */
#define SF_FINISH     0x02  /* no more input: decide and emit everything */


typedef struct {
    void               *(*alloc)(void *ctx, size_t size);
    /* free may be NULL when the memory goes away with ctx (nginx pools) */
    void                (*free)(void *ctx, void *p);
    void                 *ctx;
} sf_allocator_t;


/*
 * Limits: every bound on memory and time the engine enforces.  The rules
 * take theirs (max_dfa, regex_*) from the limits given to
 * sf_rules_create(), a stream from its options.
 */
typedef struct {
    size_t                max_holdback;     /* bytes of one held block */
    size_t                max_text;         /* normalized text of a block */
    size_t                max_links;        /* links recorded per block */
    uint32_t              regex_match_limit;
    uint32_t              regex_depth_limit;
    uint32_t              regex_heap_limit; /* KiB */
    /*
     * The longest source URL (clean) a stream keeps, at most and by
     * default (0) SF_URL_CLEAN_MAX: a longer one is not kept (the page's
     * own canonical stays) and counts in inserts_failed.  The credit's
     * buffer holds twice this plus the template.
     */
    size_t                max_url;
    /*
     * Bytes of the phrase automaton's table with one row per state (0: no
     * bound); the deeper states beyond it keep only their own
     * transitions: the same matches, a little slower, a fraction of the
     * memory.
     */
    size_t                max_dfa;
    unsigned              regex_nojit:1;    /* the interpreter only */
} sf_limits_t;

void sf_limits_init(sf_limits_t *limits);
/*
 * The router profile: the limits of a small device (hold-back 4 KiB, text
 * 1 KiB, 8 links, URLs of 512 bytes, a 16 KiB phrase table, no JIT, a
 * 20 KiB regex heap), with
 * which one stream and the compiled built-in pack each take a small fixed
 * amount of memory (README, "Router profile").
 */
void sf_limits_router(sf_limits_t *limits);


/* An error in a rule text: where it is and what it is. */
typedef struct {
    unsigned              line;             /* 1-based; 0: not in a file */
    unsigned              column;           /* 1-based */
    char                  message[200];
} sf_error_t;


/* Compiled rules. */
typedef struct sf_rules_s  sf_rules_t;

sf_rules_t *sf_rules_create(const sf_allocator_t *alloc,
    const sf_limits_t *limits);
/*
 * Parse one rule text (a file's contents) and add its rules.  On a syntax
 * error returns SF_ERROR with err->line and err->column set; the rules
 * added before stay valid.
 */
int sf_rules_add(sf_rules_t *rules, const char *text, size_t len,
    sf_error_t *err);
/* Add the built-in pack (the .rules files of conf/rules compiled in). */
int sf_rules_add_builtin(sf_rules_t *rules, sf_error_t *err);
/* Build the prefilter and JIT-compile regexes; no sf_rules_add() after. */
int sf_rules_compile(sf_rules_t *rules, sf_error_t *err);
size_t sf_rules_count(const sf_rules_t *rules);
/*
 * Bytes the rules hold: all they took from the allocator and still have,
 * plus the regexes' JIT code (which PCRE2 maps itself).  What each worker
 * of a server pays for them, once.
 */
size_t sf_rules_memory(const sf_rules_t *rules);
void sf_rules_destroy(sf_rules_t *rules);


/* What a stream decided about one block, for report mode and logs. */
typedef struct {
    const char           *rule_id;
    const char           *action;           /* "drop", "drop-source", ... */
    size_t                bytes;            /* bytes of the block */
    uint64_t              offset;           /* of the block in the input */
} sf_decision_t;

typedef void (*sf_decision_pt)(void *ctx, const sf_decision_t *decision);


/*
 * Why a stream did what it did with one block (synfilter --explain): the
 * rule or detector that decided it or, for a block kept, the rule that
 * came nearest and the condition that failed.  Every pointer is valid
 * during the callback only (stream scratch); strings are NUL-terminated
 * except id and cls.  Only a stream created with on_explain set pays for
 * this: it evaluates the rules a second time for every block it keeps.
 */
typedef struct {
    /*
     * In a feed, the item (from 1), and offset counts from the start of
     * the item's HTML element, unescaped; 0 in a page.
     */
    unsigned              item;
    uint64_t              offset;           /* of the block in the input */
    size_t                bytes;            /* of the block, or element;
                                               held so far when it outgrew
                                               max_holdback (note says) */
    const char           *tag;              /* "p", "div", ...; "anon" */
    /* raw attribute values (of the container for "anon"); len 0: none */
    const unsigned char  *id;
    size_t                id_len;
    const unsigned char  *cls;
    size_t                cls_len;
    unsigned              whole:1;          /* dropped whole at its start
                                               tag by a selector rule */
    unsigned              detector:1;       /* decided by a detector */
    unsigned              unchecked:1;      /* outgrew max_holdback: sent
                                               undecided */
    const char           *action;           /* what was done: "keep",
                                               "drop", "drop-source", ... */

    /*
     * The rule (or detector) that decided, or for a block kept the
     * nearest one: in scope, the most conditions held (in the order they
     * are written) before one failed.  NULL: no rule in scope, or none
     * was tried (note says why).  rule_file: the built-in pack's file
     * ("10-yoast.rules") when the rule is found in it at rule_line, NULL
     * otherwise (the caller knows which files it added in which order).
     */
    const char           *rule_id;
    const char           *rule_file;
    unsigned              rule_index;       /* in the order rules were
                                               added, from 0 */
    unsigned              rule_line;        /* of "rule ID"; 0: detector */
    unsigned              passed;           /* conditions that held (before
                                               the one that failed) */
    unsigned              nconds;           /* conditions of the rule */

    /* kept: the condition that failed, as written and why; NULL: none */
    const char           *cond;             /* "max-length 300" */
    unsigned              cond_line;
    const char           *failed;           /* "text is 412 bytes" */

    /*
     * Kept, no rule fired, a detector on: the detector and why it left the
     * block; detector_id is NULL when it was not tried or the block has
     * not the two or three links it looks for.
     */
    const char           *detector_id;
    const char           *detector_failed;

    /* why the block was kept anyway, or no rule tried it; NULL: none */
    const char           *note;
} sf_explain_t;

typedef void (*sf_explain_pt)(void *ctx, const sf_explain_t *explain);


/*
 * The scratch of block decisions: the block's normalized text and links,
 * the phrase bits, PCRE2's match data, the shape detector's buffers.  A
 * stream uses it only inside sf_stream_feed() and keeps nothing of its
 * own in it, so the streams of one thread (an nginx worker) may share one
 * (sf_options_t.scratch) instead of each allocating its own.  It serves
 * streams of the same rules whose max_text and max_links are no larger
 * and whose regex limits are the same as those it was created with; any
 * other stream fails to create.  Destroy it after its streams.
 */
typedef struct sf_match_s  sf_scratch_t;

sf_scratch_t *sf_scratch_create(const sf_rules_t *rules,
    const sf_limits_t *limits, const sf_allocator_t *alloc);
size_t sf_scratch_memory(const sf_scratch_t *scratch);
void sf_scratch_destroy(sf_scratch_t *scratch);


typedef struct {
    sf_limits_t           limits;
    unsigned              report:1;         /* change nothing, only decide */
    unsigned              attribution:1;    /* insert the visible credit */
    unsigned              canonical:1;      /* rewrite the head canonical */

    /* a source known before the body (syndication_source): may be NULL */
    const char           *source;
    size_t                source_len;

    /*
     * The page's own host, so head sources pointing at it are ignored.
     * Borrowed: the stream keeps the pointer, the caller keeps the bytes
     * alive until sf_stream_destroy() (as credit_template below).
     */
    const char           *page_host;
    size_t                page_host_len;

    /*
     * The credit template: "%u" is replaced by the URL (attribute-escaped),
     * "%n" by the source name (text-escaped), "%%" by "%".  NULL: default.
     * Borrowed like page_host; source is copied (cleaned) at create time.
     */
    const char           *credit_template;

    sf_decision_pt        on_decision;      /* may be NULL */
    void                 *on_decision_ctx;

    /* one explanation per block held or element dropped: may be NULL */
    sf_explain_pt         on_explain;
    void                 *on_explain_ctx;

    /*
     * A shared decision scratch (borrowed, not counted in the stream's
     * stats.memory); NULL: the stream allocates its own.
     */
    sf_scratch_t         *scratch;
} sf_options_t;

void sf_options_init(sf_options_t *options);


/* Cursor I/O, as in zlib. */
typedef struct {
    const unsigned char  *next_in;
    size_t                avail_in;
    unsigned char        *next_out;
    size_t                avail_out;
} sf_io_t;


/* Why a stream gave up on part of its work and passed bytes through. */
typedef enum {
    SF_PASS_HOLDBACK = 0,                   /* a block outgrew max_holdback */
    SF_PASS_TEXT,                           /* text outgrew max_text */
    SF_PASS_REGEX,                          /* a regex hit a match limit */
    SF_PASS_DEPTH,                          /* nesting deeper than tracked */
    SF_PASS_QUEUE,                          /* an insertion left out: the
                                               output queue was full */
    SF_PASS_NREASONS
} sf_pass_reason_e;


typedef struct {
    uint64_t              bytes_in;
    uint64_t              bytes_out;
    unsigned              blocks_held;      /* blocks decided */
    unsigned              blocks_removed;
    unsigned              rules_fired;
    unsigned              credits;          /* credits inserted */
    unsigned              canonicals;       /* canonicals written */
    unsigned              inserts_failed;   /* a credit or canonical that
                                               did not fit: left out */
    unsigned              passthrough[SF_PASS_NREASONS];
    size_t                memory;           /* bytes the stream allocated */
} sf_stats_t;


typedef struct sf_stream_s  sf_stream_t;

sf_stream_t *sf_stream_create(const sf_rules_t *rules,
    const sf_options_t *options, const sf_allocator_t *alloc);
/*
 * Consume input and produce output.  Bytes outside undecided blocks are
 * copied straight to the output; input is consumed only when it has been
 * emitted or held within the limits, so a caller that stops offering output
 * space stops the input too.
 *
 * Returns SF_OK when all input is consumed (and, with SF_FLUSH, all
 * releasable output emitted), SF_BUSY when the output space ran out first,
 * SF_DONE when SF_FINISH completed, SF_ERROR on misuse.
 */
int sf_stream_feed(sf_stream_t *stream, sf_io_t *io, unsigned flags);
/* True while the stream holds bytes it has not emitted. */
int sf_stream_holding(const sf_stream_t *stream);
const sf_stats_t *sf_stream_stats(const sf_stream_t *stream);
/* The source URL used or learned ("" when none); valid until destroy. */
const char *sf_stream_source(const sf_stream_t *stream, size_t *len);
/*
 * The first source a footer of the page named ("" when none), even when
 * another one was given or found first: what the page says now, for a
 * caller that remembers sources across responses.  Valid until destroy.
 */
const char *sf_stream_footer_source(const sf_stream_t *stream, size_t *len);
/* "rewritten", "unchanged", "reported", "passthrough:holdback", ... */
const char *sf_stream_status(const sf_stream_t *stream);
void sf_stream_destroy(sf_stream_t *stream);


/* Callback convenience for the CLI, tests and benchmarks. */
typedef int (*sf_write_pt)(void *ctx, const unsigned char *p, size_t len);

int sf_stream_run(sf_stream_t *stream, const unsigned char *in, size_t len,
    size_t chunk, size_t out_size, unsigned char *out_buf,
    sf_write_pt write, void *ctx);


/*
 * The one validator of source URLs, for the page and for anything else
 * that carries the source (the module's Link header, its learn zone).
 * raw is a candidate (with decode set: an attribute value, entities
 * intact); it is trimmed as a browser would, must be absolute http(s)
 * with a plain host (no userinfo), at most 2 KiB, and not a Google News,
 * share or aggregator-frame link.  Bytes unsafe in an attribute or a
 * header (controls, space, quotes, backslash, backtick, <, >, non-ASCII)
 * are percent-encoded; tab, CR and LF are dropped.  Writes the clean URL
 * to out (cap bytes, NUL-terminated when there is room) and returns its
 * length, or 0 when it is not acceptable.  Cleaning a clean URL gives it
 * back unchanged.
 */
#define SF_URL_CLEAN_MAX  2048

size_t sf_url_clean(const unsigned char *raw, size_t len, int decode,
    char *out, size_t cap);


/*
 * One stream for many small documents (the items of a feed): forget all
 * that was read, keep the memory.  The stream is as sf_stream_create()
 * left it (stats included), with the same options.
 */
int sf_stream_reset(sf_stream_t *stream);
/*
 * The page title the rules compare blocks with, given rather than read
 * from <title> or <h1> (a feed item's <title>): raw HTML text, entities
 * intact.  Call before the first sf_stream_feed() after create or reset.
 */
void sf_stream_set_title(sf_stream_t *stream, const char *title,
    size_t len);
/*
 * The language of the page (a BCP 47 tag such as "de-DE", as in <html
 * lang>), for the wording of the built-in credit; a <html lang> in the
 * input overrides it.  Unknown languages get the English credit.
 */
void sf_stream_set_lang(sf_stream_t *stream, const char *lang, size_t len);

/*
 * A credit template as operators write it (syndication_credit): "%s" the
 * source name, "%u" its URL, "%%" a percent sign; the engine's own "%n"
 * is accepted for "%s".  Checks it and writes the engine's form (NUL
 * terminated) to out, which needs len + 1 bytes.  Returns SF_OK, or
 * SF_ERROR with err->column and err->message set.
 */
int sf_credit_template(const char *tmpl, size_t len, char *out, size_t cap,
    sf_error_t *err);


/*
 * Feeds: RSS 2.0, RSS 1.0 and Atom.  Everything outside the HTML of the
 * items passes byte for byte; the HTML of each item (<description>,
 * <content:encoded>, Atom <summary> and <content> of type "html"), escaped
 * as text or in CDATA, is unescaped, cleaned by one sf_stream_t reset per
 * element with the item's <title> as the page title, and escaped again
 * the way it came.  Memory is fixed at create time: a few KiB plus one
 * stream, whatever the size of the feed or of an item.
 */
typedef struct sf_feed_s  sf_feed_t;

/* sf_feed_detect(): what the first bytes of a body are. */
#define SF_FEED_NO        0     /* not a feed */
#define SF_FEED_YES       1     /* root <rss>, <feed> or <rdf:RDF> */
#define SF_FEED_MORE      2     /* undecided: more bytes needed */

/* Bytes after which an undecided body is taken for no feed. */
#define SF_FEED_SNIFF_MAX 2048

/*
 * Looks past a byte order mark, the XML declaration, comments, processing
 * instructions and a doctype for the root element.
 */
int sf_feed_detect(const unsigned char *p, size_t len);

/* Flags of sf_feed_create(). */
#define SF_FEED_SNIFF     0x01  /* decide from the first bytes; a body that
                                   is no feed passes through unchanged */

sf_feed_t *sf_feed_create(const sf_rules_t *rules,
    const sf_options_t *options, const sf_allocator_t *alloc,
    unsigned flags);
/* The cursor contract and return codes of sf_stream_feed(). */
int sf_feed_feed(sf_feed_t *feed, sf_io_t *io, unsigned flags);
int sf_feed_holding(const sf_feed_t *feed);
/*
 * The sums over the items' streams; bytes_in and bytes_out are the feed's
 * own, memory all that the feed allocated (its stream included).
 */
const sf_stats_t *sf_feed_stats(const sf_feed_t *feed);
/* Items seen and HTML elements cleaned; 0 when the body was no feed. */
unsigned sf_feed_items(const sf_feed_t *feed);
/* As sf_stream_status(); "passthrough:notfeed" for a sniffed non-feed. */
const char *sf_feed_status(const sf_feed_t *feed);
void sf_feed_destroy(sf_feed_t *feed);

int sf_feed_run(sf_feed_t *feed, const unsigned char *in, size_t len,
    size_t chunk, size_t out_size, unsigned char *out_buf,
    sf_write_pt write, void *ctx);


/* The default allocator: malloc and free. */
extern const sf_allocator_t  sf_malloc_allocator;


#endif /* SF_H_INCLUDED */
