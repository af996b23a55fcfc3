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


size_t
sf_match_clean(sf_match_t *match, const unsigned char *href, size_t len)
{
    size_t  n;

    if (match->src_ok && len == match->src_raw_len
        && memcmp(href, match->src_raw, len) == 0)
    {
        return match->src_len;
    }

    n = sf_url_clean(href, len, 1, match->source, SF_SOURCE_MAX + 1);
    match->src_gen++;

    match->src_ok = len <= SF_SOURCE_RAW;

    if (match->src_ok) {
        memcpy(match->src_raw, href, len);
        match->src_raw_len = len;
        match->src_len = n;
    }

    return n;
}


size_t
sf_match_name(sf_match_t *match, const unsigned char *text, size_t len)
{
    int  ov;

    if (match->nraw_ok && len == match->nraw_len
        && memcmp(text, match->nraw, len) == 0)
    {
        return match->nraw_out;
    }

    match->nraw_out = sf_fold(text, len, match->name, SF_NAME_MAX,
                              SF_FOLD_MARKUP, NULL, NULL, &ov);
    match->name_gen++;

    match->nraw_ok = len <= SF_NAME_RAW;

    if (match->nraw_ok) {
        memcpy(match->nraw, text, len);
        match->nraw_len = len;
    }

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

    n = sf_url_host(result->source, result->source_len, &host);

    if (n > 0) {
        result->source_name = host;
        result->source_name_len = n;
    }
}
