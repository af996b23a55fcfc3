/*
 * sf_shape.c: the repost footer told by its shape (sf_shape.h).
 *
 * Three tests, cheapest first: the block has two or three links; the text
 * outside them is a few words that hold some letters (so a breadcrumb's
 * "Home » Title" is not glue); one link goes deep into a site with the
 * page's title as its text and one goes to the home page of the same
 * registered domain.  Precision before recall: any doubt keeps the block.
 */

#include <string.h>

#include "sf_normalize.h"
#include "sf_rules.h"
#include "sf_shape.h"


#define SF_SHAPE_DOMAIN   256               /* a host is at most 253 bytes */

#define sf_shape_str(n)   sf_shape_str2(n)
#define sf_shape_str2(n)  #n

typedef enum {
    SF_SHAPE_OTHER = 0,
    SF_SHAPE_POST,                          /* deep, the title as text */
    SF_SHAPE_HOME,                          /* "/" or no path */
    SF_SHAPE_ROOT                           /* "/one-segment/": maybe home */
} sf_shape_kind_e;


typedef struct {
    sf_shape_kind_e       kind;
    char                  domain[SF_SHAPE_DOMAIN];
    size_t                domain_len;
    char                  path[SF_SHAPE_DOMAIN];
    size_t                path_len;
} sf_shape_link_t;


static int sf_shape_test(const sf_block_t *b, unsigned char *scratch,
    size_t cap, sf_shape_t *shape, const char **why);
static const char *sf_shape_glue(const sf_block_t *b);
static size_t sf_shape_letter(const unsigned char *p, const unsigned char *end,
    int *letter);
static size_t sf_shape_title(const sf_block_t *b, unsigned char *buf,
    size_t cap, size_t *short_len);
static void sf_shape_classify(const sf_block_t *b, size_t i,
    const unsigned char *title, size_t title_len, size_t title_short,
    unsigned char *buf, size_t cap, sf_shape_link_t *l);
static size_t sf_shape_domain(const char *host, size_t len, char *out);


int
sf_shape_enabled(const sf_rules_t *rules)
{
    return rules != NULL && rules->shape;
}


int
sf_shape_decide(const sf_block_t *b, unsigned char *scratch,
    sf_decision_result_t *res)
{
    int               ov;
    size_t            n, m;
    sf_shape_t        shape;
    const sf_link_t  *post, *site;

    if (b->nlinks < 2 || b->nlinks > 3
        || !sf_shape_footer(b, scratch, SF_SHAPE_CAP, &shape))
    {
        return 0;
    }

    post = &b->links[shape.post];
    site = &b->links[shape.site];

    n = sf_url_clean(post->href, post->href_len, 1, (char *) scratch,
                     SF_SHAPE_CAP);

    if (n == 0) {
        return 0;
    }

    /* the name as the page shows it: entities decoded, case kept */
    m = sf_normalize_in(b->text + site->text_start,
                        site->text_end - site->text_start,
                        scratch + SF_SHAPE_CAP, SF_SHAPE_CAP, 0, &ov);

    res->action = SF_ACT_DROP_SOURCE;
    res->rule_id = "shape-footer";
    res->source = (const char *) scratch;
    res->source_len = n;
    res->source_name = (ov || m == 0) ? NULL
                       : (const char *) scratch + SF_SHAPE_CAP;
    res->source_name_len = (ov || m == 0) ? 0 : m;

    return 1;
}


int
sf_shape_footer(const sf_block_t *b, unsigned char *scratch, size_t cap,
    sf_shape_t *shape)
{
    const char  *why;

    return sf_shape_test(b, scratch, cap, shape, &why);
}


const char *
sf_shape_why(const sf_block_t *b, unsigned char *scratch)
{
    size_t       n;
    const char  *why;
    sf_shape_t   shape;

    if (!sf_shape_test(b, scratch, SF_SHAPE_CAP, &shape, &why)) {
        return why;
    }

    /* sf_shape_decide() wants the post's URL clean too */
    n = sf_url_clean(b->links[shape.post].href,
                     b->links[shape.post].href_len, 1, (char *) scratch,
                     SF_SHAPE_CAP);

    return n == 0 ? "the post's URL is no acceptable source" : NULL;
}


