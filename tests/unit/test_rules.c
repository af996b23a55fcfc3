/*
 * test_rules.c: the rule language parser and compiler: errors with their
 * exact position, several texts, the built-in pack (and whether
 * src/sf_builtin_rules.c is stale), allocation failures.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <cmocka.h>

#include "sf_rules.h"
#include "sf_test_util.h"


static sf_test_alloc_t  actx;
static sf_allocator_t   alloc = { sf_test_alloc, sf_test_free, &actx };
static sf_limits_t      limits = { 65536, 16384, 64, 100000, 1000, 1024,
                                       0, 0, 0 };


static sf_rules_t *
new_rules(void)
{
    sf_rules_t  *rules;

    memset(&actx, 0, sizeof(actx));
    rules = sf_rules_create(&alloc, &limits);
    assert_non_null(rules);

    return rules;
}


static void
done_rules(sf_rules_t *rules)
{
    sf_rules_destroy(rules);
    assert_int_equal(actx.live, 0);
}


/* Adds text, expecting an error at line:column with msg in it. */
static void
expect_error(const char *text, unsigned line, unsigned column,
    const char *msg)
{
    sf_error_t   err;
    sf_rules_t  *rules;

    rules = new_rules();

    if (sf_rules_add(rules, text, strlen(text), &err) != SF_ERROR) {
        fail_msg("no error for:\n%s", text);
    }

    if (err.line != line || err.column != column
        || strstr(err.message, msg) == NULL)
    {
        fail_msg("got %u:%u: %s\nwant %u:%u: ...%s...", err.line,
                 err.column, err.message, line, column, msg);
    }

    assert_int_equal(sf_rules_count(rules), 0);
    done_rules(rules);
}


