/*
 * sf_feed.c: RSS and Atom feeds, cleaned item by item.
 *
 * An aggregator's feed carries the same footers as its pages, inside the
 * HTML of each item, escaped as XML text ("&lt;p&gt;The post ...") or in
 * CDATA.  The feed is read as XML, byte by byte as it streams; all of it
 * passes through unchanged except the content of the elements that hold
 * an item's HTML:
 *
 *     RSS     <description>, <content:encoded> (any prefix: "*:encoded")
 *     Atom    <summary>, <content> with type="html"
 *
 * directly inside an <item> or <entry>.  Their content is unescaped
 * (entities decoded, CDATA opened), cleaned by the stream, reset for each
 * element with the item's <title> as the page title, and escaped again:
 *
 *   - content that starts with CDATA goes out in one CDATA section; a
 *     "]]>" in the cleaned HTML is split as "]]]]><![CDATA[>", the way
 *     WordPress splits it, so that its own splits come out unchanged;
 *   - content escaped as text is escaped again with the spelling the feed
 *     used for each character ("&lt;" or "&#60;", "'" or "&#039;", raw
 *     UTF-8 or "&#8217;"), learned from the first time each appears; a
 *     character spelled otherwise is remembered by its offset and goes out
 *     as it came while the stream has changed nothing before it (its
 *     output is then its input, offset for offset), so that a feed whose
 *     items have no boilerplate comes out byte for byte as it came.  After
 *     the stream's first change in an element (known from its decisions,
 *     whatever the chunking), the spellings learned up to the end of the
 *     changed block are used, the same under every chunking.
 *
 * Memory is allocated once, in sf_feed_create(): one markup token, the
 * decoded and the cleaned HTML in transit, the item title, and one stream.
 * Nothing grows with the feed or with an item.  Markup the feed layer does
 * not expect inside an HTML element (a comment, a child element) ends the
 * cleaning of that element: what was cleaned goes out, closed the way it
 * was opened, and the rest of the element passes through as it is.
 */

#include <stdint.h>
#include <string.h>

#include "sf.h"
#include "sf_out.h"
#include "sf_run.h"


#define SF_FEED_TOKEN_SIZE   4096   /* one tag of the feed, whole */
#define SF_FEED_TITLE_SIZE   512    /* the item title, raw */
#define SF_FEED_LANG_SIZE    36     /* a language tag */
#define SF_FEED_HTML_SIZE    4096   /* decoded HTML, cleaned HTML */
#define SF_FEED_WS_SIZE      32     /* white space after a CDATA section */
/* room in dbuf before a byte is read: an entity or the white space */
#define SF_FEED_NEED         36
#define SF_FEED_ENT_SIZE     12     /* "&#x10FFFF;" and a little more */
#define SF_FEED_QUEUE_MAX    4
#define SF_FEED_TAIL         7      /* "</body>" */
/*
 * Characters spelled otherwise than the learned spelling, per element: a
 * fixed number, counted in reading order, so that the output does not
 * depend on how far the reader is ahead of the writer; beyond it they are
 * spelled the learned way (equivalent XML, no longer byte for byte).
 */
#define SF_FEED_EXCEPT_MAX   256


/* Where the reader is. */
typedef enum {
    SF_FX_SNIFF = 0,        /* collecting the first bytes (SF_FEED_SNIFF) */
    SF_FX_RAW,              /* no feed: everything passes */
    SF_FX_TEXT,             /* text between tags */
    SF_FX_MARKUP,           /* a token from '<' until it is known */
    SF_FX_TAG,              /* a start or end tag, held until '>' */
    SF_FX_LONGTAG,          /* a tag longer than the token buffer */
    SF_FX_COMMENT,          /* passing until "-->" */
    SF_FX_CDATA,            /* passing until "]]>" */
    SF_FX_PI,               /* passing until "?>" */
    SF_FX_DECL,             /* <!DOCTYPE ...>, passing until its '>' */

    /* inside an HTML element of an item */
    SF_FX_H_TEXT,           /* text: entities decoded into the HTML */
    SF_FX_H_ENT,            /* an entity reference being read */
    SF_FX_H_MARKUP,         /* '<': CDATA, the element's end, or else */
    SF_FX_H_CDATA,          /* CDATA content: the HTML itself */
    SF_FX_H_AFTER           /* white space after a CDATA section */
} sf_feed_state_e;


/* How the HTML of the element came, and goes out again. */
typedef enum {
    SF_FE_UNDECIDED = 0,    /* only white space so far */
    SF_FE_TEXT,             /* escaped text */
    SF_FE_CDATA             /* CDATA sections */
} sf_feed_enc_e;


/* The spelling of a character in escaped text. */
enum {
    SF_SP_UNKNOWN = 0,
    SF_SP_RAW,
    SF_SP_NAMED,            /* &lt; &gt; &amp; &quot; &apos; */
    SF_SP_DEC,              /* &#60; (width: digits, leading zeros kept) */
    SF_SP_HEX_LOWER,        /* &#x3c; */
    SF_SP_HEX_UPPER         /* &#x3C; */
};


/* What is captured from plain text of the feed. */
enum {
    SF_CAP_NONE = 0,
    SF_CAP_TITLE,
    SF_CAP_LANG
};


/* How the feed spells each ASCII character, and all non-ASCII ones. */
typedef struct {
    unsigned char         spell[128];
    unsigned char         width[128];
    unsigned char         u8;
} sf_feed_spelling_t;


/*
 * A spelling learned at an offset of the element's decoded HTML.  The
 * decoder learns as it reads; the encoder, which lags behind by what the
 * stream holds, applies what was learned before the offset it has reached,
 * so that its output does not depend on how far ahead the decoder is.
 * A character is learned once per feed: 129 at most.
 */
typedef struct {
    uint64_t              off;
    unsigned char         c;                /* 0x80: non-ASCII */
    unsigned char         sp;
    unsigned char         width;
} sf_feed_learned_t;

#define SF_FEED_LEARNED_MAX  130


/*
 * A character spelled otherwise than the feed's learned spelling ("&#60;"
 * in a feed that spells '<' "&lt;", raw UTF-8 in one that spells it as
 * numbers): where it is in the decoded HTML, and its spelling.  While the
 * stream has changed nothing, its output is its input, offset for offset,
 * and each such character goes out as it came.
 */
typedef struct {
    uint64_t              off;
    unsigned char         dlen;             /* its bytes in the HTML */
    unsigned char         raw;              /* as it is in the HTML */
    unsigned char         len;
    unsigned char         bytes[SF_FEED_ENT_SIZE];
} sf_feed_except_t;


struct sf_feed_s {
    sf_allocator_t        alloc;
    sf_stream_t          *stream;
    sf_stats_t            stats;
    unsigned              nitems;
    unsigned              nhtml;
    unsigned              sniff:1;
    unsigned              notfeed:1;
    unsigned              finished:1;
    unsigned              done:1;
    unsigned              report:1;

    sf_feed_state_e       state;
    sf_feed_state_e       back;             /* after an entity */

    /* the markup token (also the first bytes while sniffing) */
    unsigned char        *tok;
    size_t                tok_len;
    unsigned              quote;            /* in a tag: open quote char */
    unsigned              run;              /* ']' or '-' seen in a row */
    unsigned              tag_end:1;        /* a long tag: "</" */
    unsigned              tag_slash:1;      /* a long tag: last byte '/' */

    /* element depth, the open item and the HTML element in it */
    unsigned              depth;
    unsigned              item_depth;       /* 0: not in an item */
    unsigned              html_depth;       /* 0: not in an HTML element */
    unsigned              html_pass:1;      /* it passes as it is */

    unsigned              cap;              /* SF_CAP_* */
    unsigned              cap_depth;
    unsigned char         title[SF_FEED_TITLE_SIZE];
    size_t                title_len;
    char                  lang[SF_FEED_LANG_SIZE];   /* of the feed */
    size_t                lang_len;
    char                  ilang[SF_FEED_LANG_SIZE];  /* of the item */
    size_t                ilang_len;
    char                  cap_lang[SF_FEED_LANG_SIZE];
    size_t                cap_lang_len;

    /* the element's HTML in transit: decoded, then cleaned */
    sf_feed_enc_e         enc;
    unsigned char        *dbuf;
    size_t                dpos;
    size_t                dlen;
    unsigned char        *obuf;
    size_t                opos;
    size_t                olen;
    unsigned char         ent[SF_FEED_ENT_SIZE];
    size_t                ent_len;
    unsigned char         ws[SF_FEED_WS_SIZE];
    size_t                ws_len;
    unsigned              brackets;         /* ']' just written in CDATA */
    unsigned char         u8[4];            /* a character being encoded */
    unsigned char         spill[24];        /* a spelling cut by the output */
    size_t                spill_pos;
    size_t                spill_len;
    unsigned              u8_len;
    unsigned              u8_need;

    unsigned              fin:1;            /* finishing the stream */
    unsigned              trunc:1;          /* ... because the input ended */
    unsigned              eng_done:1;
    unsigned              eng_fed:1;        /* the stream has seen input */

    /* the closing of the element, after the stream finished */
    size_t                close_len;        /* end tag bytes in tok */

    unsigned char        *scratch;          /* report mode: output dropped */

    /* the first bytes, while sniffing, and read again after */
    unsigned char        *sniffed;
    size_t                sniff_len;
    const unsigned char  *replay;
    size_t                replay_len;

    sf_out_seg_t          queue[SF_FEED_QUEUE_MAX];
    unsigned              q_n;

    /* the element's exceptions, in order; offsets in its decoded HTML */
    sf_feed_except_t      except[SF_FEED_EXCEPT_MAX];
    unsigned              x_head;
    unsigned              x_n;
    unsigned              x_added;          /* in this element */
    uint64_t              doff;             /* decoded so far */
    uint64_t              eoff;             /* cleaned HTML encoded so far */
    unsigned              e_raw;            /* bytes to copy as they are */
    unsigned              e_drop;           /* bytes spelled already */
    /*
     * The stream's input offset of its first change (a block dropped or
     * replaced), from its decisions: before it, its output is its input,
     * offset for offset, whatever the chunking.
     */
    uint64_t              first_change;
    uint64_t              first_change_end; /* the end of its block */
    sf_decision_pt        on_decision;      /* the caller's */
    void                 *on_decision_ctx;
    sf_explain_pt         on_explain;       /* the caller's */
    void                 *on_explain_ctx;