/* sf_shape_footer(), and why not when it is not: *why, a sentence. */
static int
sf_shape_test(const sf_block_t *b, unsigned char *scratch, size_t cap,
    sf_shape_t *shape, const char **why)
{
    size_t            i, title_len, title_short, post, home, root;
    sf_shape_link_t   links[3];

    if (b->nlinks < 2 || b->nlinks > 3 || scratch == NULL || cap == 0) {
        *why = "not two or three links";
        return 0;
    }

    *why = sf_shape_glue(b);

    if (*why != NULL) {
        return 0;
    }

    title_len = sf_shape_title(b, scratch, cap, &title_short);

    if (title_len == 0) {
        *why = "no page title seen before the block";
        return 0;
    }

    post = home = root = 3;

    for (i = 0; i < b->nlinks; i++) {
        sf_shape_classify(b, i, scratch, title_len, title_short,
                          scratch + cap, cap, &links[i]);

        switch (links[i].kind) {
        case SF_SHAPE_POST:
            if (post != 3) {
                *why = "two links have the page title as their text";
                return 0;
            }
            post = i;
            break;
        case SF_SHAPE_HOME:
            if (home != 3) {
                *why = "two links go to a home page";
                return 0;
            }
            home = i;
            break;
        case SF_SHAPE_ROOT:
            root = i;
            break;
        default:
            break;
        }
    }

    if (post == 3) {
        *why = "no link has the page title as its text";
        return 0;
    }

    /* a site in a folder: its home is the first segment of the post's */
    if (home == 3 && root != 3 && links[root].path_len <= links[post].path_len
        && memcmp(links[root].path, links[post].path, links[root].path_len)
           == 0)
    {
        home = root;
    }

    /* a third link (the author) may be anything but a second post */
    if (home == 3) {
        *why = "no link goes to the home page of the post's site";
        return 0;
    }

    if (links[home].domain_len != links[post].domain_len
        || memcmp(links[home].domain, links[post].domain,
                  links[home].domain_len) != 0)
    {
        *why = "the home page link is on another site than the post's";
        return 0;
    }

    *why = NULL;

    shape->post = post;
    shape->site = home;

    return 1;
}


/*
 * The text outside the links: a few words, some of them letters.  NULL
 * when it is, or why not.
 */
static const char *
sf_shape_glue(const sf_block_t *b)
{
    int                   letter, space;
    size_t                i, k, n, bytes, words, letters;
    const unsigned char  *t, *end;

    t = b->text;
    end = t + b->text_len;
    bytes = words = letters = 0;
    space = 1;
    i = 0;

    while (t + i < end) {
        for (k = 0; k < b->nlinks; k++) {
            if (i >= b->links[k].text_start && i < b->links[k].text_end) {
                break;
            }
        }

        if (k < b->nlinks) {
            /* the link's words are not glue; it separates words */
            i = b->links[k].text_end;
            space = 1;
            continue;
        }

        if (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'
            || t[i] == '\f')
        {
            space = 1;
            i++;
            continue;
        }

        n = sf_shape_letter(t + i, end, &letter);
        words += space;
        space = 0;
        bytes += n;
        letters += letter;
        i += n;

        if (words > SF_SHAPE_MAX_WORDS) {
            return "more than " sf_shape_str(SF_SHAPE_MAX_WORDS)
                   " words outside the links";
        }

        if (bytes > SF_SHAPE_MAX_GLUE) {
            return "more than " sf_shape_str(SF_SHAPE_MAX_GLUE)
                   " bytes of text outside the links";
        }
    }

    return letters >= SF_SHAPE_MIN_LETTERS
           ? NULL : "fewer than " sf_shape_str(SF_SHAPE_MIN_LETTERS)
                    " letters or digits outside the links";
}


/*
 * One character of raw text (an entity counts as one): its length, and
 * whether it is a letter or digit of some script rather than punctuation,
 * a symbol or a separator.  By UTF-8 lead byte: U+0080-U+00BF (lead C2)
 * are Latin-1 signs, U+2000-U+2FFF (lead E2) punctuation and symbols,
 * U+3000-U+303F CJK punctuation; other non-ASCII is taken as letters.
 */