static void
test_errors(void **state)
{
    size_t  i;

    static const struct {
        const char  *text;
        unsigned     line;
        unsigned     column;
        const char  *msg;
    } cases[] = {
        { "rule a\n    contain \"x\"\n    action drop\nend\n",
          2, 5, "unknown directive \"contain\"" },
        { "# c\nfrobnicate\n", 2, 1, "unknown directive \"frobnicate\"" },
        { "rule a\n    contains \"abc\n    action drop\nend\n",
          2, 14, "unterminated string" },
        { "rule a\n    contains \"a\\\"bc\\\"\n",
          2, 14, "unterminated string" },
        { "rule a\n    links >= x2\n    action drop\nend\n",
          2, 14, "bad number \"x2\"" },
        { "rule a\n  max-length 0\n  action drop\nend\n",
          2, 14, "bad number \"0\"" },
        { "rule a\n  any 3 \"x\" \"y\"\n  action drop\nend\n",
          2, 7, "bad number \"3\"" },
        { "rule a\n  link-text 0 \"x\"\n  action drop\nend\n",
          2, 13, "bad number \"0\"" },
        { "rule a\n  action drop-source link one\nend\n",
          2, 27, "bad number \"one\"" },
        { "rule a\n  links > 2\n  action drop\nend\n",
          2, 9, "bad operator \">\"" },
        { "rule a\n    action drop\n", 1, 1, "\"end\" missing" },
        { "rule a\n  action drop\nrule b\n  action drop\nend\n",
          3, 1, "\"end\" missing" },
        { "contains \"x\"\n", 1, 1, "directive \"contains\" outside a rule" },
        { "\n  end\n", 2, 3, "directive \"end\" outside a rule" },
        { "rule a\n    regex \"(abc\"\n    action drop\nend\n",
          2, 5, "regex: missing closing parenthesis at offset 4" },
        { "rule a\n  regex \"a{2,1}\"\n  action drop\nend\n",
          2, 3, "regex: " },
        { "rule a\n    contains \"x\"\nend\n", 3, 1, "has no action" },
        { "rule a\n    scope p foo\n    action drop\nend\n",
          2, 13, "bad selector \"foo\"" },
        { "rule a\n    scope p. \n    action drop\nend\n",
          2, 11, "bad selector \"p.\"" },
        { "rule a\n    scope div.a.b\n    action drop\nend\n",
          2, 11, "bad selector \"div.a.b\"" },
        { "rule a b\n", 1, 8, "unexpected argument \"b\"" },
        { "rule a/b\n", 1, 6, "bad rule id \"a/b\"" },
        { "rule\n", 1, 1, "missing argument" },
        { "rule a\n  contains \"  \"\n  action drop\nend\n",
          2, 12, "empty phrase" },
        { "rule a\n  contains x\n  action drop\nend\n",
          2, 12, "expected a quoted phrase" },
        { "rule a\n  action drop\n  action drop\nend\n",
          3, 3, "duplicate action" },
        { "rule a\n  action explode\nend\n",
          2, 10, "unknown action \"explode\"" },
        { "rule a\n  action drop-source\nend\n", 2, 10, "needs \"link N\"" },
        { "rule a\n  action drop link 1\nend\n",
          2, 15, "unexpected argument \"link\"" },
        { "rule a\n  position last\n  action drop\nend\n",
          2, 12, "expected \"first\"" },
        { "rule a\n  escaped yes\n  action drop\nend\n",
          2, 11, "unexpected argument" },
        { "rule a\n  contains \"x\"y\n  action drop\nend\n",
          2, 15, "unexpected character after string" },
        { "rule a\n  template \"the post %x\"\n  action drop\nend\n",
          2, 12, "template: bad placeholder at offset 9" },
        { "rule a\n  template \"the post %\"\n  action drop\nend\n",
          2, 12, "template: bad placeholder" },
        { "rule a\n  template \"%0 x\"\n  action drop\nend\n",
          2, 12, "template: bad placeholder" },
        { "rule a\n  template \"on %*%1\"\n  action drop\nend\n",
          2, 12, "\"%*\" must be followed by text" },
        { "rule a\n  template \" . \"\n  action drop\nend\n",
          2, 12, "empty template" },
        { "rule a\n  template x\n  action drop\nend\n",
          2, 12, "expected a quoted template" },
        { "rule a\n  link-rel 1 \"no follow\"\n  action drop\nend\n",
          2, 14, "expected one word" },
        { "rule a\n  link-class 0 \"x\"\n  action drop\nend\n",
          2, 14, "bad number \"0\"" }
    };

    (void) state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        expect_error(cases[i].text, cases[i].line, cases[i].column,
                     cases[i].msg);
    }
}


static void
test_duplicate_id(void **state)
{
    sf_error_t   err;
    sf_rules_t  *rules;
    const char  *one = "rule a\n  action drop\nend\n";
    const char  *two = "rule b\n  action drop\nend\n\n# again\nrule a\n"
                       "  action drop\nend\n";

    (void) state;

    /* within one text */
    expect_error("rule x\n action drop\nend\nrule x\n action drop\nend\n",
                 4, 6, "duplicate rule id \"x\"");

    /* over several texts; the first text's rules stay */
    rules = new_rules();
    assert_int_equal(sf_rules_add(rules, one, strlen(one), &err), SF_OK);
    assert_int_equal(sf_rules_add(rules, two, strlen(two), &err), SF_ERROR);
    assert_int_equal(err.line, 6);
    assert_int_equal(err.column, 6);
    assert_non_null(strstr(err.message, "duplicate rule id \"a\""));
    assert_int_equal(sf_rules_count(rules), 1);

    /* b was rolled back with its text: it can come again */
    assert_int_equal(sf_rules_add(rules, two, 24, &err), SF_OK);
    assert_int_equal(sf_rules_count(rules), 2);
    assert_int_equal(sf_rules_compile(rules, &err), SF_OK);

    /* nothing after compile */
    assert_int_equal(sf_rules_add(rules, one, strlen(one), &err), SF_ERROR);
    done_rules(rules);
}


