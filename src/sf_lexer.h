/*
 * sf_lexer.h: the resumable HTML tokenizer of the stream.
 *
 * The lexer never copies and never looks back: it is fed any slice of the
 * input and says how many bytes it consumed and whether a token ended with
 * the last of them.  The caller keeps the bytes of an unfinished tag
 * contiguous (sf_tag_parse() parses it when it ends).
 *
 * Contract of sf_lexer_scan(): the bytes consumed by one call all have the
 * kind lx->kind had before the call.  After the call lx->kind is the kind
 * of the bytes that come next.  The event says what happened at the end of
 * the consumed bytes:
 *
 *     SF_LEX_MORE     the current token goes on (or a text run stopped
 *                     before a '<');
 *     SF_LEX_END      a markup or opaque token ended with the last byte;
 *     SF_LEX_RETYPE   the bytes of the current markup token so far are in
 *                     fact of kind lx->kind (text or raw text when a '<'
 *                     started no markup, opaque when "<!--", "<!x", "<?"
 *                     or "</ " showed a comment or bogus markup).
 */

#ifndef SF_LEXER_H_INCLUDED
#define SF_LEXER_H_INCLUDED

#include <stddef.h>

#include "sf_tag.h"


typedef enum {
    SF_LEX_TEXT = 0,        /* page text */
    SF_LEX_RAW,             /* contents of script, style, title, ...,
                               text in a template */
    SF_LEX_MARKUP,          /* a tag, or a '<' that may start one */
    SF_LEX_OPAQUE           /* comment, doctype, CDATA, bogus markup */
} sf_lex_kind_e;


typedef enum {
    SF_LEX_MORE = 0,
    SF_LEX_END,
    SF_LEX_RETYPE
} sf_lex_event_e;


typedef struct {
    unsigned              state;
    sf_lex_kind_e         kind;

    /* the tag being read: name prefix as written, id, end tag */
    unsigned char         name[12];
    unsigned              name_len;
    sf_tag_e              tag;
    unsigned              end:1;

    unsigned char         quote;            /* in a quoted value */
    unsigned              count;            /* dashes, brackets, matched */

    /* raw text: the element whose end tag ends it (its name in name) */
    sf_tag_e              raw_tag;
    unsigned              raw_len;
    unsigned              esc:1;            /* "</" read in an escaped
                                               script ("<!--" seen) */

    /*
     * Open <template> elements.  Their contents are tokenized as markup
     * (a script inside one is raw text up to its own end tag), but none of
     * it is page content: text in them is of kind SF_LEX_RAW, and a tag
     * read there says so in inert.
     */
    unsigned              tmpl;
    unsigned              inert:1;          /* the tag read last is inside
                                               a template */
} sf_lexer_t;


void sf_lexer_init(sf_lexer_t *lx);
size_t sf_lexer_scan(sf_lexer_t *lx, const unsigned char *p, size_t len,
    sf_lex_event_e *event);
/*
 * A whole start or end tag at p[0] == '<', taken at once in the data state
 * when it ends within len: returns its length and leaves the lexer as
 * sf_lexer_scan() leaves it after the tag's '>' (name, id, end, raw text
 * entered).  Returns 0, the lexer untouched, for anything else (comments,
 * doctypes, "</>", text such as "<3") and for a tag that goes on past len:
 * sf_lexer_scan() takes those.  The fast path of the stream's feed loop.
 */
size_t sf_lexer_tag(sf_lexer_t *lx, const unsigned char *p, size_t len);
/*
 * In the data state outside templates (state 0) the lexer keeps nothing:
 * page text may be skipped.  Inline: the feed loop asks before each step.
 */
static inline int
sf_lexer_in_text(const sf_lexer_t *lx)
{
    return lx->state == 0;
}

#endif /* SF_LEXER_H_INCLUDED */