    /*
     * The stream reads the element's HTML as "<body>" HTML "</body>": a
     * document, so that inline content at its end is decided (and its
     * credit placed) as at the end of a page's body.  Neither tag goes out.
     */
    unsigned              o_skip;           /* bytes of "<body>" to drop */
    unsigned              tail_final:1;     /* the last 7 bytes may go */
    unsigned              suffixed:1;       /* "</body>" given */

    /* spellings learned from the feed's escaped text: read, written */
    sf_feed_spelling_t    sp_dec;
    sf_feed_spelling_t    sp_enc;
    sf_feed_learned_t     learned[SF_FEED_LEARNED_MAX];
    unsigned              l_head;
    unsigned              l_n;
};


static sf_feed_except_t *sf_feed_except_at(sf_feed_t *f);
static int sf_feed_aligned(sf_feed_t *f);
static int sf_feed_run_one(void *engine, sf_io_t *io, unsigned flags);
static void sf_feed_catch_up(sf_feed_t *f);
static void sf_feed_except_pop(sf_feed_t *f);


static const char  sf_feed_cdata_open[] = "<![CDATA[";
static const char  sf_feed_cdata_close[] = "]]>";
static const char  sf_feed_cdata_split[] = "]]><![CDATA[>";


static int
sf_feed_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}


/* ---- sniffing ----------------------------------------------------------- */


static int
sf_feed_name_is(const unsigned char *p, const unsigned char *end,
    const char *name)
{
    size_t  n;

    n = strlen(name);

    if ((size_t) (end - p) < n + 1) {
        return (size_t) (end - p) <= n && memcmp(p, name, end - p) == 0
               ? -1 : 0;
    }

    if (memcmp(p, name, n) != 0) {
        return 0;
    }

    p += n;

    return sf_feed_space(*p) || *p == '>' || *p == '/';
}


int
sf_feed_detect(const unsigned char *p, size_t len)
{
    int                   r, rr;
    const unsigned char  *end, *q;

    end = p + len;

    if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
        p += 3;

    } else if (len < 3 && len > 0 && p[0] == 0xef) {
        return SF_FEED_MORE;
    }

    for ( ;; ) {
        while (p < end && sf_feed_space(*p)) {
            p++;
        }

        if (p == end) {
            return SF_FEED_MORE;
        }

        if (*p != '<') {
            return SF_FEED_NO;
        }

        if (end - p < 2) {
            return SF_FEED_MORE;
        }

        if (p[1] == '?') {
            for (q = p + 2; q + 1 < end && !(q[0] == '?' && q[1] == '>');
                 q++)
            {
                /* void */
            }

            if (q + 1 >= end) {
                return SF_FEED_MORE;
            }

            p = q + 2;
            continue;
        }

        if (p[1] == '!') {
            if (end - p < 4) {
                return SF_FEED_MORE;
            }

            if (p[2] == '-' && p[3] == '-') {
                for (q = p + 4; q + 2 < end
                     && !(q[0] == '-' && q[1] == '-' && q[2] == '>'); q++)
                {
                    /* void */
                }

                if (q + 2 >= end) {
                    return SF_FEED_MORE;
                }

                p = q + 3;
                continue;
            }

            /* <!DOCTYPE ...>, perhaps with an internal subset */
            rr = 0;

            for (q = p + 2; q < end; q++) {
                if (*q == '[') {
                    rr++;

                } else if (*q == ']' && rr > 0) {
                    rr--;

                } else if (*q == '>' && rr == 0) {
                    break;
                }
            }

            if (q == end) {
                return SF_FEED_MORE;
            }

            p = q + 1;
            continue;
        }

        p++;

        r = sf_feed_name_is(p, end, "rss");

        if (r == 0) {
            r = sf_feed_name_is(p, end, "feed");
        }

        if (r == 0) {
            r = sf_feed_name_is(p, end, "rdf:RDF");
        }

        return r == 1 ? SF_FEED_YES : r == -1 ? SF_FEED_MORE : SF_FEED_NO;
    }
}


/* ---- output --------------------------------------------------------------- */


static void
sf_feed_queue(sf_feed_t *f, const void *p, size_t len)
{
    if (len == 0 || f->q_n == SF_FEED_QUEUE_MAX) {
        return;
    }

    f->queue[f->q_n].p = p;
    f->queue[f->q_n].len = len;
    f->q_n++;
}


static int
sf_feed_drain_queue(sf_feed_t *f, sf_io_t *io)
{
    size_t         n;
    sf_out_seg_t  *seg;

    while (f->q_n > 0) {
        seg = &f->queue[0];
        n = sf_out_seg_move(seg, io);

        if (n == 0) {
            return SF_BUSY;
        }

        f->stats.bytes_out += n;

        if (seg->len == 0) {
            memmove(&f->queue[0], &f->queue[1],
                    (f->q_n - 1) * sizeof(sf_out_seg_t));
            f->q_n--;
        }
    }

    return SF_OK;
}


/* What did not fit of the last spelling goes out before anything else. */
static int
sf_feed_drain_spill(sf_feed_t *f, sf_io_t *io)
{
    size_t  n;

    n = f->spill_len - f->spill_pos;
    n = n < io->avail_out ? n : io->avail_out;

    memcpy(io->next_out, f->spill + f->spill_pos, n);
    io->next_out += n;
    io->avail_out -= n;
    f->stats.bytes_out += n;
    f->spill_pos += n;

    if (f->spill_pos < f->spill_len) {
        return SF_BUSY;
    }

    f->spill_pos = f->spill_len = 0;

    return SF_OK;
}


/*
 * Out go len bytes (len <= the spill's size): SF_OK when all of them are
 * taken, what did not fit kept in the spill; SF_BUSY when none could be.
 */
static int
sf_feed_put(sf_feed_t *f, sf_io_t *io, const void *p, size_t len)
{
    size_t  n;

    if (f->spill_len > 0 && sf_feed_drain_spill(f, io) != SF_OK) {
        return SF_BUSY;
    }

    if (io->avail_out == 0) {
        return SF_BUSY;
    }

    n = len < io->avail_out ? len : io->avail_out;

    memcpy(io->next_out, p, n);
    io->next_out += n;
    io->avail_out -= n;
    f->stats.bytes_out += n;

    if (n < len) {
        memcpy(f->spill, (const unsigned char *) p + n, len - n);
        f->spill_pos = 0;
        f->spill_len = len - n;
    }

    return SF_OK;
}


/*
 * A character reference, "&#60;" or "&#x3c;": c in base 10 or 16 with
 * the digits given, padded with zeros to the width the feed used.
 */
static size_t
sf_feed_spell_ref(unsigned char *buf, unsigned c, unsigned base,
    const char *digit, unsigned w)
{
    char    rev[12];
    size_t  k, n;

    k = 0;

    do {
        rev[k++] = digit[c % base];
        c /= base;
    } while (c > 0);

    while (k < w && k < 8) {
        rev[k++] = '0';
    }

    n = 0;
    buf[n++] = '&';
    buf[n++] = '#';

    if (base == 16) {
        buf[n++] = 'x';
    }

    while (k > 0) {
        buf[n++] = (unsigned char) rev[--k];
    }

    buf[n++] = ';';

    return n;
}


/* The spelling of code point c in escaped text, written to buf. */
static size_t
sf_feed_spell(const sf_feed_spelling_t *t, unsigned c, unsigned char *buf,
    unsigned brackets)
{
    unsigned     sp, w;
    size_t       n;
    const char  *named;

    if (c < 128) {
        sp = t->spell[c];
        w = t->width[c];

    } else {
        sp = t->u8;
        w = 0;
    }

    named = NULL;

    switch (c) {
    case '<':
        named = "&lt;";
        break;
    case '>':
        named = "&gt;";
        break;
    case '&':
        named = "&amp;";
        break;
    case '"':
        named = "&quot;";
        break;
    case '\'':
        named = "&apos;";
        break;
    default:
        break;
    }

    if (sp == SF_SP_UNKNOWN) {
        sp = (c == '<' || c == '&' || c == '>') ? SF_SP_NAMED : SF_SP_RAW;
    }

    /* never raw: '<' and '&' would be markup, "]]>" is not allowed */
    if (sp == SF_SP_RAW
        && (c == '<' || c == '&' || (c == '>' && brackets >= 2)))
    {
        sp = SF_SP_NAMED;
    }

    if (sp == SF_SP_NAMED && named == NULL) {
        sp = SF_SP_DEC;
    }

    switch (sp) {

    case SF_SP_NAMED:
        n = strlen(named);
        memcpy(buf, named, n);
        return n;

    case SF_SP_DEC:
        return sf_feed_spell_ref(buf, c, 10, "0123456789", w);

    case SF_SP_HEX_LOWER:
        return sf_feed_spell_ref(buf, c, 16, "0123456789abcdef", w);

    case SF_SP_HEX_UPPER:
        return sf_feed_spell_ref(buf, c, 16, "0123456789ABCDEF", w);

    default:
        return 0;       /* raw: the caller copies the bytes */
    }
}


/* The character in u8 (whole, or what there is of it) goes out. */
static int
sf_feed_put_u8(sf_feed_t *f, sf_io_t *io)
{
    unsigned        c, i;
    size_t          n;
    unsigned char   buf[24];

    n = 0;

    if (f->u8_len > 1 && f->u8_len == f->u8_need) {
        c = f->u8[0] & (0xff >> (f->u8_len + 1));

        for (i = 1; i < f->u8_len; i++) {
            c = (c << 6) | (f->u8[i] & 0x3f);
        }

        n = sf_feed_spell(&f->sp_enc, c, buf, f->brackets);
    }

    if (n == 0) {
        memcpy(buf, f->u8, f->u8_len);
        n = f->u8_len;
    }

    if (sf_feed_put(f, io, buf, n) != SF_OK) {
        return SF_BUSY;
    }

    f->brackets = 0;
    f->u8_need = 0;
    f->u8_len = 0;

    return SF_OK;
}


