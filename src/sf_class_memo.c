/*
 * sf_class_memo.c: the class lists of start tags the scratch remembers.
 *
 * A listing's template gives every entry the same class lists
 * ("inside-article", "entry-content", "post-navigation"), and what the
 * stream looks for in one (a word a selector may name, a word that
 * places contents) is a scan of its bytes each time.  The scratch keeps
 * the last lists by their bytes, in slots picked by a hash of their
 * length and first and last eight bytes, with the bits the stream found;
 * a list is answered only when all its bytes are those of the slot's.
 */

#include <string.h>

#include "sf_match.h"


/* The slot of a list of 8 to SF_CLASS_KEY bytes: its first and last
 * eight bytes and its length, mixed by a multiply. */
static inline size_t
sf_class_slot(const unsigned char *cls, size_t len, uint64_t *first,
    uint64_t *last)
{
    uint64_t  h;

    memcpy(first, cls, 8);
    memcpy(last, cls + len - 8, 8);
    h = (*first ^ (*last << 1) ^ len) * 0x9e3779b97f4a7c15ULL;

    return (size_t) (h >> 59) % SF_CLASS_SLOTS;
}


unsigned
sf_match_class(const sf_match_t *match, const unsigned char *cls,
    size_t len)
{
    size_t                 n;
    uint64_t               first, last, a, b;
    const unsigned char   *key;

    if (len < 8 || len > SF_CLASS_KEY) {
        return 0;
    }

    n = sf_class_slot(cls, len, &first, &last);

    if (match->class_len[n] != len) {
        return 0;
    }

    /* the two words cover a list of up to sixteen bytes */
    key = match->class_key[n];
    memcpy(&a, key, 8);
    memcpy(&b, key + len - 8, 8);

    if (a != first || b != last
        || (len > 16 && memcmp(key + 8, cls + 8, len - 16) != 0))
    {
        return 0;
    }

    return match->class_bits[n] | SF_CLASS_KNOWN;
}


void
sf_match_class_keep(sf_match_t *match, const unsigned char *cls, size_t len,
    unsigned bits)
{
    size_t    n;
    uint64_t  first, last;

    if (len < 8 || len > SF_CLASS_KEY) {
        return;
    }

    n = sf_class_slot(cls, len, &first, &last);
    memcpy(match->class_key[n], cls, len);
    match->class_len[n] = (unsigned char) len;
    match->class_bits[n] = (unsigned char) (bits & ~SF_CLASS_KNOWN);
}