static void
test_readme_example(void **state)
{
    sf_error_t   err;
    sf_rules_t  *rules;
    const char  *text =
        "# Yoast SEO RSS footer, English\n"
        "rule yoast-footer-en\n"
        "    scope p div anon\n"
        "    regex \"^the post .+ (appeared first|first appeared) on .+$\"\n"
        "    links >= 2\n"
        "    action drop-source link 1 name 2\n"
        "end\n"
        "\n"
        "rule every-directive   # a comment after a directive\n"
        "    scope * p h2 anon .gnews \"#respond\" div.a \"div#b\" #x y\n"
        "    contains \"Le Beitrag\" \"L\xe2\x80\x99" "article\" "
        "\"say \\\"hi\\\" # not a comment\"\n"
        "    any 1 \"x\" \"y\"\n"
        "    equals \"x\"\n"
        "    starts \"x\"\n"
        "    ends \"x\"\n"
        "    regex \"a\\\\d\"\n"
        "    links = 0\n"
        "    links <= 3\n"
        "    link-text -1 \"x\"\n"
        "    link-href 1 \"News.Google.com\"\n"
        "    max-length 100\n"
        "    escaped\n"
        "    position first\n"
        "    title\n"
        "    action keep-source link -1 host\n"
        "end\n"
        "rule r2\n  action replace\nend\n"
        "rule r3\n  action replace link 2 name -1\nend\n"
        "rule r.4_x\r\n  action drop\r\nend\r\n";

    (void) state;

    rules = new_rules();
    assert_int_equal(sf_rules_add(rules, text, strlen(text), &err), SF_OK);
    assert_int_equal(sf_rules_count(rules), 5);
    assert_int_equal(sf_rules_compile(rules, &err), SF_OK);

    /* "#x" unquoted is a comment: only the quoted one is a selector */
    assert_int_equal(rules->rules[1]->nsel, 8);
    assert_true(rules->has_title);
    done_rules(rules);

    /* a byte order mark is skipped */
    rules = new_rules();
    assert_int_equal(sf_rules_add(rules, "\xef\xbb\xbfrule a\naction drop\n"
                                  "end\n", 26, &err), SF_OK);
    assert_int_equal(sf_rules_count(rules), 1);
    done_rules(rules);

    /* an empty text and a text of comments add nothing */
    rules = new_rules();
    assert_int_equal(sf_rules_add(rules, "", 0, &err), SF_OK);
    assert_int_equal(sf_rules_add(rules, "# x\n\n   # y", 12, &err), SF_OK);
    assert_int_equal(sf_rules_compile(rules, &err), SF_OK);
    assert_int_equal(sf_rules_count(rules), 0);
    done_rules(rules);
}


static void
test_builtin(void **state)
{
    sf_error_t   err;
    sf_rules_t  *rules;

    (void) state;

    rules = new_rules();

    if (sf_rules_add_builtin(rules, &err) != SF_OK) {
        fail_msg("built-in pack: %u:%u: %s", err.line, err.column,
                 err.message);
    }

    assert_int_equal(sf_rules_compile(rules, &err), SF_OK);

    if (sf_builtin_nfiles > 0) {
        assert_true(sf_rules_count(rules) > 0);
    }

    done_rules(rules);
}


static int
t_strcmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}