/*
 * How far the cleaned HTML may go out: all of it but its last 7 bytes,
 * which may be the "</body>" the stream was given, until it is done.
 */
static size_t
sf_feed_limit(sf_feed_t *f)
{
    if (f->tail_final) {
        return f->olen;
    }

    return f->olen - f->opos > SF_FEED_TAIL ? f->olen - SF_FEED_TAIL
                                            : f->opos;
}


/* Is c spelled as it is, and not one of the characters looked at? */
static int
sf_feed_plain(sf_feed_t *f, unsigned char c)
{
    unsigned  sp;

    if (c >= 0x80) {
        return f->sp_enc.u8 == SF_SP_UNKNOWN || f->sp_enc.u8 == SF_SP_RAW;
    }

    if (c == '<' || c == '&' || c == '>' || c == ']') {
        return 0;
    }

    sp = f->sp_enc.spell[c];

    return sp == SF_SP_UNKNOWN || sp == SF_SP_RAW;
}


/* A run of bytes that go out as they are, as much as there is room for. */
static int
sf_feed_put_run(sf_feed_t *f, sf_io_t *io, size_t n)
{
    if (f->spill_len > 0 && sf_feed_drain_spill(f, io) != SF_OK) {
        return SF_BUSY;
    }

    n = n < io->avail_out ? n : io->avail_out;

    if (n == 0) {
        return SF_BUSY;
    }

    memcpy(io->next_out, f->obuf + f->opos, n);
    io->next_out += n;
    io->avail_out -= n;
    f->stats.bytes_out += n;
    f->opos += n;
    f->brackets = 0;

    if (f->enc != SF_FE_CDATA) {
        f->eoff += n;
    }

    return SF_OK;
}


/*
 * Where a run of plain bytes from opos must stop, at most at n: at the
 * next exception and at the next spelling the encoder learns, each of
 * which applies at its own offset of the decoded HTML.
 */
static size_t
sf_feed_run_end(sf_feed_t *f, size_t n)
{
    uint64_t  off;

    if (!sf_feed_aligned(f)) {
        return n;
    }

    if (f->x_n > 0) {
        off = f->except[f->x_head].off - f->eoff;
        n = off < (uint64_t) (n - f->opos) ? f->opos + (size_t) off : n;
    }

    if (f->l_n > 0) {
        off = f->learned[f->l_head].off - f->eoff;
        n = off < (uint64_t) (n - f->opos) ? f->opos + (size_t) off : n;
    }

    return n;
}


/*
 * One step of cleaned HTML going out in a CDATA section: a run without
 * ']' or '>', or one of those, split where it would close the section.
 */
static int
sf_feed_drain_cdata(sf_feed_t *f, sf_io_t *io, size_t limit)
{
    size_t         k;
    unsigned char  b;

    b = f->obuf[f->opos];

    if (b != ']' && b != '>') {
        for (k = f->opos + 1;
             k < limit && f->obuf[k] != ']' && f->obuf[k] != '>';
             k++)
        {
            /* void */
        }

        return sf_feed_put_run(f, io, k - f->opos);
    }

    if (b == '>' && f->brackets >= 2) {
        if (sf_feed_put(f, io, sf_feed_cdata_split,
                        sizeof(sf_feed_cdata_split) - 1)
            != SF_OK)
        {
            return SF_BUSY;
        }

        f->brackets = 0;
        f->opos++;
        return SF_OK;
    }

    if (sf_feed_put(f, io, &b, 1) != SF_OK) {
        return SF_BUSY;
    }

    f->brackets = (b == ']') ? f->brackets + 1 : 0;
    f->opos++;

    return SF_OK;
}


/*
 * A byte of a non-ASCII character the feed spells as a number: the
 * character is gathered whole in u8 before it is spelled.
 */
static int
sf_feed_drain_u8(sf_feed_t *f, sf_io_t *io, unsigned char b)
{
    if (f->u8_need == 0) {
        f->u8_need = (b >= 0xf0) ? 4 : (b >= 0xe0) ? 3 : (b >= 0xc0) ? 2
                                                                    : 1;
        f->u8_len = 0;
    }

    if (f->u8_len < f->u8_need) {
        if (f->u8_len > 0 && (b & 0xc0) != 0x80) {
            /* not UTF-8: the bytes so far as they are */
            f->u8_need = f->u8_len;

        } else {
            f->u8[f->u8_len++] = b;
            f->opos++;
            f->eoff++;

            if (f->u8_len < f->u8_need) {
                return SF_OK;
            }
        }
    }

    return sf_feed_put_u8(f, io);
}


/*
 * One step of cleaned HTML going out as escaped text, spelled the way the
 * feed spells it: a byte already spelled or to copy as it came (an
 * exception under way), the next exception, a run of plain bytes, one
 * ASCII or raw UTF-8 byte, or a byte of a character spelled as a number.
 */
static int
sf_feed_drain_text(sf_feed_t *f, sf_io_t *io, size_t limit)
{
    size_t             n, k;
    unsigned char      b, buf[24];
    sf_feed_except_t  *x;

    b = f->obuf[f->opos];

    sf_feed_catch_up(f);

    if (f->e_drop > 0) {
        f->e_drop--;
        f->opos++;
        f->eoff++;
        return SF_OK;
    }

    if (f->e_raw > 0) {
        if (sf_feed_put(f, io, &b, 1) != SF_OK) {
            return SF_BUSY;
        }

        f->e_raw--;
        f->brackets = 0;
        f->opos++;
        f->eoff++;
        return SF_OK;
    }

    if (f->u8_need == 0 && (x = sf_feed_except_at(f)) != NULL) {
        if (x->raw) {
            f->e_raw = x->dlen;

        } else {
            if (sf_feed_put(f, io, x->bytes, x->len) != SF_OK) {
                return SF_BUSY;
            }

            f->e_drop = x->dlen;
            f->brackets = 0;
        }

        sf_feed_except_pop(f);
        return SF_OK;
    }

    if (f->u8_need == 0 && sf_feed_plain(f, b)) {
        n = sf_feed_run_end(f, limit);

        for (k = f->opos + 1; k < n && sf_feed_plain(f, f->obuf[k]); k++) {
            /* void */
        }

        return sf_feed_put_run(f, io, k - f->opos);
    }

    if (f->u8_need == 0
        && (b < 0x80 || f->sp_enc.u8 == SF_SP_UNKNOWN
            || f->sp_enc.u8 == SF_SP_RAW))
    {
        n = (b < 0x80) ? sf_feed_spell(&f->sp_enc, b, buf, f->brackets) : 0;

        if (n == 0) {
            buf[0] = b;
            n = 1;
        }

        if (sf_feed_put(f, io, buf, n) != SF_OK) {
            return SF_BUSY;
        }

        f->brackets = (b == ']') ? f->brackets + 1 : 0;
        f->opos++;
        f->eoff++;
        return SF_OK;
    }

    return sf_feed_drain_u8(f, io, b);
}


/*
 * The cleaned HTML goes out escaped as it came.  Returns SF_BUSY when the
 * output space ran out first.
 */
static int
sf_feed_drain_html(sf_feed_t *f, sf_io_t *io)
{
    int     rc;
    size_t  n, limit;

    if (f->u8_need > 0 && f->u8_len == f->u8_need
        && sf_feed_put_u8(f, io) != SF_OK)
    {
        return SF_BUSY;
    }

    limit = sf_feed_limit(f);

    while (f->opos < limit) {

        /* the "<body>" the stream was given first is not the item's */
        if (f->o_skip > 0) {
            n = limit - f->opos;
            n = n < f->o_skip ? n : f->o_skip;
            f->o_skip -= (unsigned) n;
            f->opos += n;
            continue;
        }

        rc = (f->enc == SF_FE_CDATA) ? sf_feed_drain_cdata(f, io, limit)
                                     : sf_feed_drain_text(f, io, limit);

        if (rc != SF_OK) {
            return SF_BUSY;
        }
    }

    if (f->opos == f->olen) {
        f->opos = 0;
        f->olen = 0;
    }

    return SF_OK;
}


/* ---- the stream of one HTML element ------------------------------------- */


static void
sf_feed_stats_add(sf_feed_t *f)
{
    unsigned           i;
    const sf_stats_t  *st;

    st = sf_stream_stats(f->stream);

    f->stats.blocks_held += st->blocks_held;
    f->stats.blocks_removed += st->blocks_removed;
    f->stats.rules_fired += st->rules_fired;
    f->stats.credits += st->credits;

    for (i = 0; i < SF_PASS_NREASONS; i++) {
        f->stats.passthrough[i] += st->passthrough[i];
    }
}


static void
sf_feed_html_start(sf_feed_t *f)
{
    sf_stream_reset(f->stream);

    if (f->title_len > 0) {
        sf_stream_set_title(f->stream, (const char *) f->title,
                            f->title_len);
    }

    if (f->ilang_len > 0) {
        sf_stream_set_lang(f->stream, f->ilang, f->ilang_len);

    } else if (f->lang_len > 0) {
        sf_stream_set_lang(f->stream, f->lang, f->lang_len);
    }

    f->enc = SF_FE_UNDECIDED;
    f->dpos = f->dlen = 0;
    f->opos = f->olen = 0;
    f->ent_len = 0;
    f->ws_len = 0;
    f->brackets = 0;
    f->u8_len = f->u8_need = 0;
    f->fin = 0;
    f->eng_done = 0;
    f->eng_fed = 0;
    f->close_len = 0;
    f->html_pass = 0;
    f->x_n = 0;
    f->x_head = 0;
    f->x_added = 0;
    f->doff = 0;
    f->eoff = 0;
    f->e_raw = 0;
    f->e_drop = 0;
    f->first_change = UINT64_MAX;
    f->sp_enc = f->sp_dec;
    f->l_head = 0;
    f->l_n = 0;
    f->o_skip = 0;
    f->tail_final = 0;
    f->suffixed = 0;
    f->nhtml++;
    f->state = SF_FX_H_TEXT;
}


/* The element's HTML starts: the stream first reads "<body>". */
static void
sf_feed_html_begin(sf_feed_t *f)
{
    if (f->eng_fed) {
        return;
    }

    f->eng_fed = 1;
    memcpy(f->dbuf + f->dlen, "<body>", 6);
    f->dlen += 6;
    f->o_skip = 6;
}


