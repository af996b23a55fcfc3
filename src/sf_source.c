/*
 * sf_source.c: the source a decision names, from a raw href: cleaned
 * (sf_url_clean) into the scratch's source buffer, where the last one is
 * kept while the next decisions name the same href (a page names its
 * source in block after block), and named by its host or by a link's
 * text, folded into the name buffer and kept the same way (a listing
 * names one site under every entry).  For the full way
 * (sf_match.c) and the memo (sf_memo.c), which makes a source by host
 * again for the block it answers.
 */

#include <string.h>

#include "sf_match.h"


/* Whether the bytes p, len are the ones a cache keeps (ok: it keeps). */
static int
sf_source_same(unsigned ok, const unsigned char *raw, size_t raw_len,
    const unsigned char *p, size_t len)
{
    return ok && len == raw_len && memcmp(p, raw, len) == 0;
}


/* The bytes p, len kept in raw (cap bytes), when they fit: 1, else 0. */
static unsigned
sf_source_keep(unsigned char *raw, size_t *raw_len, size_t cap,
    const unsigned char *p, size_t len)
{
    if (len > cap) {
        return 0;
    }

    memcpy(raw, p, len);
    *raw_len = len;

    return 1;
}


size_t
sf_match_clean(sf_match_t *match, const unsigned char *href, size_t len)
{
    if (sf_source_same(match->src_ok, match->src_raw, match->src_raw_len,
                       href, len))
    {
        return match->src_len;
    }

    match->src_len = sf_url_clean(href, len, 1, match->source,
                                  SF_SOURCE_MAX + 1);
    match->src_gen++;
    match->src_ok = sf_source_keep(match->src_raw, &match->src_raw_len,
                                   SF_SOURCE_RAW, href, len);

    return match->src_len;
}


size_t
sf_match_name(sf_match_t *match, const unsigned char *text, size_t len)
{
    int  ov;

    if (sf_source_same(match->nraw_ok, match->nraw, match->nraw_len, text,
                       len))
    {
        return match->nraw_out;
    }

    match->nraw_out = sf_fold(text, len, match->name, SF_NAME_MAX,
                              SF_FOLD_MARKUP, NULL, NULL, &ov);
    match->name_gen++;
    match->nraw_ok = sf_source_keep(match->nraw, &match->nraw_len,
                                    SF_NAME_RAW, text, len);

    return match->nraw_out;
}


void
sf_match_by_host(sf_match_t *match, const unsigned char *href, size_t len,
    sf_decision_result_t *result)
{
    size_t       n;
    const char  *host;

    n = sf_match_clean(match, href, len);
    if (n == 0) {
        return;
    }

    result->source = match->source;
    result->source_len = n;

    /* the source's host, found again only when the source was written */
    if (match->host_gen != match->src_gen + 1) {
        match->host_len = sf_url_host(match->source, n, &host);
        match->host_off = match->host_len > 0 ? host - match->source : 0;
        match->host_gen = match->src_gen + 1;
    }

    if (match->host_len > 0) {
        result->source_name = match->source + match->host_off;
        result->source_name_len = match->host_len;
    }
}
