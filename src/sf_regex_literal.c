/*
 * sf_regex_literal.c: the longest literal a rule's regex cannot match
 * without, so that the prefilter can tell a regex rule out before PCRE2
 * runs.
 */

#include <string.h>

#include "sf_rules.h"


/* The length of "{m}", "{m,}", "{m,n}" at p, or 1 for a lone '{'. */
static size_t
sf_regex_brace(const unsigned char *p, size_t len)
{
    size_t  i;

    for (i = 1; i < len && ((p[i] >= '0' && p[i] <= '9') || p[i] == ',');
         i++)
    {
        /* void */
    }

    return (i < len && p[i] == '}' && i > 1) ? i + 1 : 1;
}


/* After an escape's letter or digit at p[i - 1]: past its arguments
 * (\x{..}, \p{..}, \g{..}, \x41, \012). */
static size_t
sf_regex_escape(const unsigned char *p, size_t len, size_t i)
{
    while (i < len
           && ((p[i] >= '0' && p[i] <= '9')
               || ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f')
               || p[i] == '{'))
    {
        if (p[i] == '{') {
            while (i < len && p[i] != '}') {
                i++;
            }
        }

        i++;
    }

    return i;
}


/* After the '[' of a character class at p[i - 1]: past its ']'. */
static size_t
sf_regex_class(const unsigned char *p, size_t len, size_t i)
{
    if (i < len && p[i] == '^') {
        i++;
    }

    if (i < len && p[i] == ']') {
        i++;
    }

    while (i < len && p[i] != ']') {
        if (p[i] == '\\') {
            i++;

        } else if (p[i] == '[' && i + 1 < len && p[i + 1] == ':') {
            while (i + 1 < len && !(p[i] == ':' && p[i + 1] == ']')) {
                i++;
            }

            i++;
        }

        i++;
    }

    return i + 1;
}


/*
 * The longest literal a regex cannot match without: a run of plain
 * characters at the top level of a pattern without top-level alternation
 * or option settings.  Only ever too short, never wrong: anything unsure
 * ends the run.  Writes it to out (pattern length) and returns its length.
 */
size_t
sf_regex_literal(const unsigned char *p, size_t len, unsigned char *out,
    unsigned char *run)
{
    int     depth;
    size_t  i, best, n;

    for (i = 0; i + 2 < len; i++) {
        if (p[i] == '(' && p[i + 1] == '?'
            && strchr(":=!<>|'P", p[i + 2]) == NULL)
        {
            return 0;
        }
    }

    depth = 0;
    best = 0;
    n = 0;
    i = 0;

#define sf_run_end()                                                          \
    if (n > best) {                                                           \
        memcpy(out, run, n);                                                  \
        best = n;                                                             \
    }                                                                         \
    n = 0

    while (i < len) {

        if (p[i] == '\\') {
            if (i + 1 == len) {
                return 0;
            }

            if (p[i + 1] == 'Q' || p[i + 1] == 'E') {
                /* \Q...\E: quoted, rare in rules: give up */
                return 0;
            }

            if ((p[i + 1] >= 'a' && p[i + 1] <= 'z')
                || (p[i + 1] >= 'A' && p[i + 1] <= 'Z')
                || (p[i + 1] >= '0' && p[i + 1] <= '9'))
            {
                sf_run_end();
                i = sf_regex_escape(p, len, i + 2);
                continue;
            }

            if (depth == 0) {
                run[n++] = p[i + 1];
            }

            i += 2;
            goto quantifier;
        }

        if (p[i] == '[') {
            sf_run_end();
            i = sf_regex_class(p, len, i + 1);
            continue;
        }

        if (p[i] == '(') {
            sf_run_end();
            depth++;
            i++;
            continue;
        }

        if (p[i] == ')') {
            if (depth == 0) {
                return 0;
            }

            depth--;
            i++;
            continue;
        }

        if (p[i] == '|' && depth == 0) {
            return 0;
        }

        if (depth > 0 || p[i] == '.' || p[i] == '^' || p[i] == '$'
            || p[i] == '|')
        {
            sf_run_end();
            i++;
            continue;
        }

        if (p[i] == '?' || p[i] == '*' || p[i] == '+' || p[i] == '{') {
            sf_run_end();
            i += (p[i] == '{') ? sf_regex_brace(p + i, len - i) : 1;
            continue;
        }

        run[n++] = p[i++];

        /* a multi-byte character is one atom for a quantifier */
        while (i < len && (p[i] & 0xc0) == 0x80) {
            run[n++] = p[i++];
        }

    quantifier:

        if (i < len && depth == 0
            && (p[i] == '?' || p[i] == '*' || p[i] == '+' || p[i] == '{'))
        {
            /* the last character is optional or repeated: not in the run */
            while (n > 0 && (run[n - 1] & 0xc0) == 0x80) {
                n--;
            }

            if (n > 0) {
                n--;
            }

            sf_run_end();
        }
    }

    sf_run_end();

#undef sf_run_end

    return best;
}