/* One decoded byte of HTML; the caller made sure there is room. */
static void
sf_feed_html_byte(sf_feed_t *f, unsigned char c)
{
    f->dbuf[f->dlen++] = c;
    f->doff++;
}


/* The character starting at doff is spelled otherwise: remember how. */
static void
sf_feed_except_add(sf_feed_t *f, const unsigned char *bytes, size_t len,
    size_t dlen, int raw)
{
    sf_feed_except_t  *x;

    if (f->x_added == SF_FEED_EXCEPT_MAX || len > SF_FEED_ENT_SIZE) {
        /* too many in this element: this one goes out as learned */
        return;
    }

    f->x_added++;

    x = &f->except[(f->x_head + f->x_n) % SF_FEED_EXCEPT_MAX];
    x->off = f->doff;
    x->dlen = (unsigned char) dlen;
    x->raw = (unsigned char) raw;
    x->len = (unsigned char) len;
    memcpy(x->bytes, bytes, len);
    f->x_n++;
}


/*
 * Is the cleaned HTML at eoff still the decoded HTML at the same offset?
 * The stream's output starts with the 6 bytes of "<body>" it was given.
 */
static int
sf_feed_aligned(sf_feed_t *f)
{
    return f->eoff + 6 < f->first_change;
}


/* The stream decided a block: its first change is remembered. */
static void
sf_feed_decision(void *ctx, const sf_decision_t *d)
{
    sf_feed_t  *f = ctx;

    if (f->first_change == UINT64_MAX
        && (strcmp(d->action, "drop") == 0
            || strcmp(d->action, "drop-source") == 0
            || strcmp(d->action, "replace") == 0))
    {
        f->first_change = d->offset;
        f->first_change_end = d->offset + d->bytes;
    }

    if (f->on_decision != NULL) {
        f->on_decision(f->on_decision_ctx, d);
    }
}


/*
 * A block explained: which item it is in, and where in the element's
 * HTML, without the "<body>" the stream read first.
 */
static void
sf_feed_explain(void *ctx, const sf_explain_t *x)
{
    sf_feed_t     *f = ctx;
    sf_explain_t   item;

    item = *x;
    item.item = f->nitems;
    item.offset = x->offset >= 6 ? x->offset - 6 : 0;

    f->on_explain(f->on_explain_ctx, &item);
}


/* The exception for the character at eoff, when the output is aligned. */
static sf_feed_except_t *
sf_feed_except_at(sf_feed_t *f)
{
    sf_feed_except_t  *x;

    while (f->x_n > 0) {
        x = &f->except[f->x_head];

        if (x->off >= f->eoff) {
            return (x->off == f->eoff && sf_feed_aligned(f)) ? x : NULL;
        }

        f->x_head = (f->x_head + 1) % SF_FEED_EXCEPT_MAX;
        f->x_n--;
    }

    return NULL;
}


static void
sf_feed_except_pop(sf_feed_t *f)
{
    f->x_head = (f->x_head + 1) % SF_FEED_EXCEPT_MAX;
    f->x_n--;
}


static size_t
sf_feed_room(sf_feed_t *f)
{
    if (f->dpos == f->dlen) {
        f->dpos = f->dlen = 0;
    }

    return SF_FEED_HTML_SIZE - f->dlen;
}


/* White space held after a CDATA section becomes HTML after all. */
static int
sf_feed_ws_flush(sf_feed_t *f)
{
    size_t  k;

    if (f->ws_len == 0) {
        return 1;
    }

    if (sf_feed_room(f) < f->ws_len) {
        return 0;
    }

    for (k = 0; k < f->ws_len; k++) {
        sf_feed_html_byte(f, f->ws[k]);
    }

    f->ws_len = 0;

    return 1;
}


static void
sf_feed_utf8(sf_feed_t *f, unsigned c)
{
    if (c < 0x80) {
        sf_feed_html_byte(f, (unsigned char) c);

    } else if (c < 0x800) {
        sf_feed_html_byte(f, (unsigned char) (0xc0 | (c >> 6)));
        sf_feed_html_byte(f, (unsigned char) (0x80 | (c & 0x3f)));

    } else if (c < 0x10000) {
        sf_feed_html_byte(f, (unsigned char) (0xe0 | (c >> 12)));
        sf_feed_html_byte(f, (unsigned char) (0x80 | ((c >> 6) & 0x3f)));
        sf_feed_html_byte(f, (unsigned char) (0x80 | (c & 0x3f)));

    } else {
        sf_feed_html_byte(f, (unsigned char) (0xf0 | (c >> 18)));
        sf_feed_html_byte(f, (unsigned char) (0x80 | ((c >> 12) & 0x3f)));
        sf_feed_html_byte(f, (unsigned char) (0x80 | ((c >> 6) & 0x3f)));
        sf_feed_html_byte(f, (unsigned char) (0x80 | (c & 0x3f)));
    }
}


static void
sf_feed_learn(sf_feed_t *f, unsigned c, unsigned sp, unsigned width)
{
    sf_feed_learned_t  *l;

    if (c < 128) {
        if (f->sp_dec.spell[c] != SF_SP_UNKNOWN) {
            return;
        }

        f->sp_dec.spell[c] = (unsigned char) sp;
        f->sp_dec.width[c] = (unsigned char) (width < 9 ? width : 0);

    } else {
        if (f->sp_dec.u8 != SF_SP_UNKNOWN) {
            return;
        }

        f->sp_dec.u8 = (unsigned char) sp;
        c = 0x80;
    }

    /* at most 129 per feed: the ring cannot fill */
    l = &f->learned[(f->l_head + f->l_n) % SF_FEED_LEARNED_MAX];
    l->off = f->doff;
    l->c = (unsigned char) c;
    l->sp = (unsigned char) sp;
    l->width = f->sp_dec.width[c & 0x7f];
    f->l_n++;
}


/*
 * The encoder takes what the decoder had learned before the offset it has
 * reached; once the stream changed something, what it had learned up to
 * the end of the first block changed (a footer's '"' spelled "&quot;"
 * spells the credit's), and nothing after: the same whatever the chunking.
 */
static void
sf_feed_catch_up(sf_feed_t *f)
{
    uint64_t            upto;
    sf_feed_learned_t  *l;

    if (sf_feed_aligned(f)) {
        upto = f->eoff;

    } else {
        upto = f->first_change_end > 6 ? f->first_change_end - 6 : 0;
    }

    while (f->l_n > 0) {
        l = &f->learned[f->l_head];

        if (!sf_feed_aligned(f) ? l->off >= upto : l->off > upto) {
            return;
        }

        if (l->c == 0x80) {
            f->sp_enc.u8 = l->sp;

        } else {
            f->sp_enc.spell[l->c] = l->sp;
            f->sp_enc.width[l->c] = l->width;
        }

        f->l_head = (f->l_head + 1) % SF_FEED_LEARNED_MAX;
        f->l_n--;
    }
}


/*
 * A byte of escaped text as it is: learned, remembered when the feed
 * spells it otherwise elsewhere, and put into the HTML.
 */
static void
sf_feed_raw_byte(sf_feed_t *f, unsigned char c)
{
    if (c >= 0x80) {
        sf_feed_learn(f, 0x80, SF_SP_RAW, 0);

        if (f->sp_dec.u8 != SF_SP_RAW && c >= 0xc0) {
            sf_feed_except_add(f, &c, 1, c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2,
                               1);
        }

    } else {
        sf_feed_learn(f, c, SF_SP_RAW, 0);

        if (f->sp_dec.spell[c] != SF_SP_RAW) {
            sf_feed_except_add(f, &c, 1, 1, 1);
        }
    }

    sf_feed_html_byte(f, c);
}


/*
 * An entity reference "&...;" in ent: decoded into the HTML (room for 4
 * bytes was made sure of); one that is not XML goes in as it is.
 */
static void
sf_feed_entity(sf_feed_t *f)
{
    size_t          i, n, k, digits;
    unsigned        c, sp;
    unsigned char  *e, spelled[24];

    e = f->ent;
    n = f->ent_len;
    c = 0;
    sp = SF_SP_NAMED;
    digits = 0;

    if (n >= 4 && e[1] == '#') {
        if (e[2] == 'x' || e[2] == 'X') {
            sp = SF_SP_HEX_LOWER;

            for (i = 3; i < n - 1; i++) {
                unsigned char  d = e[i];

                if (d >= '0' && d <= '9') {
                    c = c * 16 + (d - '0');

                } else if ((d | 0x20) >= 'a' && (d | 0x20) <= 'f') {
                    c = c * 16 + ((d | 0x20) - 'a' + 10);

                    if (d <= 'F') {
                        sp = SF_SP_HEX_UPPER;
                    }

                } else {
                    c = 0x110000;
                    break;
                }

                if (c >= 0x110000) {
                    break;
                }
            }

            digits = n - 4;

        } else {
            sp = SF_SP_DEC;

            for (i = 2; i < n - 1; i++) {
                if (e[i] < '0' || e[i] > '9') {
                    c = 0x110000;
                    break;
                }

                c = c * 10 + (e[i] - '0');

                if (c >= 0x110000) {
                    break;
                }
            }

            digits = n - 3;
        }

        if (c == 0 || c >= 0x110000 || (c >= 0xd800 && c <= 0xdfff)) {
            goto literal;
        }

    } else if (n == 4 && memcmp(e, "&lt;", 4) == 0) {
        c = '<';

    } else if (n == 4 && memcmp(e, "&gt;", 4) == 0) {
        c = '>';

    } else if (n == 5 && memcmp(e, "&amp;", 5) == 0) {
        c = '&';

    } else if (n == 6 && memcmp(e, "&quot;", 6) == 0) {
        c = '"';

    } else if (n == 6 && memcmp(e, "&apos;", 6) == 0) {
        c = '\'';

    } else {
        goto literal;
    }

    sf_feed_learn(f, c, sp, (unsigned) digits);

    /* spelled otherwise than the learned spelling: an exception */
    /* as the encoder spells it, "]]>" aside (never raw in the input) */
    k = sf_feed_spell(&f->sp_dec, c, spelled, 0);

    if (k != n || memcmp(spelled, e, n) != 0) {
        sf_feed_except_add(f, e, n, c < 0x80 ? 1 : c < 0x800 ? 2
                                    : c < 0x10000 ? 3 : 4, 0);
    }

    sf_feed_utf8(f, c);
    f->ent_len = 0;
    return;

literal:

    /* not XML: its '&' goes out raw, as it came, and the rest as text */
    sf_feed_except_add(f, e, 1, 1, 1);
    sf_feed_html_byte(f, e[0]);

    for (i = 1; i < n; i++) {
        sf_feed_raw_byte(f, e[i]);
    }

    f->ent_len = 0;
}


