/*
 * sf_credit_lang.c: the credit in the page's language, and the credit
 * template as operators write it.
 *
 * A credit in English on an Arabic or German page reads as part of the
 * aggregator's chrome; in the page's own language it reads as part of the
 * article.  The language comes from <html lang> (or xml:lang), or from the
 * caller (a feed's <language>); only the primary subtag counts, except for
 * Chinese, whose two scripts need two wordings.  The wordings are this
 * project's own; none repeats a footer's wording, so that no rule of the
 * built-in pack takes a credit for boilerplate.
 */

#include <stdio.h>

#include "sf_stream.h"


typedef struct {
    const char           *lang;             /* lower case, primary subtag */
    const char           *tmpl;
} sf_credit_lang_t;


#define sf_credit_p(words)                                                   \
    "<p class=\"syndication-source\">" words " <a href=\"%u\">%n</a></p>"


static const sf_credit_lang_t  sf_credit_langs[] = {
    { "ar", sf_credit_p("\xd8\xa7\xd9\x84\xd9\x85\xd8\xb5\xd8\xaf\xd8\xb1 "
                        "\xd8\xa7\xd9\x84\xd8\xa3\xd8\xb5\xd9\x84\xd9\x8a:") },
    { "cs", sf_credit_p("P\xc5\xaf" "vodn\xc3\xad zdroj:") },
    { "da", sf_credit_p("Oprindeligt udgivet af") },
    { "de", sf_credit_p("Urspr\xc3\xbcnglich ver\xc3\xb6" "ffentlicht von") },
    { "el", sf_credit_p("\xce\x91\xcf\x81\xcf\x87\xce\xb9\xce\xba\xce\xae "
                        "\xcf\x80\xce\xb7\xce\xb3\xce\xae:") },
    { "es", sf_credit_p("Publicado originalmente por") },
    { "fa", sf_credit_p("\xd9\x85\xd9\x86\xd8\xa8\xd8\xb9 "
                        "\xd8\xa7\xd8\xb5\xd9\x84\xdb\x8c:") },
    { "fi", sf_credit_p("Alkuper\xc3\xa4inen l\xc3\xa4hde:") },
    { "fr", sf_credit_p("Publi\xc3\xa9 initialement par") },
    { "he", sf_credit_p("\xd7\x94\xd7\x9e\xd7\xa7\xd7\x95\xd7\xa8:") },
    { "hi", sf_credit_p("\xe0\xa4\xae\xe0\xa5\x82\xe0\xa4\xb2 "
                        "\xe0\xa4\xb8\xe0\xa5\x8d\xe0\xa4\xb0\xe0\xa5\x8b"
                        "\xe0\xa4\xa4:") },
    { "hu", sf_credit_p("Eredeti forr\xc3\xa1s:") },
    { "id", sf_credit_p("Pertama kali diterbitkan oleh") },
    { "it", sf_credit_p("Pubblicato originariamente da") },
    { "iw", sf_credit_p("\xd7\x94\xd7\x9e\xd7\xa7\xd7\x95\xd7\xa8:") },
    { "ja", sf_credit_p("\xe5\x87\xba\xe5\x85\xb8\xef\xbc\x9a") },
    { "ko", sf_credit_p("\xec\x9b\x90\xeb\xac\xb8 "
                        "\xec\xb6\x9c\xec\xb2\x98:") },
    { "nb", sf_credit_p("Opprinnelig publisert av") },
    { "nl", sf_credit_p("Oorspronkelijk gepubliceerd door") },
    { "no", sf_credit_p("Opprinnelig publisert av") },
    { "pl", sf_credit_p("Oryginalne \xc5\xba" "r\xc3\xb3" "d\xc5\x82o:") },
    { "pt", sf_credit_p("Publicado originalmente por") },
    { "ro", sf_credit_p("Publicat ini\xc8\x9b" "ial de") },
    { "ru", sf_credit_p("\xd0\x9f\xd0\xb5\xd1\x80\xd0\xb2\xd0\xbe"
                        "\xd0\xb8\xd1\x81\xd1\x82\xd0\xbe\xd1\x87\xd0\xbd"
                        "\xd0\xb8\xd0\xba:") },
    { "sv", sf_credit_p("Ursprungligen publicerad av") },
    { "tr", sf_credit_p("Orijinal kaynak:") },
    { "uk", sf_credit_p("\xd0\x9f\xd0\xb5\xd1\x80\xd1\x88\xd0\xbe"
                        "\xd0\xb4\xd0\xb6\xd0\xb5\xd1\x80\xd0\xb5"
                        "\xd0\xbb\xd0\xbe:") },
    { "vi", sf_credit_p("Ngu\xe1\xbb\x93n b\xc3\xa0i g\xe1\xbb\x91" "c:") },
    /* Chinese: simplified script; the traditional one below */
    { "zh", sf_credit_p("\xe5\x8e\x9f\xe6\x96\x87\xe6\x9d\xa5\xe6\xba\x90"
                        "\xef\xbc\x9a") },
    { NULL, NULL }
};

static const char  sf_credit_zh_hant[] =
    sf_credit_p("\xe5\x8e\x9f\xe6\x96\x87\xe4\xbe\x86\xe6\xba\x90"
                "\xef\xbc\x9a");