/* src/sf_builtin_rules.c must embed exactly the files of conf/rules. */
static void
test_builtin_fresh(void **state)
{
    DIR            *d;
    FILE           *f;
    char           *names[256], path[4096], *buf;
    size_t          n, i, len, nlen;
    const char     *dir;
    struct dirent  *e;

    (void) state;

    dir = getenv("SF_RULES_DIR");
    if (dir == NULL) {
        dir = "conf/rules";
    }

    d = opendir(dir);
    if (d == NULL) {
        fail_msg("cannot open %s (set SF_RULES_DIR)", dir);
    }

    n = 0;

    while ((e = readdir(d)) != NULL) {
        nlen = strlen(e->d_name);

        if (nlen > 6 && strcmp(e->d_name + nlen - 6, ".rules") == 0
            && n < 256)
        {
            names[n++] = strdup(e->d_name);
        }
    }

    closedir(d);
    qsort(names, n, sizeof(char *), t_strcmp);

    if (n != sf_builtin_nfiles) {
        fail_msg("%s has %zu .rules files, the built-in pack %zu: "
                 "run \"make rules\"", dir, n, sf_builtin_nfiles);
    }

    for (i = 0; i < n; i++) {
        if (strcmp(names[i], sf_builtin_files[i].name) != 0) {
            fail_msg("built-in file %zu is %s, not %s: run \"make rules\"",
                     i, sf_builtin_files[i].name, names[i]);
        }

        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        f = fopen(path, "rb");
        assert_non_null(f);

        buf = malloc(1024 * 1024);
        assert_non_null(buf);
        len = fread(buf, 1, 1024 * 1024, f);
        fclose(f);

        if (len != sf_builtin_files[i].len
            || memcmp(buf, sf_builtin_files[i].text, len) != 0)
        {
            fail_msg("%s differs from the built-in pack: run \"make rules\"",
                     path);
        }

        free(buf);
        free(names[i]);
    }
}


/* Every allocation of create, add and compile may fail: no leak, no crash. */
static void
test_alloc_failures(void **state)
{
    int          rc;
    long         n, total;
    sf_error_t   err;
    sf_rules_t  *rules;
    const char  *text =
        "rule a\n  scope p .x \"#y\"\n  contains \"one\" \"two\"\n"
        "  regex \"^the post .{2,40} first appeared on .+$\"\n"
        "  links >= 2\n  action drop-source link 1 name 2\nend\n"
        "rule b\n  scope \"#respond\"\n  action drop\nend\n"
        "rule c\n  title\n  any 1 \"x\" \"y\" \"one\"\n  action drop\nend\n";

    (void) state;

    /* count the allocations of a successful run */
    memset(&actx, 0, sizeof(actx));
    rules = sf_rules_create(&alloc, &limits);
    assert_non_null(rules);
    assert_int_equal(sf_rules_add(rules, text, strlen(text), &err), SF_OK);
    assert_int_equal(sf_rules_add_builtin(rules, &err), SF_OK);
    assert_int_equal(sf_rules_compile(rules, &err), SF_OK);
    total = actx.calls;
    sf_rules_destroy(rules);
    assert_int_equal(actx.live, 0);
    assert_true(total > 10);

    for (n = 1; n <= total; n++) {
        memset(&actx, 0, sizeof(actx));
        actx.fail_at = n;

        rules = sf_rules_create(&alloc, &limits);
        if (rules == NULL) {
            assert_int_equal(actx.live, 0);
            continue;
        }

        rc = sf_rules_add(rules, text, strlen(text), &err);

        if (rc == SF_OK) {
            rc = sf_rules_add_builtin(rules, &err);
        }

        if (rc == SF_OK) {
            rc = sf_rules_compile(rules, &err);
        }

        /* PCRE2's JIT may shrug off a failure of its own: then OK */
        if (rc != SF_OK) {
            assert_non_null(strstr(err.message, "memory"));
        }

        sf_rules_destroy(rules);

        if (actx.live != 0) {
            fail_msg("allocation %ld of %ld failed: %ld blocks leaked", n,
                     total, actx.live);
        }
    }
}


/* The page cleaned by rules, whole, as the stream gives it. */
static void
t_clean(const sf_rules_t *r, const char *page, sf_test_out_t *out)
{
    unsigned      seed;
    sf_options_t  opt;

    seed = 1;
    sf_options_init(&opt);
    assert_int_equal(sf_test_run(r, &opt, (const unsigned char *) page,
                                 strlen(page), 0, &seed, 65536, out), SF_OK);
}