/* An '&' that starts no entity: it and what follows go out as they came. */
static void
sf_feed_ent_literal(sf_feed_t *f)
{
    size_t  k;

    if (f->ent_len == 0) {
        return;
    }

    sf_feed_except_add(f, f->ent, 1, 1, 1);
    sf_feed_html_byte(f, f->ent[0]);

    for (k = 1; k < f->ent_len; k++) {
        sf_feed_raw_byte(f, f->ent[k]);
    }

    f->ent_len = 0;
}


/* ---- tags of the feed ----------------------------------------------------- */


/* The element name of a tag in tok: after '<' or "</". */
static const unsigned char *
sf_feed_tag_name(sf_feed_t *f, size_t *len)
{
    size_t                 i;
    const unsigned char   *p;

    i = (f->tok_len > 1 && f->tok[1] == '/') ? 2 : 1;
    p = f->tok + i;

    while (i < f->tok_len && !sf_feed_space(f->tok[i]) && f->tok[i] != '>'
           && f->tok[i] != '/')
    {
        i++;
    }

    *len = (size_t) (f->tok + i - p);

    return p;
}


static int
sf_feed_is(const unsigned char *p, size_t len, const char *name)
{
    return len == strlen(name) && memcmp(p, name, len) == 0;
}


/* The value of an attribute of the tag in tok, or NULL. */
static const unsigned char *
sf_feed_attr(sf_feed_t *f, const char *name, size_t *len)
{
    size_t                 n, nl;
    unsigned char          q;
    const unsigned char   *p, *end, *a, *v;

    nl = strlen(name);
    p = f->tok + 1;
    end = f->tok + f->tok_len;

    /* past the element name */
    while (p < end && !sf_feed_space(*p) && *p != '>' && *p != '/') {
        p++;
    }

    for ( ;; ) {
        while (p < end && (sf_feed_space(*p) || *p == '/')) {
            p++;
        }

        if (p >= end || *p == '>') {
            return NULL;
        }

        a = p;

        while (p < end && *p != '=' && !sf_feed_space(*p) && *p != '>') {
            p++;
        }

        n = (size_t) (p - a);

        while (p < end && sf_feed_space(*p)) {
            p++;
        }

        if (p >= end || *p != '=') {
            continue;
        }

        p++;

        while (p < end && sf_feed_space(*p)) {
            p++;
        }

        if (p >= end || (*p != '"' && *p != '\'')) {
            return NULL;
        }

        q = *p++;
        v = p;

        while (p < end && *p != q) {
            p++;
        }

        if (n == nl && memcmp(a, name, n) == 0) {
            *len = (size_t) (p - v);
            return v;
        }

        p++;
    }
}


/* The element holds HTML: its name, and for Atom its type. */
static int
sf_feed_html_element(sf_feed_t *f, const unsigned char *name, size_t len)
{
    size_t                 n;
    const unsigned char   *type;

    if (sf_feed_is(name, len, "description")) {
        return 1;
    }

    if (len > 8 && memcmp(name + len - 8, ":encoded", 8) == 0) {
        return 1;
    }

    if (sf_feed_is(name, len, "summary") || sf_feed_is(name, len, "content")) {
        type = sf_feed_attr(f, "type", &n);

        return type != NULL
               && ((n == 4 && memcmp(type, "html", 4) == 0)
                   || (n == 9 && memcmp(type, "text/html", 9) == 0));
    }

    return 0;
}


static void
sf_feed_copy_lang(char *to, size_t *to_len, const unsigned char *v,
    size_t n)
{
    if (n >= SF_FEED_LANG_SIZE) {
        n = 0;
    }

    memcpy(to, v, n);
    *to_len = n;
}


/* A complete start or end tag in tok, outside HTML elements. */
static void
sf_feed_tag(sf_feed_t *f)
{
    int                    self;
    size_t                 len, n;
    const unsigned char   *name, *v;

    name = sf_feed_tag_name(f, &len);
    sf_feed_queue(f, f->tok, f->tok_len);

    if (f->tok[1] == '/') {
        if (f->cap != SF_CAP_NONE && f->depth == f->cap_depth) {
            if (f->cap == SF_CAP_LANG && f->item_depth == 0) {
                memcpy(f->lang, f->cap_lang, f->cap_lang_len);
                f->lang_len = f->cap_lang_len;
            }

            f->cap = SF_CAP_NONE;
        }

        if (f->html_depth != 0 && f->depth == f->html_depth) {
            f->html_depth = 0;
            f->html_pass = 0;
        }

        if (f->item_depth != 0 && f->depth == f->item_depth) {
            f->item_depth = 0;
        }

        if (f->depth > 0) {
            f->depth--;
        }

        return;
    }

    self = f->tok_len >= 2 && f->tok[f->tok_len - 2] == '/';

    if (self) {
        return;
    }

    f->depth++;

    if (f->html_depth != 0) {
        /* inside an element that passes as it is */
        return;
    }

    v = sf_feed_attr(f, "xml:lang", &n);

    if (f->item_depth == 0) {
        if (v != NULL) {
            sf_feed_copy_lang(f->lang, &f->lang_len, v, n);
        }

        if (sf_feed_is(name, len, "item") || sf_feed_is(name, len, "entry")) {
            f->item_depth = f->depth;
            f->title_len = 0;
            f->ilang_len = 0;
            f->nitems++;

            if (v != NULL) {
                sf_feed_copy_lang(f->ilang, &f->ilang_len, v, n);
            }

        } else if (sf_feed_is(name, len, "language")
                   || sf_feed_is(name, len, "dc:language"))
        {
            f->cap = SF_CAP_LANG;
            f->cap_depth = f->depth;
            f->cap_lang_len = 0;
        }

        return;
    }

    if (f->depth != f->item_depth + 1) {
        return;
    }

    if (sf_feed_is(name, len, "title")) {
        f->cap = SF_CAP_TITLE;
        f->cap_depth = f->depth;
        f->title_len = 0;
        return;
    }

    if (sf_feed_html_element(f, name, len)) {
        f->html_depth = f->depth;
        sf_feed_html_start(f);
    }
}


/* Text of the feed outside HTML elements: the title or language. */
static void
sf_feed_capture(sf_feed_t *f, const unsigned char *p, size_t len)
{
    size_t  n;

    if (f->cap == SF_CAP_TITLE) {
        n = SF_FEED_TITLE_SIZE - f->title_len;
        n = len < n ? len : n;
        memcpy(f->title + f->title_len, p, n);
        f->title_len += n;

    } else if (f->cap == SF_CAP_LANG) {
        n = SF_FEED_LANG_SIZE - 1 - f->cap_lang_len;
        n = len < n ? len : n;
        memcpy(f->cap_lang + f->cap_lang_len, p, n);
        f->cap_lang_len += n;
    }
}


/*
 * Does the token open with the given opening ("<!--", "<![CDATA[")?
 * -1: it may, not all of it is there yet.
 */
static int
sf_feed_tok_opens(sf_feed_t *f, const char *open, size_t len)
{
    if (f->tok_len > len || memcmp(f->tok, open, f->tok_len) != 0) {
        return 0;
    }

    return f->tok_len == len ? 1 : -1;
}


/*
 * Markup that passes as it comes (a comment, CDATA, a processing
 * instruction, a declaration): the token read so far goes out first, and
 * its end is looked for from here.
 */
static int
sf_feed_pass_from(sf_feed_t *f, sf_feed_state_e state)
{
    f->state = state;
    f->run = 0;
    sf_feed_queue(f, f->tok, f->tok_len);

    return 1;
}


/*
 * What the token in tok is, as far as its first bytes tell: sets the
 * state.  Returns 0 while it cannot tell yet.
 */
static int
sf_feed_classify(sf_feed_t *f)
{
    int  r;

    if (f->tok_len < 2) {
        return 0;
    }

    if (f->tok[1] == '?') {
        return sf_feed_pass_from(f, SF_FX_PI);
    }

    if (f->tok[1] != '!') {
        f->state = SF_FX_TAG;
        f->quote = 0;
        return 1;
    }

    r = sf_feed_tok_opens(f, "<!--", 4);

    if (r != 0) {
        return r > 0 ? sf_feed_pass_from(f, SF_FX_COMMENT) : 0;
    }

    r = sf_feed_tok_opens(f, sf_feed_cdata_open, 9);

    if (r != 0) {
        return r > 0 ? sf_feed_pass_from(f, SF_FX_CDATA) : 0;
    }

    f->quote = 0;

    return sf_feed_pass_from(f, SF_FX_DECL);
}


/* ---- the HTML element's end, and giving up on it ------------------------ */


/* Finish the element's stream; then the closing goes out. */
static void
sf_feed_html_finish(sf_feed_t *f)
{
    f->fin = 1;
}


/* Called when the stream finished and its output left. */
static void
sf_feed_html_closed(sf_feed_t *f)
{
    f->fin = 0;

    if (f->eng_fed) {
        sf_feed_stats_add(f);
    }

    if (f->trunc) {
        /* the input ended inside the element: nothing is made up */
        if (f->state == SF_FX_H_MARKUP) {
            sf_feed_queue(f, f->tok, f->tok_len);
        }

        f->trunc = 0;
        f->state = SF_FX_TEXT;
        return;
    }

    if (f->enc == SF_FE_CDATA) {
        sf_feed_queue(f, sf_feed_cdata_close, sizeof(sf_feed_cdata_close) - 1);
    }

    if (f->ws_len > 0) {
        sf_feed_queue(f, f->ws, f->ws_len);
    }

    if (f->html_pass) {
        /* the token that ended the cleaning: the outer reader goes on */
        f->state = SF_FX_MARKUP;

        (void) sf_feed_classify(f);

        return;
    }

    /* the element's end tag */
    sf_feed_queue(f, f->tok, f->close_len);
    f->tok_len = 0;
    f->html_depth = 0;

    if (f->depth > 0) {
        f->depth--;
    }

    f->state = SF_FX_TEXT;
}


