
/*
 * ngx_http_syndication_lint.c: a warning at configuration time for a rule
 * that reads the block text without bounding its length.
 *
 * The engine normalizes a block only up to the longest bound of the rules
 * that look at its text (max-length, equals, template, title); one rule
 * without a bound makes it normalize every block whole (see "Speed:
 * bounded rules" in conf/rules/README.md).  The file has been parsed by
 * the engine already, so this scan of its lines only looks for directive
 * names at the start of a line: "rule", the conditions, "end".
 */


#include "ngx_http_syndication.h"


static ngx_int_t ngx_http_syndication_lint_word(u_char *p, u_char *last,
    const char *word);


void
ngx_http_syndication_lint(ngx_conf_t *cf, ngx_str_t *name, ngx_str_t *text)
{
    u_char      *p, *last, *eol, *id;
    size_t       id_len;
    ngx_uint_t   line, rule_line, reads, bounded, in_rule;

    static const char  *readers[] = {
        "contains", "any", "starts", "ends", "regex", NULL
    };

    static const char  *bounds[] = {
        "max-length", "equals", "template", "title", NULL
    };

    const char  **w;

    p = text->data;
    last = text->data + text->len;
    line = 0;
    rule_line = 0;
    id = NULL;
    id_len = 0;
    reads = 0;
    bounded = 0;
    in_rule = 0;

    while (p < last) {
        line++;

        eol = ngx_strlchr(p, last, '\n');
        if (eol == NULL) {
            eol = last;
        }

        while (p < eol && (*p == ' ' || *p == '\t')) {
            p++;
        }

        if (ngx_http_syndication_lint_word(p, eol, "rule") == NGX_OK) {
            in_rule = 1;
            rule_line = line;
            reads = 0;
            bounded = 0;

            for (id = p + 4; id < eol && (*id == ' ' || *id == '\t'); id++) {
                /* void */
            }

            for (id_len = 0; id + id_len < eol && id[id_len] > ' '; id_len++)
            {
                /* void */
            }

        } else if (in_rule
                   && ngx_http_syndication_lint_word(p, eol, "end") == NGX_OK)
        {
            in_rule = 0;

            if (reads && !bounded) {
                ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                                   "%V:%ui: rule \"%*s\" reads the block "
                                   "text without \"max-length\": every "
                                   "block is then normalized whole",
                                   name, rule_line, id_len, id);
            }

        } else if (in_rule) {
            for (w = readers; *w; w++) {
                if (ngx_http_syndication_lint_word(p, eol, *w) == NGX_OK) {
                    reads = 1;
                }
            }

            for (w = bounds; *w; w++) {
                if (ngx_http_syndication_lint_word(p, eol, *w) == NGX_OK) {
                    bounded = 1;
                }
            }
        }

        p = eol + 1;
    }
}


/* NGX_OK when the line at p starts with word followed by a blank or end */

static ngx_int_t
ngx_http_syndication_lint_word(u_char *p, u_char *last, const char *word)
{
    size_t  len;

    len = ngx_strlen(word);

    if ((size_t) (last - p) < len
        || ngx_strncmp(p, word, len) != 0)
    {
        return NGX_DECLINED;
    }

    if (p + len == last
        || p[len] == ' ' || p[len] == '\t' || p[len] == '\r'
        || p[len] == '#')
    {
        return NGX_OK;
    }

    return NGX_DECLINED;
}