static unsigned char
sf_credit_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char) (c | 0x20) : c;
}


/* A subtag of the rest of a tag ("-TW", "-Hant-HK"), case-insensitively. */
static int
sf_credit_has_subtag(const unsigned char *p, size_t len, const char *sub)
{
    size_t  i, n, k;

    n = strlen(sub);
    i = 0;

    while (i < len) {
        if (p[i] == '-' || p[i] == '_') {
            i++;
            continue;
        }

        k = i;

        while (k < len && p[k] != '-' && p[k] != '_') {
            k++;
        }

        if (k - i == n) {
            size_t  j;

            for (j = 0; j < n && sf_credit_lower(p[i + j])
                                 == (unsigned char) sub[j]; j++)
            {
                /* void */
            }

            if (j == n) {
                return 1;
            }
        }

        i = k;
    }

    return 0;
}


/* The built-in credit for a language tag, or NULL for English/unknown. */
static const char *
sf_credit_lang_find(const unsigned char *p, size_t len)
{
    size_t                   n, i;
    unsigned char            prim[8];
    const sf_credit_lang_t  *l;

    while (len > 0 && sf_stream_space(*p)) {
        p++;
        len--;
    }

    for (n = 0; n < len && p[n] != '-' && p[n] != '_'
                && !sf_stream_space(p[n]); n++)
    {
        if (n == sizeof(prim) - 1) {
            return NULL;
        }

        prim[n] = sf_credit_lower(p[n]);
    }

    if (n < 2 || n > 3) {
        return NULL;
    }

    prim[n] = '\0';

    if (n == 2 && prim[0] == 'z' && prim[1] == 'h') {
        if (sf_credit_has_subtag(p + n, len - n, "hant")
            || sf_credit_has_subtag(p + n, len - n, "tw")
            || sf_credit_has_subtag(p + n, len - n, "hk")
            || sf_credit_has_subtag(p + n, len - n, "mo"))
        {
            return sf_credit_zh_hant;
        }
    }

    for (l = sf_credit_langs; l->lang != NULL; l++) {
        for (i = 0; l->lang[i] != '\0' && l->lang[i] == (char) prim[i]; i++) {
            /* void */
        }

        if (l->lang[i] == '\0' && prim[i] == '\0') {
            return l->tmpl;
        }
    }

    return NULL;
}


/* The longest built-in credit template: the stream sizes its render. */
size_t
sf_credit_lang_max(void)
{
    size_t                   n, max;
    const sf_credit_lang_t  *l;

    max = sf_stream_default_credit_len;

    for (l = sf_credit_langs; l->lang != NULL; l++) {
        n = strlen(l->tmpl);
        max = n > max ? n : max;
    }

    n = sizeof(sf_credit_zh_hant) - 1;

    return n > max ? n : max;
}


/* <html lang="..."> (or xml:lang): the wording of the credit. */
void
sf_stream_lang_tag(sf_stream_t *s, sf_tag_t *tag)
{
    size_t                n;
    const unsigned char  *v;

    if (tag->tag != SF_TAG_HTML || tag->end) {
        return;
    }

    v = sf_tag_attr(tag, "lang", &n);

    if (v == NULL) {
        v = sf_tag_attr(tag, "xml:lang", &n);
    }

    if (v != NULL && n > 0) {
        s->lang_credit = sf_credit_lang_find(v, n);
    }
}


void
sf_stream_set_lang(sf_stream_t *s, const char *lang, size_t len)
{
    if (s == NULL) {
        return;
    }

    s->lang_credit = (lang == NULL || len == 0)
                     ? NULL
                     : sf_credit_lang_find((const unsigned char *) lang, len);
}


int
sf_credit_template(const char *tmpl, size_t len, char *out, size_t cap,
    sf_error_t *err)
{
    size_t  i, n;

    if (tmpl == NULL || out == NULL || cap < len + 1) {
        if (err != NULL) {
            err->line = 0;
            err->column = 0;
            strcpy(err->message, "no room for the credit template");
        }

        return SF_ERROR;
    }

    n = 0;

    for (i = 0; i < len; i++) {

        if (tmpl[i] == '\0') {
            if (err != NULL) {
                err->line = 0;
                err->column = (unsigned) i + 1;
                strcpy(err->message, "a NUL byte in the credit template");
            }

            return SF_ERROR;
        }

        if (tmpl[i] != '%') {
            out[n++] = tmpl[i];
            continue;
        }

        if (i + 1 < len
            && (tmpl[i + 1] == 's' || tmpl[i + 1] == 'n'
                || tmpl[i + 1] == 'u' || tmpl[i + 1] == '%'))
        {
            out[n++] = '%';
            out[n++] = (tmpl[i + 1] == 's') ? 'n' : tmpl[i + 1];
            i++;
            continue;
        }

        if (err != NULL) {
            err->line = 0;
            err->column = (unsigned) i + 1;
            snprintf(err->message, sizeof(err->message),
                     "unknown \"%%%c\" in the credit template: use %%s for "
                     "the source name, %%u for its URL, %%%% for %%",
                     i + 1 < len ? tmpl[i + 1] : ' ');
        }

        return SF_ERROR;
    }

    out[n] = '\0';

    return SF_OK;
}