/* Markup inside the HTML element, from '<': is it known yet? */
static void
sf_feed_h_markup(sf_feed_t *f)
{
    size_t  n;

    n = f->tok_len;

    if (n <= 9 && memcmp(f->tok, sf_feed_cdata_open, n) == 0) {
        if (n < 9) {
            return;
        }

        f->tok_len = 0;
        f->run = 0;

        if (f->enc == SF_FE_UNDECIDED) {
            /* the opening goes out as it came */
            f->enc = SF_FE_CDATA;
            sf_feed_queue(f, sf_feed_cdata_open, 9);

        } else {
            /* white space between two sections: HTML after all */
            (void) sf_feed_ws_flush(f);
        }

        f->state = SF_FX_H_CDATA;
        return;
    }

    if (n >= 2 && f->tok[1] == '/') {
        if (f->tok[n - 1] != '>') {
            if (n < SF_FEED_TOKEN_SIZE) {
                return;
            }

        } else {
            /* the only end tag here is the element's own */
            f->close_len = n;
            sf_feed_html_finish(f);
            return;
        }
    }

    if (n < 2) {
        return;
    }

    /* a comment, an element, a PI: the rest passes as it is */
    f->html_pass = 1;
    sf_feed_html_finish(f);
}


/* ---- the reader ------------------------------------------------------------ */


/* n bytes of input are read. */
static void
sf_feed_consume(sf_feed_t *f, sf_io_t *io, size_t n)
{
    io->next_in += n;
    io->avail_in -= n;
    f->stats.bytes_in += n;
}


/* n bytes of input go out as they came. */
static void
sf_feed_pass(sf_feed_t *f, sf_io_t *io, size_t n)
{
    memcpy(io->next_out, io->next_in, n);
    io->next_out += n;
    io->avail_out -= n;
    f->stats.bytes_out += n;
    sf_feed_consume(f, io, n);
}


/*
 * Quotes in a tag or a declaration: 1 when c is a quote mark or inside a
 * quoted value, where a '>' does not end the markup.
 */
static int
sf_feed_quoted(sf_feed_t *f, unsigned char c)
{
    if (f->quote) {
        if (c == f->quote) {
            f->quote = 0;
        }

        return 1;
    }

    if (c == '"' || c == '\'') {
        f->quote = c;
        return 1;
    }

    return 0;
}


/* The tag held in tok is whole: it is read, and text follows. */
static void
sf_feed_tag_done(sf_feed_t *f)
{
    sf_feed_tag(f);
    f->tok_len = 0;

    if (f->state == SF_FX_TAG) {
        f->state = SF_FX_TEXT;
    }
}


/* Text between tags, or all of what is no feed: up to the next '<'. */
static int
sf_feed_outer_text(sf_feed_t *f, sf_io_t *io)
{
    size_t                m;
    const unsigned char  *p, *lt;

    p = io->next_in;
    m = io->avail_in < io->avail_out ? io->avail_in : io->avail_out;

    if (m == 0) {
        return SF_BUSY;
    }

    if (f->state == SF_FX_TEXT) {
        lt = memchr(p, '<', m);

        if (lt == p) {
            f->state = SF_FX_MARKUP;
            f->tok[0] = '<';
            f->tok_len = 1;
            sf_feed_consume(f, io, 1);
            return SF_OK;
        }

        if (lt != NULL) {
            m = (size_t) (lt - p);
        }

        sf_feed_capture(f, p, m);
    }

    sf_feed_pass(f, io, m);

    return SF_OK;
}


/* A byte of markup whose kind is not known yet. */
static int
sf_feed_outer_markup(sf_feed_t *f, sf_io_t *io)
{
    f->tok[f->tok_len++] = io->next_in[0];
    sf_feed_consume(f, io, 1);
    sf_feed_classify(f);

    if (f->state == SF_FX_TAG && f->tok[f->tok_len - 1] == '>'
        && f->tok_len > 2)
    {
        sf_feed_tag_done(f);
    }

    return SF_OK;
}


/*
 * A start or end tag, held in tok until its '>' so that it can be read
 * whole; one longer than tok goes out unread.
 */
static int
sf_feed_outer_tag(sf_feed_t *f, sf_io_t *io)
{
    size_t         i;
    unsigned char  c;

    for (i = 0; i < io->avail_in; i++) {
        c = io->next_in[i];

        if (f->tok_len == SF_FEED_TOKEN_SIZE) {
            /* too long to look at: out it goes, unread */
            sf_feed_queue(f, f->tok, f->tok_len);
            f->tag_end = f->tok[1] == '/';
            f->tag_slash = 0;
            f->state = SF_FX_LONGTAG;
            break;
        }

        f->tok[f->tok_len++] = c;

        if (!sf_feed_quoted(f, c) && c == '>') {
            i++;
            sf_feed_tag_done(f);
            break;
        }
    }

    sf_feed_consume(f, io, i);

    return SF_OK;
}


/*
 * A byte of markup that passes as it comes (a long tag, a comment, CDATA
 * outside an HTML element, a processing instruction, a declaration):
 * 1 when it is the last byte of it.
 */
static int
sf_feed_pass_byte(sf_feed_t *f, unsigned char c)
{
    switch (f->state) {

    case SF_FX_LONGTAG:
        if (!sf_feed_quoted(f, c) && c == '>') {
            /* the depth is all that is known of it */
            if (f->tag_end) {
                if (f->depth > 0) {
                    f->depth--;
                }

            } else if (!f->tag_slash) {
                f->depth++;
            }

            return 1;
        }

        f->tag_slash = (c == '/');
        return 0;

    case SF_FX_COMMENT:
        if (c == '>' && f->run >= 2) {
            return 1;
        }

        f->run = (c == '-') ? f->run + 1 : 0;
        return 0;

    case SF_FX_CDATA:
        if (c == '>' && f->run >= 2) {
            /* the title's CDATA: all of it but the "]]" */
            return 1;
        }

        if (c == ']') {
            f->run++;
            return 0;
        }

        while (f->run > 0) {
            sf_feed_capture(f, (const unsigned char *) "]", 1);
            f->run--;
        }

        sf_feed_capture(f, &c, 1);
        return 0;

    case SF_FX_PI:
        if (c == '>' && f->run) {
            return 1;
        }

        f->run = (c == '?');
        return 0;

    default: /* SF_FX_DECL */
        if (sf_feed_quoted(f, c)) {
            return 0;
        }

        if (c == '[') {
            f->run++;

        } else if (c == ']' && f->run > 0) {
            f->run--;

        } else if (c == '>' && f->run == 0) {
            return 1;
        }

        return 0;
    }
}


/* Markup that passes as it comes, as far as there is room, to its end. */
static int
sf_feed_outer_pass(sf_feed_t *f, sf_io_t *io)
{
    size_t  i, m;

    m = io->avail_in < io->avail_out ? io->avail_in : io->avail_out;

    if (m == 0) {
        return SF_BUSY;
    }

    for (i = 0; i < m; i++) {
        if (sf_feed_pass_byte(f, io->next_in[i])) {
            f->state = SF_FX_TEXT;
            i++;
            break;
        }
    }

    sf_feed_pass(f, io, i);
    f->tok_len = 0;

    return SF_OK;
}


/* Outside HTML elements: as much input as can go. */
static int
sf_feed_outer(sf_feed_t *f, sf_io_t *io)
{
    switch (f->state) {

    case SF_FX_RAW:
    case SF_FX_TEXT:
        return sf_feed_outer_text(f, io);

    case SF_FX_MARKUP:
        return sf_feed_outer_markup(f, io);

    case SF_FX_TAG:
        return sf_feed_outer_tag(f, io);

    default:
        return sf_feed_outer_pass(f, io);
    }
}


/*
 * A byte of escaped text that is plain HTML and already known to be
 * spelled raw: no entity, no markup, nothing to learn or remember.
 */
static int
sf_feed_known_raw(sf_feed_t *f, unsigned char c)
{
    if (c >= 0x80) {
        return f->sp_dec.u8 == SF_SP_RAW;
    }

    return c != '<' && c != '&' && f->sp_dec.spell[c] == SF_SP_RAW;
}


/*
 * How many of n bytes a run may copy into dbuf and still leave the room a
 * looked-at byte needs.  The caller checked SF_FEED_NEED bytes of room,
 * but sf_feed_html_begin() may have taken some since: never less than 1
 * then, and never a count that wraps below zero.
 */
static size_t
sf_feed_run_max(sf_feed_t *f, size_t n)
{
    size_t  room, max;

    room = sf_feed_room(f);
    max = room >= SF_FEED_NEED ? room - SF_FEED_NEED + 1 : 1;

    return n < max ? n : max;
}


/*
 * Bytes of the element that need no look, copied into dbuf whole: CDATA
 * content up to a ']', escaped text known to be spelled raw.  Returns how
 * many; 0 when the byte at p needs a look.
 */
static size_t
sf_feed_inner_run(sf_feed_t *f, const unsigned char *p, size_t n)
{
    size_t                k, max;
    const unsigned char  *q;

    if (f->state == SF_FX_H_CDATA && f->run == 0 && p[0] != ']') {
        sf_feed_html_begin(f);
        max = sf_feed_run_max(f, n);
        q = memchr(p, ']', max);
        k = (q != NULL) ? (size_t) (q - p) : max;

    } else if (f->state == SF_FX_H_TEXT && f->enc != SF_FE_UNDECIDED
               && sf_feed_known_raw(f, p[0]))
    {
        max = sf_feed_run_max(f, n);

        for (k = 1; k < max && sf_feed_known_raw(f, p[k]); k++) {
            /* void */
        }

    } else {
        return 0;
    }

    memcpy(f->dbuf + f->dlen, p, k);
    f->dlen += k;
    f->doff += k;

    return k;
}