static size_t
sf_shape_letter(const unsigned char *p, const unsigned char *end,
    int *letter)
{
    size_t         n;
    unsigned char  c;

    c = p[0];
    *letter = 0;

    if (c == '&') {
        for (n = 1; p + n < end && n < 12; n++) {
            if (p[n] == ';') {
                return n + 1;
            }

            if (!((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z')
                  || (p[n] >= '0' && p[n] <= '9') || p[n] == '#'))
            {
                break;
            }
        }

        return 1;
    }

    if (c < 0x80) {
        *letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                  || (c >= '0' && c <= '9');
        return 1;
    }

    n = (c >= 0xf0) ? 4 : (c >= 0xe0) ? 3 : (c >= 0xc0) ? 2 : 1;

    if ((size_t) (end - p) < n) {
        return (size_t) (end - p);
    }

    *letter = !(c == 0xc2 || c == 0xe2 || (c == 0xe3 && p[1] == 0x80)
                || c < 0xc0);

    return n;
}


/* The page title normalized, and its length before " - SITE". */
static size_t
sf_shape_title(const sf_block_t *b, unsigned char *buf, size_t cap,
    size_t *short_len)
{
    int     ov;
    size_t  n, i;

    *short_len = 0;

    if (b->title == NULL || b->title_len == 0) {
        return 0;
    }

    n = sf_normalize_in(b->title, b->title_len, buf, cap, SF_FOLD_ALL, &ov);

    if (ov) {
        return 0;
    }

    for (i = n; i >= 3; i--) {
        if (buf[i - 3] == ' ' && (buf[i - 2] == '-' || buf[i - 2] == '|')
            && buf[i - 1] == ' ')
        {
            *short_len = i - 3;
            break;
        }
    }

    return n;
}


/* What link i is: the post, the home page, a folder, or anything else. */
static void
sf_shape_classify(const sf_block_t *b, size_t i, const unsigned char *title,
    size_t title_len, size_t title_short, unsigned char *buf, size_t cap,
    sf_shape_link_t *l)
{
    int                   ov;
    size_t                n, k, hlen, slashes;
    const char           *url, *host, *path;
    const sf_link_t      *bl;

    l->kind = SF_SHAPE_OTHER;
    l->domain_len = l->path_len = 0;
    bl = &b->links[i];

    n = sf_url_clean(bl->href, bl->href_len, 1, (char *) buf, cap);

    if (n == 0) {
        return;
    }

    url = (const char *) buf;
    hlen = sf_url_host(url, n, &host);

    if (hlen == 0) {
        return;
    }

    l->domain_len = sf_shape_domain(host, hlen, l->domain);

    /* the path: after the host and its port, before a query or fragment */
    path = host + hlen;

    while (path < url + n && *path != '/' && *path != '?' && *path != '#') {
        path++;
    }

    for (k = 0, slashes = 0; path + k < url + n && path[k] != '?'
                             && path[k] != '#'; k++)
    {
        slashes += (path[k] == '/');
    }

    if (k >= SF_SHAPE_DOMAIN) {
        return;
    }

    memcpy(l->path, path, k);
    l->path_len = k;

    if (k <= 1) {
        l->kind = SF_SHAPE_HOME;
        return;
    }

    if (slashes == 2 && path[k - 1] == '/') {
        l->kind = SF_SHAPE_ROOT;
        return;
    }

    /* deep: the post, when its text is the page's title */
    if (bl->text_end <= bl->text_start || bl->text_end > b->text_len) {
        return;
    }

    n = sf_normalize_in(b->text + bl->text_start,
                        bl->text_end - bl->text_start, buf, cap, SF_FOLD_ALL,
                        &ov);

    if (!ov && n > 0
        && ((n == title_len && memcmp(buf, title, n) == 0)
            || (n == title_short && memcmp(buf, title, n) == 0)))
    {
        l->kind = SF_SHAPE_POST;
    }
}


/*
 * The registered domain of a host, lower case: its last two labels, or
 * three under a short second level of a country ("news.example.co.uk"
 * gives "example.co.uk"), without a trailing dot.
 */
static size_t
sf_shape_domain(const char *host, size_t len, char *out)
{
    size_t  i, dots, start, label[3];

    while (len > 0 && host[len - 1] == '.') {
        len--;
    }

    if (len >= SF_SHAPE_DOMAIN) {
        return 0;
    }

    dots = 0;
    start = 0;

    for (i = len; i > 0 && dots < 3; i--) {
        if (host[i - 1] == '.') {
            label[dots++] = i;
        }
    }

    if (dots >= 2) {
        /* label[0]: start of the TLD, label[1]: of the second level */
        start = label[1];

        if (len - label[0] == 2 && label[0] - 1 - label[1] <= 3) {
            start = (dots >= 3) ? label[2] : 0;
        }
    }

    for (i = start; i < len; i++) {
        out[i - start] = (host[i] >= 'A' && host[i] <= 'Z')
                         ? (char) (host[i] | 0x20) : host[i];
    }

    return len - start;
}