/*
 * A compile that failed (out of memory at any of its allocations) can be
 * tried again: the second try succeeds and the rules clean a page exactly
 * as rules compiled at the first try.
 */
static void
test_compile_retry(void **state)
{
    long            n, before, total;
    sf_error_t      err;
    sf_rules_t     *rules, *fresh;
    sf_test_out_t   want, got;
    const char     *text =
        "rule a\n  scope p .x \"#y\"\n  contains \"one\" \"two\"\n"
        "  regex \"^the post .{2,40} first appeared on .+$\"\n"
        "  links >= 2\n  action drop-source link 1 name 2\nend\n"
        "rule b\n  scope \"#respond\"\n  action drop\nend\n"
        "rule c\n  title\n  any 1 \"x\" \"y\" \"one\"\n  action drop\nend\n";
    const char     *page =
        "<html><head><title>T</title></head><body><article>"
        "<p>Prose that stays, with <a href=\"https://a.ex/\">a link</a>.</p>"
        "<div id=\"respond\"><form><p>Leave a reply</p></form></div>"
        "<p>The post <a href=\"https://src.ex/a\">A story</a> first appeared"
        " on <a href=\"https://src.ex/\">Src</a>.</p>"
        "<p>Follow us on Google News</p>"
        "<p>one and two: the post <a href=\"https://s.ex/1\">Big news</a>"
        " first appeared on <a href=\"https://s.ex/\">S</a></p>"
        "</article></body></html>";

    (void) state;

    fresh = sf_test_rules(text, 1);
    assert_non_null(fresh);
    t_clean(fresh, page, &want);
    /* the comment form, the footer and the "follow us" line */
    assert_int_equal(want.stats.blocks_removed, 3);

    /* the allocations of a compile alone */
    memset(&actx, 0, sizeof(actx));
    rules = sf_rules_create(&alloc, &limits);
    assert_non_null(rules);
    assert_int_equal(sf_rules_add(rules, text, strlen(text), &err), SF_OK);
    assert_int_equal(sf_rules_add_builtin(rules, &err), SF_OK);
    before = actx.calls;
    assert_int_equal(sf_rules_compile(rules, &err), SF_OK);
    total = actx.calls - before;
    sf_rules_destroy(rules);
    assert_true(total > 3);

    for (n = 1; n <= total; n++) {
        memset(&actx, 0, sizeof(actx));
        rules = sf_rules_create(&alloc, &limits);
        assert_non_null(rules);
        assert_int_equal(sf_rules_add(rules, text, strlen(text), &err),
                         SF_OK);
        assert_int_equal(sf_rules_add_builtin(rules, &err), SF_OK);

        actx.fail_at = actx.calls + n;

        if (sf_rules_compile(rules, &err) == SF_OK) {
            /* PCRE2's JIT may shrug off a failure of its own */
            sf_rules_destroy(rules);
            continue;
        }

        actx.fail_at = 0;

        if (sf_rules_compile(rules, &err) != SF_OK) {
            fail_msg("allocation %ld of %ld failed: the retry fails: %s",
                     n, total, err.message);
        }

        t_clean(rules, page, &got);

        if (got.len != want.len || memcmp(got.data, want.data, got.len) != 0
            || got.stats.blocks_removed != want.stats.blocks_removed)
        {
            fail_msg("allocation %ld of %ld failed: after the retry the page"
                     " comes out as\n%.*s\nnot\n%.*s", n, total,
                     (int) got.len, got.data, (int) want.len, want.data);
        }

        sf_test_out_free(&got);
        sf_rules_destroy(rules);

        if (actx.live != 0) {
            fail_msg("allocation %ld of %ld failed: %ld blocks leaked", n,
                     total, actx.live);
        }
    }

    sf_test_out_free(&want);
    sf_rules_destroy(fresh);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_duplicate_id),
        cmocka_unit_test(test_readme_example),
        cmocka_unit_test(test_builtin),
        cmocka_unit_test(test_builtin_fresh),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_compile_retry),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