/* A '<' inside the element: CDATA, the element's end, or else. */
static void
sf_feed_h_markup_start(sf_feed_t *f)
{
    f->tok[0] = '<';
    f->tok_len = 1;
    f->state = SF_FX_H_MARKUP;
}


/*
 * A byte of the element's text: markup, an entity, or HTML.  White space
 * before the first of them goes out as it came: SF_BUSY when there is no
 * room for it.
 */
static int
sf_feed_h_text(sf_feed_t *f, sf_io_t *io, unsigned char c)
{
    if (c == '<') {
        sf_feed_h_markup_start(f);
        return SF_OK;
    }

    if (f->enc == SF_FE_UNDECIDED) {
        if (sf_feed_space(c)) {
            if (io->avail_out == 0) {
                return SF_BUSY;
            }

            *io->next_out++ = c;
            io->avail_out--;
            f->stats.bytes_out++;
            return SF_OK;
        }

        f->enc = SF_FE_TEXT;
    }

    sf_feed_html_begin(f);

    if (c == '&') {
        f->ent[0] = '&';
        f->ent_len = 1;
        f->state = SF_FX_H_ENT;
        return SF_OK;
    }

    sf_feed_raw_byte(f, c);

    return SF_OK;
}


/*
 * A byte of an entity reference: 0 when it is no part of it, and is to
 * be read again as text.
 */
static int
sf_feed_h_ent(sf_feed_t *f, unsigned char c)
{
    if (c == '<' || c == '&' || sf_feed_space(c)) {
        /* no entity after all: the bytes as they are */
        sf_feed_ent_literal(f);
        f->state = SF_FX_H_TEXT;
        return 0;
    }

    f->ent[f->ent_len++] = c;

    /* without a ';' in the room an entity may take: literal */
    if (c == ';' || f->ent_len == SF_FEED_ENT_SIZE) {
        sf_feed_entity(f);
        f->state = SF_FX_H_TEXT;
    }

    return 1;
}


/*
 * A byte of a CDATA section in the element: ']' bytes are held until it
 * is known whether they close it.
 */
static void
sf_feed_h_cdata(sf_feed_t *f, unsigned char c)
{
    sf_feed_html_begin(f);

    if (c == '>' && f->run >= 2) {
        while (f->run > 2) {
            sf_feed_html_byte(f, ']');
            f->run--;
        }

        f->run = 0;
        f->ws_len = 0;
        f->state = (f->enc == SF_FE_CDATA) ? SF_FX_H_AFTER : SF_FX_H_TEXT;
        return;
    }

    if (c == ']') {
        f->run++;
        return;
    }

    while (f->run > 0) {
        sf_feed_html_byte(f, ']');
        f->run--;
    }

    sf_feed_html_byte(f, c);
}


/* Inside an HTML element: decode input into dbuf as far as it has room. */
static int
sf_feed_inner(sf_feed_t *f, sf_io_t *io)
{
    size_t                 i, n, k;
    unsigned char          c;
    const unsigned char   *p;

    p = io->next_in;
    n = io->avail_in;

    /* 4 bytes of room: an entity decodes to at most 4, or ent_len bytes */
    if (sf_feed_room(f) < SF_FEED_NEED) {
        return SF_BUSY;
    }

    for (i = 0; i < n && sf_feed_room(f) >= SF_FEED_NEED; i++) {
        c = p[i];

        k = sf_feed_inner_run(f, p + i, n - i);

        if (k > 0) {
            i += k - 1;
            continue;
        }

        switch (f->state) {

        case SF_FX_H_TEXT:
            if (sf_feed_h_text(f, io, c) != SF_OK) {
                sf_feed_consume(f, io, i);
                return SF_BUSY;
            }

            break;

        case SF_FX_H_ENT:
            if (!sf_feed_h_ent(f, c)) {
                i--;
            }

            break;

        case SF_FX_H_MARKUP:
            if (f->tok_len == SF_FEED_TOKEN_SIZE) {
                f->html_pass = 1;
                sf_feed_html_finish(f);
                goto out;
            }

            f->tok[f->tok_len++] = c;
            sf_feed_h_markup(f);

            if (f->fin) {
                i++;
                goto out;
            }

            break;

        case SF_FX_H_CDATA:
            sf_feed_h_cdata(f, c);
            break;

        default: /* SF_FX_H_AFTER */
            if (sf_feed_space(c) && f->ws_len < SF_FEED_WS_SIZE) {
                f->ws[f->ws_len++] = c;
                break;
            }

            if (c == '<') {
                sf_feed_h_markup_start(f);
                break;
            }

            /* text after the CDATA: HTML, still in the CDATA going out */
            if (!sf_feed_ws_flush(f)) {
                goto out;
            }

            f->state = SF_FX_H_TEXT;
            i--;
            break;
        }
    }

out:

    sf_feed_consume(f, io, i);

    return SF_OK;
}


/* The stream takes what was decoded; its output goes to obuf. */
static int
sf_feed_engine(sf_feed_t *f, unsigned flags)
{
    int                rc;
    sf_io_t            e;

    /* what waits of the cleaned HTML (its last bytes) moves to the front */
    if (f->opos > 0) {
        memmove(f->obuf, f->obuf + f->opos, f->olen - f->opos);
        f->olen -= f->opos;
        f->opos = 0;
    }

    e.next_in = f->dbuf + f->dpos;
    e.avail_in = f->dlen - f->dpos;
    e.next_out = f->obuf + f->olen;
    e.avail_out = SF_FEED_HTML_SIZE - f->olen;

    rc = sf_stream_feed(f->stream, &e, flags);

    if (rc == SF_ERROR) {
        return SF_ERROR;
    }

    f->dpos = (size_t) (e.next_in - f->dbuf);
    f->olen = (size_t) (e.next_out - f->obuf);


    if (f->dpos == f->dlen) {
        f->dpos = f->dlen = 0;
    }

    return rc;
}


/*
 * The work that the bytes already taken still need: the queue, the
 * cleaned HTML, the stream's end.  SF_OK: nothing left; SF_BUSY: output
 * space ran out; SF_AGAIN (internal): progress, call again.
 */
#define SF_FEED_AGAIN  2

static int
sf_feed_pending(sf_feed_t *f, sf_io_t *io, unsigned flags, int more_input)
{
    int  rc;

    if (f->spill_len > 0 && sf_feed_drain_spill(f, io) != SF_OK) {
        return SF_BUSY;
    }

    if (f->q_n > 0 && sf_feed_drain_queue(f, io) != SF_OK) {
        return SF_BUSY;
    }

    if ((f->opos < sf_feed_limit(f)
         || (f->u8_need > 0 && f->u8_len == f->u8_need))
        && sf_feed_drain_html(f, io) != SF_OK)
    {
        return SF_BUSY;
    }

    if (f->fin) {
        /* the element ended: the stream takes the rest, then finishes */
        if (f->dpos < f->dlen) {
            return sf_feed_engine(f, 0) == SF_ERROR ? SF_ERROR
                                                    : SF_FEED_AGAIN;
        }

        if (f->eng_fed && !f->suffixed) {
            memcpy(f->dbuf, "</body>", 7);
            f->dpos = 0;
            f->dlen = 7;
            f->suffixed = 1;
            return SF_FEED_AGAIN;
        }

        if (!f->eng_done && f->eng_fed) {
            rc = sf_feed_engine(f, SF_FINISH);

            if (rc == SF_ERROR) {
                return SF_ERROR;
            }

            if (rc == SF_DONE) {
                f->eng_done = 1;
            }

            return SF_FEED_AGAIN;
        }

        if (!f->tail_final) {
            if (f->olen - f->opos == SF_FEED_TAIL
                && memcmp(f->obuf + f->opos, "</body>", SF_FEED_TAIL) == 0)
            {
                f->opos = f->olen = 0;

            } else {
                /* not what was given: out it goes, as it is */
                f->tail_final = 1;
            }

            return SF_FEED_AGAIN;
        }

        if (f->u8_need > 0) {
            /* a character cut at the very end: its bytes as they are */
            if (sf_feed_put_u8(f, io) != SF_OK) {
                return SF_BUSY;
            }
        }

        sf_feed_html_closed(f);

        return SF_FEED_AGAIN;
    }

    if (f->state >= SF_FX_H_TEXT && f->dpos < f->dlen
        && (sf_feed_room(f) < SF_FEED_NEED || !more_input))
    {
        rc = sf_feed_engine(f, more_input ? 0 : (flags & SF_FLUSH));

        return rc == SF_ERROR ? SF_ERROR : SF_FEED_AGAIN;
    }

    return SF_OK;
}


static int
sf_feed_loop(sf_feed_t *f, sf_io_t *io, unsigned flags)
{
    int  rc;

    for ( ;; ) {
        rc = sf_feed_pending(f, io, flags, io->avail_in > 0);

        if (rc == SF_FEED_AGAIN) {
            continue;
        }

        if (rc != SF_OK) {
            return rc;
        }

        if (io->avail_in == 0) {
            return SF_OK;
        }

        rc = (f->state >= SF_FX_H_TEXT) ? sf_feed_inner(f, io)
                                        : sf_feed_outer(f, io);

        if (rc == SF_BUSY) {
            if (f->state >= SF_FX_H_TEXT && f->dpos < f->dlen) {
                /* dbuf is full: the stream makes room */
                if (sf_feed_engine(f, 0) == SF_ERROR) {
                    return SF_ERROR;
                }

                continue;
            }

            return SF_BUSY;
        }
    }
}


/*
 * The input ended: what is half read goes out as it is, an element cut
 * short is finished without a made-up end.  Returns 1 when there is work
 * for the loop.
 */
static int
sf_feed_truncate(sf_feed_t *f)
{
    if (f->state >= SF_FX_H_TEXT) {
        if (f->fin) {
            return 1;
        }

        /* the loop left dbuf empty: the held bytes fit */
        if (f->ent_len > 0 || f->ws_len > 0
            || (f->run > 0 && f->state == SF_FX_H_CDATA))
        {
            sf_feed_html_begin(f);
        }

        sf_feed_ent_literal(f);

        if (f->ws_len > 0) {
            (void) sf_feed_ws_flush(f);
        }

        while (f->run > 0 && f->state == SF_FX_H_CDATA) {
            sf_feed_html_byte(f, ']');
            f->run--;
        }

        f->trunc = 1;
        f->fin = 1;
        return 1;
    }

    if ((f->state == SF_FX_MARKUP || f->state == SF_FX_TAG)
        && f->tok_len > 0)
    {
        sf_feed_queue(f, f->tok, f->tok_len);
        f->tok_len = 0;
        f->state = SF_FX_TEXT;
        return 1;
    }

    return 0;
}


/* The first bytes are all read: a feed, or bytes to pass. */
static void
sf_feed_sniff_end(sf_feed_t *f, int feed)
{
    if (feed) {
        f->state = SF_FX_TEXT;

    } else {
        f->state = SF_FX_RAW;
        f->notfeed = 1;
    }

    f->replay = f->sniffed;
    f->replay_len = f->sniff_len;
}


static int
sf_feed_machine(sf_feed_t *f, sf_io_t *io, unsigned flags)
{
    int      rc, r;
    size_t   n;
    sf_io_t  rio;

    if (f->state == SF_FX_SNIFF) {
        n = SF_FEED_SNIFF_MAX - f->sniff_len;
        n = io->avail_in < n ? io->avail_in : n;
        memcpy(f->sniffed + f->sniff_len, io->next_in, n);
        f->sniff_len += n;
        io->next_in += n;
        io->avail_in -= n;

        r = sf_feed_detect(f->sniffed, f->sniff_len);

        if (r == SF_FEED_MORE && f->sniff_len < SF_FEED_SNIFF_MAX
            && !(flags & SF_FINISH))
        {
            return SF_OK;
        }

        sf_feed_sniff_end(f, r == SF_FEED_YES);
    }

    while (f->replay_len > 0) {
        rio = *io;
        rio.next_in = f->replay;
        rio.avail_in = f->replay_len;

        rc = sf_feed_loop(f, &rio, 0);

        io->next_out = rio.next_out;
        io->avail_out = rio.avail_out;
        f->replay = rio.next_in;
        f->replay_len = rio.avail_in;

        if (rc != SF_OK) {
            return rc;
        }
    }

    rc = sf_feed_loop(f, io, flags);

    if (rc != SF_OK || !(flags & SF_FINISH)) {
        return rc;
    }

    f->finished = 1;

    while (sf_feed_truncate(f)) {
        rc = sf_feed_loop(f, io, flags);

        if (rc != SF_OK) {
            return rc;
        }
    }

    f->done = 1;

    return SF_DONE;
}


/*
 * Report mode promises an unchanged body: the input goes out as it is,
 * and the reader runs on the same bytes with its output thrown away, so
 * that the stream still decides (and reports) every item.
 */
static int
sf_feed_report(sf_feed_t *f, sf_io_t *io, unsigned flags)
{
    int      rc;
    size_t   n, used, made;
    sf_io_t  m;

    for ( ;; ) {
        n = io->avail_in < io->avail_out ? io->avail_in : io->avail_out;

        m.next_in = io->next_in;
        m.avail_in = n;
        m.next_out = f->scratch;
        m.avail_out = SF_FEED_HTML_SIZE;

        rc = sf_feed_machine(f, &m, n == io->avail_in ? flags
                                                     : flags & ~SF_FINISH);

        if (rc == SF_ERROR) {
            return SF_ERROR;
        }

        used = (size_t) (m.next_in - io->next_in);
        made = (size_t) (m.next_out - f->scratch);

        memcpy(io->next_out, io->next_in, used);
        io->next_out += used;
        io->avail_out -= used;
        io->next_in += used;
        io->avail_in -= used;
        f->stats.bytes_out += used;
        f->stats.bytes_out -= made;

        if (rc == SF_BUSY) {
            continue;
        }

        if (rc == SF_DONE) {
            return SF_DONE;
        }

        if (io->avail_in == 0) {
            return SF_OK;
        }

        if (io->avail_out == 0) {
            return SF_BUSY;
        }
    }
}


int
sf_feed_feed(sf_feed_t *f, sf_io_t *io, unsigned flags)
{
    if (f == NULL || io == NULL || f->done
        || (io->avail_in > 0 && io->next_in == NULL)
        || (io->avail_out > 0 && io->next_out == NULL)
        || (f->finished && io->avail_in > 0))
    {
        return SF_ERROR;
    }

    return f->report ? sf_feed_report(f, io, flags)
                     : sf_feed_machine(f, io, flags);
}


int
sf_feed_holding(const sf_feed_t *f)
{
    /* done, or in report mode where all input leaves as it is taken */
    if (f->done || f->report) {
        return 0;
    }

    return f->q_n > 0 || f->opos < f->olen || f->dpos < f->dlen
           || f->ent_len > 0 || f->ws_len > 0 || f->replay_len > 0
           || f->fin || f->spill_len > 0 || f->u8_len > 0
           || (f->state == SF_FX_H_CDATA && f->run > 0)
           || (f->state == SF_FX_SNIFF && f->sniff_len > 0)
           || ((f->state == SF_FX_MARKUP || f->state == SF_FX_TAG
                || f->state == SF_FX_H_MARKUP) && f->tok_len > 0)
           || (f->state >= SF_FX_H_TEXT && sf_stream_holding(f->stream));
}


const sf_stats_t *
sf_feed_stats(const sf_feed_t *f)
{
    return &f->stats;
}


unsigned
sf_feed_items(const sf_feed_t *f)
{
    return f->nitems;
}


const char *
sf_feed_status(const sf_feed_t *f)
{
    unsigned            i;
    static const char  *reasons[SF_PASS_NREASONS] = {
        "passthrough:holdback", "passthrough:text", "passthrough:regex",
        "passthrough:depth"
    };

    if (f->notfeed) {
        return "passthrough:notfeed";
    }

    for (i = 0; i < SF_PASS_NREASONS; i++) {
        if (f->stats.passthrough[i] > 0) {
            return reasons[i];
        }
    }

    if (f->report) {
        return "reported";
    }

    if (f->stats.blocks_removed > 0 || f->stats.credits > 0) {
        return "rewritten";
    }

    return "unchanged";
}


static void *
sf_feed_alloc(sf_feed_t *f, size_t size)
{
    void  *p;

    p = f->alloc.alloc(f->alloc.ctx, size);

    if (p != NULL) {
        f->stats.memory += size;
    }

    return p;
}


sf_feed_t *
sf_feed_create(const sf_rules_t *rules, const sf_options_t *options,
    const sf_allocator_t *alloc, unsigned flags)
{
    void           *on_decision_ctx;
    sf_feed_t      *f;
    sf_options_t    opt;
    sf_decision_pt  on_decision;

    if (rules == NULL || alloc == NULL || alloc->alloc == NULL) {
        return NULL;
    }

    if (options != NULL) {
        opt = *options;

    } else {
        sf_options_init(&opt);
    }

    /*
     * A source given for the response is the feed's, not each item's; an
     * item has no head to hold a canonical.
     */
    opt.source = NULL;
    opt.source_len = 0;
    opt.canonical = 0;

    /* the stream's decisions tell where its output stops being its input */
    on_decision = opt.on_decision;
    on_decision_ctx = opt.on_decision_ctx;

    f = alloc->alloc(alloc->ctx, sizeof(sf_feed_t));
    if (f == NULL) {
        return NULL;
    }

    memset(f, 0, sizeof(sf_feed_t));

    f->alloc = *alloc;
    f->report = opt.report;
    f->on_decision = on_decision;
    f->on_decision_ctx = on_decision_ctx;
    f->first_change = UINT64_MAX;
    opt.on_decision = sf_feed_decision;
    opt.on_decision_ctx = f;

    if (opt.on_explain != NULL) {
        f->on_explain = opt.on_explain;
        f->on_explain_ctx = opt.on_explain_ctx;
        opt.on_explain = sf_feed_explain;
        opt.on_explain_ctx = f;
    }
    f->stats.memory = sizeof(sf_feed_t);
    f->state = (flags & SF_FEED_SNIFF) ? SF_FX_SNIFF : SF_FX_TEXT;

    f->tok = sf_feed_alloc(f, SF_FEED_TOKEN_SIZE);
    f->dbuf = sf_feed_alloc(f, SF_FEED_HTML_SIZE);
    f->obuf = sf_feed_alloc(f, SF_FEED_HTML_SIZE);

    if (f->tok == NULL || f->dbuf == NULL || f->obuf == NULL) {
        goto failed;
    }

    if (f->report) {
        f->scratch = sf_feed_alloc(f, SF_FEED_HTML_SIZE);

        if (f->scratch == NULL) {
            goto failed;
        }
    }

    if (flags & SF_FEED_SNIFF) {
        f->sniffed = sf_feed_alloc(f, SF_FEED_SNIFF_MAX);

        if (f->sniffed == NULL) {
            goto failed;
        }
    }

    f->stream = sf_stream_create(rules, &opt, alloc);

    if (f->stream == NULL) {
        goto failed;
    }

    f->stats.memory += sf_stream_stats(f->stream)->memory;

    return f;

failed:

    sf_feed_destroy(f);

    return NULL;
}


void
sf_feed_destroy(sf_feed_t *f)
{
    sf_allocator_t  alloc;

    if (f == NULL) {
        return;
    }

    alloc = f->alloc;

    sf_stream_destroy(f->stream);

    if (alloc.free != NULL) {
        alloc.free(alloc.ctx, f->sniffed);
        alloc.free(alloc.ctx, f->scratch);
        alloc.free(alloc.ctx, f->obuf);
        alloc.free(alloc.ctx, f->dbuf);
        alloc.free(alloc.ctx, f->tok);
        alloc.free(alloc.ctx, f);
    }
}


static int
sf_feed_run_one(void *engine, sf_io_t *io, unsigned flags)
{
    return sf_feed_feed(engine, io, flags);
}


int
sf_feed_run(sf_feed_t *feed, const unsigned char *in, size_t len,
    size_t chunk, size_t out_size, unsigned char *out_buf,
    sf_write_pt write, void *ctx)
{
    return sf_run(feed, sf_feed_run_one, in, len, chunk, out_size, out_buf,
                  write, ctx);
}
