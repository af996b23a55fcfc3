/*
 * test_feed.c: RSS and Atom feeds (sf_feed_*), the stream reset and the
 * given title, the credit in the page's language, the credit template.
 *
 * Every feed runs whole, byte by byte and in random chunks through output
 * windows of 1, 7 and 4096 bytes; all outputs must be the same.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sf_test_util.h"


static sf_rules_t  *builtin;
static sf_rules_t  *norules;
static sf_rules_t  *active;         /* run() with these, NULL: builtin */


typedef struct {
    unsigned char        *data;
    size_t                len;
    size_t                cap;
} buf_t;


static void
buf_add(buf_t *b, const unsigned char *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = realloc(b->data, b->cap);
        assert_non_null(b->data);
    }

    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}


/*
 * One run: chunk 0 whole, (size_t) -1 random sizes; out_size bytes of
 * output space per call.  Checks the cursor contract as it goes: SF_BUSY
 * only with the output space used up, SF_OK only with the input used up.
 */
static void
run(const sf_options_t *opt, unsigned flags, const char *in, size_t len,
    size_t chunk, size_t out_size, unsigned *seed, buf_t *out,
    sf_stats_t *stats, unsigned *items)
{
    int             rc;
    size_t          n, off;
    unsigned        f;
    sf_io_t         io;
    sf_feed_t      *feed;
    unsigned char  *ob;

    feed = sf_feed_create(active != NULL ? active : builtin, opt,
                          &sf_malloc_allocator, flags);
    assert_non_null(feed);

    ob = malloc(out_size);
    assert_non_null(ob);
    memset(out, 0, sizeof(buf_t));
    off = 0;
    rc = SF_OK;

    do {
        if (chunk == (size_t) -1) {
            n = 1 + (size_t) (rand_r(seed) % 97);

        } else {
            n = chunk ? chunk : len;
        }

        n = (len - off) < n ? (len - off) : n;
        io.next_in = (const unsigned char *) in + off;
        io.avail_in = n;
        off += n;
        f = (off == len) ? SF_FINISH : 0;

        do {
            io.next_out = ob;
            io.avail_out = out_size;
            rc = sf_feed_feed(feed, &io, f);
            assert_int_not_equal(rc, SF_ERROR);

            if (rc == SF_BUSY) {
                assert_int_equal(io.avail_out, 0);
            }

            if (rc == SF_OK) {
                assert_int_equal(io.avail_in, 0);
            }

            buf_add(out, ob, (size_t) (io.next_out - ob));
        } while (rc == SF_BUSY);

    } while (off < len);

    assert_int_equal(rc, SF_DONE);

    if (stats != NULL) {
        *stats = *sf_feed_stats(feed);
    }

    if (items != NULL) {
        *items = sf_feed_items(feed);
    }

    assert_false(sf_feed_holding(feed));
    sf_feed_destroy(feed);
    free(ob);
}


/* Every chunking gives the same output; that output is returned. */
static buf_t
check_all(const sf_options_t *opt, unsigned flags, const char *in,
    sf_stats_t *stats)
{
    size_t     i, j, len;
    unsigned   seed;
    buf_t      whole, other;
    const size_t  outs[] = { 1, 7, 4096 };
    const size_t  chunks[] = { 0, 1, (size_t) -1, (size_t) -1 };

    len = strlen(in);
    seed = 12345;
    run(opt, flags, in, len, 0, 65536, &seed, &whole, stats, NULL);

    for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        for (j = 0; j < sizeof(outs) / sizeof(outs[0]); j++) {
            /* byte by byte through a 1-byte window: long, once is enough */
            if (chunks[i] == 1 && outs[j] == 1 && len > 20000) {
                continue;
            }

            run(opt, flags, in, len, chunks[i], outs[j], &seed, &other,
                NULL, NULL);

            if (other.len != whole.len
                || memcmp(other.data, whole.data, whole.len) != 0)
            {
                fprintf(stderr, "chunk %zu out %zu differs:\n%s\n---\n%s\n",
                        chunks[i], outs[j], whole.data, other.data);
                fail();
            }

            free(other.data);
        }
    }

    return whole;
}


static void
assert_contains(const buf_t *b, const char *s)
{
    if (strstr((const char *) b->data, s) == NULL) {
        fprintf(stderr, "missing: %s\nin:\n%s\n", s, b->data);
        fail();
    }
}


static void
assert_lacks(const buf_t *b, const char *s)
{
    if (strstr((const char *) b->data, s) != NULL) {
        fprintf(stderr, "present: %s\nin:\n%s\n", s, b->data);
        fail();
    }
}


static void
assert_same(const char *in, const buf_t *b)
{
    if (b->len != strlen(in) || memcmp(b->data, in, b->len) != 0) {
        fprintf(stderr, "not identical:\n%s\n---\n%s\n", in, b->data);
        fail();
    }
}


#define RSS_HEAD                                                             \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                           \
    "<rss version=\"2.0\" "                                                  \
    "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\n"          \
    "<channel><title>Harbour &amp; Hill</title>\n"

#define RSS_TAIL  "</channel>\n</rss>\n"


static const char  clean_cdata[] =
    RSS_HEAD
    "<item><title>Tide tables &#8211; spring</title>"
    "<link>https://hh.example/tides/?a=1&amp;b=2</link>"
    "<guid isPermaLink=\"false\">https://hh.example/?p=7</guid>\n"
    "  <description>  <![CDATA[<p>The tide tables for spring are out.</p>"
    "<p>Code: a[b[0]]]]><![CDATA[>c</p>]]>\n  </description>\n"
    "  <content:encoded><![CDATA[<p>Long text &amp; more.</p>]]>"
    "</content:encoded>\n"
    "  <description/>\n"
    "</item>\n"
    RSS_TAIL;


/* Escaped text, spelled in several ways a feed generator may use. */
static const char  clean_escaped[] =
    RSS_HEAD
    "<item><title>Quay works</title>\n"
    "<description>&lt;p class=&quot;lead&quot;&gt;It&#039;s the "
    "harbour&#8217;s turn &amp;amp; the hill&#x27;s &#60;b&#62;next"
    "&#60;/b&#62;.&lt;/p&gt;\n&lt;p&gt;caf\xc3\xa9 5 > 3 "
    "&amp;nbsp;&lt;/p&gt;</description>\n"
    "</item>\n"
    "<item><title>Two</title><description>&lt;p&gt;Numbers &#8212; "
    "caf&#233; &#x2014;&lt;/p&gt;</description></item>\n"
    RSS_TAIL;


static const char  clean_atom[] =
    "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<!-- generated -->\n"
    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n"
    "  <title type=\"text\">Hill news</title>\n"
    "  <entry>\n"
    "    <title>Bridge repaired</title>\n"
    "    <link rel=\"alternate\" href=\"https://hill.example/bridge/\"/>\n"
    "    <id>tag:hill.example,2024:1</id>\n"
    "    <summary type=\"html\">&lt;p&gt;The bridge is open.&lt;/p&gt;"
    "</summary>\n"
    "    <content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
    "<p>The post <a href=\"https://x.example/a\">Bridge repaired</a> "
    "appeared first on <a href=\"https://x.example\">X</a>.</p></div>"
    "</content>\n"
    "  </entry>\n"
    "</feed>\n";


static void
test_clean_feeds_identical(void **state)
{
    buf_t       out;
    sf_stats_t  st;

    (void) state;

    out = check_all(NULL, 0, clean_cdata, &st);
    assert_same(clean_cdata, &out);
    assert_int_equal(st.blocks_removed, 0);
    free(out.data);

    out = check_all(NULL, 0, clean_escaped, NULL);
    assert_same(clean_escaped, &out);
    free(out.data);

    /* an xhtml content is XML, not escaped HTML: untouched */
    out = check_all(NULL, 0, clean_atom, NULL);
    assert_same(clean_atom, &out);
    free(out.data);
}


static const char  footer_feed[] =
    RSS_HEAD
    "<item><title>Ferry timetable changes</title>"
    "<link>https://agg.example/ferry/</link>"
    "<guid>https://agg.example/?p=1</guid>\n"
    "<description><![CDATA[<p>The ferry leaves earlier from May.</p>\n"
    "<p>The post <a rel=\"nofollow\" href=\"https://coastpost.example/ferry/"
    "\">Ferry timetable changes</a> appeared first on <a rel=\"nofollow\" "
    "href=\"https://coastpost.example\">Coast Post</a>.</p>\n]]>"
    "</description>\n"
    "<content:encoded>&lt;p&gt;The ferry leaves earlier from May, "
    "says the port&#039;s office.&lt;/p&gt;\n&lt;p&gt;The post &lt;a "
    "href=&quot;https://coastpost.example/ferry/?x=1&amp;amp;y=2&quot;&gt;"
    "Ferry timetable changes&lt;/a&gt; appeared first on &lt;a href=&quot;"
    "https://coastpost.example&quot;&gt;Coast &amp;amp; Post&lt;/a&gt;."
    "&lt;/p&gt;</content:encoded>\n"
    "</item>\n"
    "<item><title>Market day</title><link>https://agg.example/market/</link>"
    "<description><![CDATA[<p>The market is on Saturday.</p>]]>"
    "</description></item>\n"
    RSS_TAIL;


static void
test_footers_removed_and_credited(void **state)
{
    buf_t       out;
    sf_stats_t  st;

    (void) state;

    out = check_all(NULL, 0, footer_feed, &st);

    assert_lacks(&out, "appeared first on");
    assert_int_equal(st.blocks_removed, 2);
    assert_int_equal(st.credits, 2);

    /* in CDATA: the credit as HTML */
    assert_contains(&out, "<![CDATA[<p>The ferry leaves earlier from May."
                    "</p>\n<p class=\"syndication-source\">Originally "
                    "published by <a href=\"https://coastpost.example/ferry/"
                    "\">Coast Post</a></p>\n]]></description>");

    /* escaped: the credit escaped as the feed escapes, quotes included */
    assert_contains(&out, "says the port&#039;s office.&lt;/p&gt;\n&lt;p "
                    "class=&quot;syndication-source&quot;&gt;Originally "
                    "published by &lt;a href=&quot;https://coastpost.example"
                    "/ferry/?x=1&amp;amp;y=2&quot;&gt;Coast &amp;amp; Post"
                    "&lt;/a&gt;&lt;/p&gt;</content:encoded>");

    /* outside the HTML: byte for byte */
    assert_contains(&out, "<link>https://agg.example/ferry/</link>"
                    "<guid>https://agg.example/?p=1</guid>");
    assert_contains(&out, "<item><title>Market day</title><link>https://"
                    "agg.example/market/</link><description><![CDATA[<p>The "
                    "market is on Saturday.</p>]]></description></item>\n"
                    RSS_TAIL);
    assert_contains(&out, RSS_HEAD);
    free(out.data);
}


/*
 * Characters spelled otherwise than the feed's usual way, before a footer
 * that is removed: kept as they came, under every chunking (the stream's
 * first change is where its output stops being its input, whenever the
 * reader learns of it).
 */
static void
test_mixed_spellings_before_a_footer(void **state)
{
    buf_t        out;
    sf_stats_t   st;
    const char  *in;

    (void) state;

    in = RSS_HEAD
         "<item><title>Quay works</title><description>&lt;p&gt;Tides "
         "type=\"high\">low &#62; &#x3E; caf&#233; caf\xc3\xa9&lt;/p&gt;"
         "&lt;p&gt;The post &lt;a href=\"https://q.example/w\"&gt;Quay "
         "works&lt;/a&gt; appeared first on &lt;a href=\"https://q.example"
         "\"&gt;Q&lt;/a&gt;.&lt;/p&gt;&lt;p&gt;after &#62; >&lt;/p&gt;"
         "</description></item>" RSS_TAIL;

    out = check_all(NULL, 0, in, &st);
    assert_int_equal(st.blocks_removed, 1);
    assert_contains(&out, "&lt;p&gt;Tides type=\"high\">low &#62; &#x3E; "
                    "caf&#233; caf\xc3\xa9&lt;/p&gt;&lt;p class=");
    free(out.data);

    /*
     * A character first spelled after the footer ('"' as "&quot;"), one
     * in a reference that is no XML ("&#0x'"): the credit is spelled with
     * what was read up to the footer's end, whatever the reader had read
     * ahead of the output.
     */
    in = RSS_HEAD
         "<item><title>Quay works</title><description>&lt;p&gt;a &#0x' b "
         "&#039;&lt;/p&gt;&lt;p&gt;The post &lt;a href='https://q.example/w"
         "'&gt;Quay works&lt;/a&gt; appeared first on &lt;a href='https://"
         "q.example'&gt;Q&lt;/a&gt;.&lt;/p&gt;&lt;p&gt;&quot;late&quot;"
         "&lt;/p&gt;</description></item>" RSS_TAIL;

    out = check_all(NULL, 0, in, &st);
    assert_int_equal(st.blocks_removed, 1);
    assert_contains(&out, "&lt;p&gt;a &#0x' b &#039;&lt;/p&gt;&lt;p class="
                    "\"syndication-source\"&gt;");
    /* first spelled after the change: the default spelling, every time */
    assert_contains(&out, "&lt;p&gt;\"late\"&lt;/p&gt;");
    free(out.data);
}


/* The stripped footer is told by the item's title: each item its own. */
static const char  stripped_feed[] =
    RSS_HEAD
    "<item><title>Lighthouse reopens</title><description><![CDATA["
    "<p>The lighthouse reopens to visitors.</p>"
    "<p>The post Lighthouse reopens appeared first on Coast Post.</p>]]>"
    "</description></item>\n"
    "<item><title>Pier closed</title><description><![CDATA["
    "<p>The pier is closed for repairs.</p>"
    "<p>The post Lighthouse reopens appeared first on Coast Post.</p>]]>"
    "</description></item>\n"
    RSS_TAIL;


/*
 * Many characters against the learned spelling in one element: the first
 * 256 keep theirs, the rest are spelled the learned way, the same under
 * every chunking; an element with fewer comes out byte for byte.
 */
static void
test_many_spellings(void **state)
{
    int     i;
    buf_t   in, out;

    (void) state;

    memset(&in, 0, sizeof(buf_t));
    buf_add(&in, (const unsigned char *) RSS_HEAD, sizeof(RSS_HEAD) - 1);
    buf_add(&in, (const unsigned char *) "<item><title>Q</title>"
            "<description>&lt;p&gt;\"", 45);

    for (i = 0; i < 200; i++) {
        buf_add(&in, (const unsigned char *) " &quot;", 7);
    }

    buf_add(&in, (const unsigned char *) "&lt;/p&gt;</description></item>"
            RSS_TAIL, 31 + sizeof(RSS_TAIL) - 1);

    out = check_all(NULL, 0, (const char *) in.data, NULL);
    assert_same((const char *) in.data, &out);
    free(out.data);
    free(in.data);

    memset(&in, 0, sizeof(buf_t));
    buf_add(&in, (const unsigned char *) RSS_HEAD, sizeof(RSS_HEAD) - 1);
    buf_add(&in, (const unsigned char *) "<item><title>Q</title>"
            "<description>&lt;p&gt;\"", 45);

    for (i = 0; i < 700; i++) {
        buf_add(&in, (const unsigned char *) " &quot;", 7);
    }

    buf_add(&in, (const unsigned char *) "&lt;/p&gt;&lt;p&gt;The post "
            "&lt;a href=\"https://q.example/w\"&gt;Q&lt;/a&gt; appeared "
            "first on &lt;a href=\"https://q.example\"&gt;Q&lt;/a&gt;."
            "&lt;/p&gt;</description></item>" RSS_TAIL,
            strlen("&lt;/p&gt;&lt;p&gt;The post &lt;a href=\"https://"
                   "q.example/w\"&gt;Q&lt;/a&gt; appeared first on &lt;a "
                   "href=\"https://q.example\"&gt;Q&lt;/a&gt;.&lt;/p&gt;"
                   "</description></item>" RSS_TAIL));

    out = check_all(NULL, 0, (const char *) in.data, NULL);
    assert_lacks(&out, "appeared first");
    free(out.data);
    free(in.data);
}


static void
test_item_title_is_the_page_title(void **state)
{
    buf_t  out;

    (void) state;

    out = check_all(NULL, 0, stripped_feed, NULL);

    /* item 1: its own title, removed; item 2: another item's, kept */
    assert_contains(&out, "<p>The lighthouse reopens to visitors.</p>]]>");
    assert_contains(&out, "<p>The pier is closed for repairs.</p>"
                    "<p>The post Lighthouse reopens appeared first on "
                    "Coast Post.</p>]]>");
    free(out.data);
}


static const char  atom_footer[] =
    "<?xml version=\"1.0\"?>\n"
    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"de-DE\">"
    "<entry><title type=\"html\">Neue Radwege</title>"
    "<link href=\"https://agg.example/radwege/\"/>"
    "<summary type=\"html\"><![CDATA[<p>Kurz: neue Radwege.</p>"
    "<p>Der Beitrag <a href=\"https://rhein.example/radwege/\">Neue "
    "Radwege</a> erschien zuerst auf <a href=\"https://rhein.example/\">"
    "Rhein Blatt</a>.</p>]]></summary>"
    "<content type=\"html\" xml:base=\"https://agg.example/\">&lt;p&gt;"
    "Lang: neue Radwege.&lt;/p&gt;&lt;p&gt;Der Beitrag &lt;a href=\""
    "https://rhein.example/radwege/\"&gt;Neue Radwege&lt;/a&gt; erschien "
    "zuerst auf &lt;a href=\"https://rhein.example/\"&gt;Rhein Blatt"
    "&lt;/a&gt;.&lt;/p&gt;</content>"
    "<content type=\"text\">Der Beitrag erschien zuerst auf X.</content>"
    "</entry></feed>";


static void
test_atom_and_feed_language(void **state)
{
    buf_t       out;
    sf_stats_t  st;

    (void) state;

    out = check_all(NULL, 0, atom_footer, &st);
    assert_int_equal(st.blocks_removed, 2);
    assert_lacks(&out, "erschien zuerst auf &lt;a");
    assert_lacks(&out, "erschien zuerst auf <a");
    /* the feed's xml:lang: the German credit, in both escapings */
    assert_contains(&out, "<p class=\"syndication-source\">Urspr\xc3\xbc"
                    "nglich ver\xc3\xb6" "ffentlicht von <a href=\"https://"
                    "rhein.example/radwege/\">Rhein Blatt</a></p>]]>"
                    "</summary>");
    assert_contains(&out, "&lt;p class=\"syndication-source\"&gt;");
    /* a text content is not HTML */
    assert_contains(&out, "<content type=\"text\">Der Beitrag erschien "
                    "zuerst auf X.</content>");
    free(out.data);
}


/* What the feed layer does not expect ends the cleaning, not the feed. */
static void
test_unexpected_markup_passes(void **state)
{
    buf_t        out;
    const char  *in;

    (void) state;

    in = RSS_HEAD
         "<item><title>T</title><description><![CDATA[<p>one</p>]]>"
         "<!-- c --><![CDATA[<p>two</p>]]></description>"
         "<description>&lt;p&gt;x&lt;/p&gt;<b>bold</b> &amp; y"
         "</description></item>" RSS_TAIL;

    out = check_all(NULL, 0, in, NULL);
    assert_same(in, &out);
    free(out.data);
}


/* A feed cut short: what came goes out, nothing is made up. */
static void
test_truncated(void **state)
{
    buf_t        out;
    const char  *cuts[] = {
        RSS_HEAD "<item><title>T</title><description><![CDATA[<p>one</p>",
        RSS_HEAD "<item><title>T</title><description>&lt;p&gt;one &am",
        RSS_HEAD "<item><title>T</title><description><![CDATA[<p>a]]",
        RSS_HEAD "<item><title>T</title><description>&lt;p&gt;one</desc",
        RSS_HEAD "<item><title>T</ti",
        "<rss><!-- open comm",
    };
    size_t       i;

    (void) state;

    for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        out = check_all(NULL, 0, cuts[i], NULL);
        assert_same(cuts[i], &out);
        free(out.data);
    }
}


/* Report mode changes no byte, even where re-escaping would. */
static void
test_report_mode(void **state)
{
    buf_t          out;
    sf_stats_t     st;
    sf_options_t   opt;
    const char    *in;

    (void) state;

    sf_options_init(&opt);
    opt.report = 1;

    out = check_all(&opt, 0, footer_feed, &st);
    assert_same(footer_feed, &out);
    assert_int_equal(st.rules_fired, 2);
    free(out.data);

    /* CDATA sections with white space between: merged when cleaning */
    in = RSS_HEAD "<item><title>T</title><description><![CDATA[<p>a</p>]]> "
         "<![CDATA[<p>b</p>]]></description></item>" RSS_TAIL;
    out = check_all(&opt, SF_FEED_SNIFF, in, NULL);
    assert_same(in, &out);
    free(out.data);
}


static void
test_sniff(void **state)
{
    buf_t        out;
    sf_stats_t   st;
    const char  *page;

    (void) state;

    /* an XML body that is no feed: through, however it looks inside */
    page = "<?xml version=\"1.0\"?><sitemap><item><description>&lt;p&gt;"
           "The post &lt;a href=\"https://a.example/x\"&gt;X&lt;/a&gt; "
           "appeared first on &lt;a href=\"https://a.example\"&gt;A&lt;/a&gt;"
           ".&lt;/p&gt;</description></item></sitemap>";
    out = check_all(NULL, SF_FEED_SNIFF, page, &st);
    assert_same(page, &out);
    free(out.data);

    /* a feed is cleaned the same with or without sniffing */
    out = check_all(NULL, SF_FEED_SNIFF, footer_feed, &st);
    assert_int_equal(st.blocks_removed, 2);
    assert_lacks(&out, "appeared first on");
    free(out.data);

    out = check_all(NULL, SF_FEED_SNIFF, "", NULL);
    assert_int_equal(out.len, 0);
    free(out.data);

    out = check_all(NULL, SF_FEED_SNIFF, "  <rs", NULL);
    assert_same("  <rs", &out);
    free(out.data);
}


static void
test_detect(void **state)
{
    (void) state;

#define detect(s)  sf_feed_detect((const unsigned char *) s, sizeof(s) - 1)

    assert_int_equal(detect("<rss version=\"2.0\">"), SF_FEED_YES);
    assert_int_equal(detect("\xef\xbb\xbf\n<?xml version=\"1.0\"?>\n"
                            "<?xml-stylesheet href=\"a.xsl\"?>\n"
                            "<!-- <rss> -->\n<!DOCTYPE rss [<!ENTITY a "
                            "\"b\">]>\n<rss>"), SF_FEED_YES);
    assert_int_equal(detect("<feed xmlns=\"http://www.w3.org/2005/Atom\">"),
                     SF_FEED_YES);
    assert_int_equal(detect("<rdf:RDF xmlns:rdf=\"x\">"), SF_FEED_YES);
    assert_int_equal(detect("<rss/>"), SF_FEED_YES);
    assert_int_equal(detect("<html><rss>"), SF_FEED_NO);
    assert_int_equal(detect("<rssx>"), SF_FEED_NO);
    assert_int_equal(detect("<feedback>"), SF_FEED_NO);
    assert_int_equal(detect("<!DOCTYPE html><html>"), SF_FEED_NO);
    assert_int_equal(detect("text"), SF_FEED_NO);
    assert_int_equal(detect("<?xml version=\"1.0\"?>"), SF_FEED_MORE);
    assert_int_equal(detect("<!-- a comment not closed"), SF_FEED_MORE);
    assert_int_equal(detect("<fe"), SF_FEED_MORE);
    assert_int_equal(detect("<rss"), SF_FEED_MORE);
    assert_int_equal(detect(""), SF_FEED_MORE);

#undef detect
}


/*
 * Memory is fixed at create time: a feed of 3,000 items, one of them with
 * 200 KiB of HTML, allocates nothing after sf_feed_create().
 */
static void
test_memory_bounded(void **state)
{
    int              rc;
    size_t           i, len;
    long             calls;
    char            *in, *p;
    sf_io_t          io;
    sf_feed_t       *feed;
    sf_test_alloc_t  counter;
    sf_allocator_t   alloc;
    unsigned char    ob[4096];

    (void) state;

    len = 3000 * 600 + 300000;
    in = malloc(len);
    assert_non_null(in);
    p = in;
    p += sprintf(p, "%s", RSS_HEAD);

    for (i = 0; i < 3000; i++) {
        p += sprintf(p, "<item><title>Item %zu</title><link>https://a.example"
                     "/%zu</link><description><![CDATA[<p>Body %zu.</p><p>The "
                     "post <a href=\"https://s.example/%zu\">Item %zu</a> "
                     "appeared first on <a href=\"https://s.example\">S</a>."
                     "</p>]]></description></item>\n", i, i, i, i, i);

        if (i == 1500) {
            size_t  k;

            p += sprintf(p, "<item><title>Big</title><description>");

            for (k = 0; k < 200000 / 40; k++) {
                p += sprintf(p, "&lt;p&gt;a long paragraph %05zu&lt;/p&gt;",
                             k);
            }

            p += sprintf(p, "</description></item>\n");
        }
    }

    p += sprintf(p, "%s", RSS_TAIL);
    len = (size_t) (p - in);

    memset(&counter, 0, sizeof(counter));
    alloc.alloc = sf_test_alloc;
    alloc.free = sf_test_free;
    alloc.ctx = &counter;

    feed = sf_feed_create(builtin, NULL, &alloc, SF_FEED_SNIFF);
    assert_non_null(feed);
    calls = counter.calls;

    io.next_in = (unsigned char *) in;
    io.avail_in = len;

    do {
        io.next_out = ob;
        io.avail_out = sizeof(ob);
        rc = sf_feed_feed(feed, &io, SF_FINISH);
    } while (rc == SF_BUSY);

    assert_int_equal(rc, SF_DONE);
    assert_int_equal(counter.calls, calls);
    assert_int_equal(sf_feed_stats(feed)->blocks_removed, 3000);
    assert_int_equal(sf_feed_items(feed), 3001);

    fprintf(stderr, "feed memory: %zu bytes (stream included), feed of "
            "%zu bytes\n", sf_feed_stats(feed)->memory, len);
    assert_true(sf_feed_stats(feed)->memory < 128 * 1024);

    sf_feed_destroy(feed);
    assert_int_equal(counter.live, 0);
    free(in);
}


static void
test_create_failures(void **state)
{
    long             n;
    sf_feed_t       *feed;
    sf_test_alloc_t  counter;
    sf_allocator_t   alloc;

    (void) state;

    alloc.alloc = sf_test_alloc;
    alloc.free = sf_test_free;
    alloc.ctx = &counter;

    for (n = 1; n < 40; n++) {
        memset(&counter, 0, sizeof(counter));
        counter.fail_at = n;
        feed = sf_feed_create(builtin, NULL, &alloc, SF_FEED_SNIFF);

        if (feed != NULL) {
            sf_feed_destroy(feed);
        }

        assert_int_equal(counter.live, 0);
    }
}


/* ---- the stream: reset, given title, language of the credit ----------- */


static const char  de_page[] =
    "<!DOCTYPE html><html lang=\"de-DE\"><head><title>Neue Radwege</title>"
    "</head><body><article><p>Der Rat hat entschieden.</p>"
    "<p>Der Beitrag <a href=\"https://rhein.example/radwege/\">Neue Radwege"
    "</a> erschien zuerst auf <a href=\"https://rhein.example/\">Rhein Blatt"
    "</a>.</p></article></body></html>";


static sf_test_out_t
page(const char *lang_html, const char *tmpl)
{
    char           buf[2048];
    sf_options_t   opt;
    sf_test_out_t  out;

    snprintf(buf, sizeof(buf),
             "<html%s><head><title>Quay works</title></head><body><p>Text "
             "of the article.</p><p>The post <a href=\"https://q.example/w\">"
             "Quay works</a> appeared first on <a href=\"https://q.example\">"
             "Q &amp; A</a>.</p></body></html>", lang_html);

    sf_options_init(&opt);
    opt.credit_template = tmpl;
    sf_test_check(builtin, &opt, buf, strlen(buf), NULL, 0, &out);

    return out;
}


static void
test_credit_language(void **state)
{
    size_t         i;
    sf_test_out_t  out;
    struct {
        const char  *html;
        const char  *words;
    } cases[] = {
        { " lang=\"de-DE\"", "<p class=\"syndication-source\">Urspr\xc3\xbc"
                             "nglich ver\xc3\xb6" "ffentlicht von <a href=\""
                             "https://q.example/w\">Q &amp; A</a></p>" },
        { " lang=\"ar\" dir=\"rtl\"", "\xd8\xa7\xd9\x84\xd9\x85\xd8\xb5\xd8"
                                      "\xaf\xd8\xb1 \xd8\xa7\xd9\x84\xd8\xa3"
                                      "\xd8\xb5\xd9\x84\xd9\x8a: <a" },
        { " LANG='FR_ca'", "Publi\xc3\xa9 initialement par <a" },
        { " xml:lang=\"ru\"", "\xd0\x9f\xd0\xb5\xd1\x80\xd0\xb2\xd0\xbe" },
        { " lang=\"zh-Hant-TW\"", "\xe5\x8e\x9f\xe6\x96\x87\xe4\xbe\x86" },
        { " lang=\"zh-CN\"", "\xe5\x8e\x9f\xe6\x96\x87\xe6\x9d\xa5" },
        { " lang=\"en-GB\"", "Originally published by <a" },
        { " lang=\"xx\"", "Originally published by <a" },
        { " lang=\"\"", "Originally published by <a" },
        { "", "Originally published by <a" },
    };

    (void) state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        out = page(cases[i].html, NULL);

        if (strstr((char *) out.data, cases[i].words) == NULL) {
            fprintf(stderr, "case %zu: %s\n", i, out.data);
            fail();
        }

        assert_int_equal(out.stats.credits, 1);
        sf_test_out_free(&out);
    }

    /* a configured template wins over the language */
    out = page(" lang=\"de\"", "<p>Quelle: <a href=\"%u\">%n</a></p>");
    assert_non_null(strstr((char *) out.data,
                           "<p>Quelle: <a href=\"https://q.example/w\">"
                           "Q &amp; A</a></p>"));
    sf_test_out_free(&out);

    /* each built-in credit fits the render buffer with a long name */
    (void) de_page;
}


/* A reset stream gives what a fresh stream gives. */
static void
test_stream_reset(void **state)
{
    int             rc;
    size_t          i, n;
    sf_io_t         io;
    sf_stream_t    *s;
    unsigned char   ob[8192], first[8192];

    (void) state;

    s = sf_stream_create(builtin, NULL, &sf_malloc_allocator);
    assert_non_null(s);

    for (i = 0; i < 3; i++) {
        if (i > 0) {
            assert_int_equal(sf_stream_reset(s), SF_OK);
        }

        io.next_in = (const unsigned char *) de_page;
        io.avail_in = sizeof(de_page) - 1;
        io.next_out = ob;
        io.avail_out = sizeof(ob);
        rc = sf_stream_feed(s, &io, SF_FINISH);
        assert_int_equal(rc, SF_DONE);
        n = (size_t) (io.next_out - ob);

        if (i == 0) {
            memcpy(first, ob, n);
            assert_non_null(strstr((char *) ob, "Rhein Blatt</a></p>"));

        } else {
            assert_memory_equal(first, ob, n);
        }

        assert_int_equal(sf_stream_stats(s)->credits, 1);
        assert_int_equal(sf_stream_stats(s)->blocks_removed, 1);
    }

    sf_stream_destroy(s);
}


/* The given title is what the stripped footer is compared with. */
static void
test_given_title(void **state)
{
    int             rc;
    sf_io_t         io;
    sf_stream_t    *s;
    unsigned char   ob[4096];
    const char      frag[] = "<p>Body.</p><p>The post Quay works appeared "
                             "first on Q.</p>";

    (void) state;

    s = sf_stream_create(builtin, NULL, &sf_malloc_allocator);
    assert_non_null(s);

    /* without a title the stripped shape is no footer */
    io.next_in = (const unsigned char *) frag;
    io.avail_in = sizeof(frag) - 1;
    io.next_out = ob;
    io.avail_out = sizeof(ob);
    rc = sf_stream_feed(s, &io, SF_FINISH);
    assert_int_equal(rc, SF_DONE);
    assert_int_equal(sf_stream_stats(s)->blocks_removed, 0);

    sf_stream_reset(s);
    sf_stream_set_title(s, "Quay works", 10);
    io.next_in = (const unsigned char *) frag;
    io.avail_in = sizeof(frag) - 1;
    io.next_out = ob;
    io.avail_out = sizeof(ob);
    rc = sf_stream_feed(s, &io, SF_FINISH);
    assert_int_equal(rc, SF_DONE);
    assert_int_equal(sf_stream_stats(s)->blocks_removed, 1);
    assert_int_equal((size_t) (io.next_out - ob), 12);
    assert_memory_equal(ob, "<p>Body.</p>", 12);

    sf_stream_destroy(s);
}


static void
test_credit_template(void **state)
{
    char         out[128];
    sf_error_t   err;

    (void) state;

#define tmpl(s)  sf_credit_template(s, strlen(s), out, sizeof(out), &err)

    assert_int_equal(tmpl("<p>From <a href=\"%u\">%s</a> 100%%</p>"), SF_OK);
    assert_string_equal(out, "<p>From <a href=\"%u\">%n</a> 100%%</p>");
    assert_int_equal(tmpl("%n at %u"), SF_OK);
    assert_string_equal(out, "%n at %u");
    assert_int_equal(tmpl(""), SF_OK);
    assert_string_equal(out, "");

    assert_int_equal(tmpl("<p>%x</p>"), SF_ERROR);
    assert_int_equal(err.column, 4);
    assert_non_null(strstr(err.message, "\"%x\""));
    assert_int_equal(tmpl("50%"), SF_ERROR);
    assert_int_equal(err.column, 3);
    assert_int_equal(sf_credit_template("abc", 3, out, 3, &err), SF_ERROR);
    assert_int_equal(sf_credit_template("a\0b", 3, out, sizeof(out), &err),
                     SF_ERROR);

#undef tmpl
}



/* ---- random clean feeds: with no rule, the output is the input --------- */


static void
rnd_add(buf_t *b, const char *s)
{
    buf_add(b, (const unsigned char *) s, strlen(s));
}


/* Escaped text: every spelling a generator may use, mixed at random. */
static void
rnd_escaped(buf_t *b, unsigned *seed)
{
    size_t       i, n;
    static const char  *parts[] = {
        "&lt;p&gt;", "&lt;/p&gt;", "&#60;b&#62;", "&#x3C;/b&#x3E;",
        "&lt;a href=&quot;https://x.example/?a=1&amp;amp;b=2&quot;&gt;",
        "&lt;/a&gt;", "&amp;amp;", "&amp;#8217;", "&#8217;", "&#x2019;",
        "caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "&#233;", "&#039;", "'",
        "&apos;", "\"", "&quot;", ">", "&gt;", "]]&gt;", "]x", "]]y",
        " ", "\n", "\t", "word", "Harbour", "&#10;", "&#xA;", "&#0039;",
        "&amp;nbsp;", "&lt;br /&gt;", "&lt;!-- c --&gt;",
        "&lt;script&gt;a &amp;lt; b&lt;/script&gt;", "&lt;div&gt;",
        "&lt;/div&gt;", "&lt;li&gt;item", "\xf0\x9f\x8c\x8a"
    };

    n = 1 + rand_r(seed) % 40;

    for (i = 0; i < n; i++) {
        rnd_add(b, parts[rand_r(seed) % (sizeof(parts) / sizeof(parts[0]))]);
    }
}


static void
rnd_cdata(buf_t *b, unsigned *seed)
{
    size_t       i, n;
    static const char  *parts[] = {
        "<p>", "</p>", "<b>x</b>", "a[b[0]]]]><![CDATA[>c", "]]]]><![CDATA[>",
        "&amp;", "&lt;", "<a href=\"https://y.example/\">y</a>", "\n",
        "caf\xc3\xa9", "<!-- more -->", "<script>if (a < b) {}</script>",
        "<div class=\"w\">", "</div>", "<br>", "text ", "]", "]]"
    };

    rnd_add(b, "<![CDATA[");
    n = 1 + rand_r(seed) % 30;

    for (i = 0; i < n; i++) {
        rnd_add(b, parts[rand_r(seed) % (sizeof(parts) / sizeof(parts[0]))]);
    }

    rnd_add(b, "]]>");
}


static void
rnd_feed(buf_t *b, unsigned *seed)
{
    size_t       i, n;
    static const char  *ws[] = { "", " ", "\n\t\t", "\r\n  " };

    memset(b, 0, sizeof(buf_t));
    rnd_add(b, (rand_r(seed) & 1) ? "\xef\xbb\xbf" : "");
    rnd_add(b, "<?xml version=\"1.0\"?>\n<!-- x -->\n<rss version=\"2.0\" "
            "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
            "<channel><title>T &amp; <![CDATA[U]]></title>");
    n = rand_r(seed) % 6;

    for (i = 0; i < n; i++) {
        rnd_add(b, "<item>");
        rnd_add(b, ws[rand_r(seed) % 4]);
        rnd_add(b, "<title>Item &#8211; <![CDATA[one & two]]></title>");
        rnd_add(b, "<link>https://agg.example/?p=1&amp;q=2</link>");
        rnd_add(b, "<description>");
        rnd_add(b, ws[rand_r(seed) % 4]);

        if (rand_r(seed) & 1) {
            rnd_cdata(b, seed);

        } else {
            rnd_escaped(b, seed);
        }

        rnd_add(b, ws[rand_r(seed) % 4]);
        rnd_add(b, "</description><content:encoded>");

        if (rand_r(seed) % 3 == 0) {
            rnd_cdata(b, seed);

        } else {
            rnd_escaped(b, seed);
        }

        rnd_add(b, "</content:encoded><description/>");
        rnd_add(b, ws[rand_r(seed) % 4]);
        rnd_add(b, "</item>");
    }

    rnd_add(b, "</channel></rss>\n");
}


static void
test_random_feeds_identical(void **state)
{
    int           i;
    buf_t         in, out;
    unsigned      seed;
    const char   *env;

    (void) state;

    env = getenv("SF_TEST_SEED");
    seed = env ? (unsigned) strtoul(env, NULL, 10) : 20240312;

    for (i = 0; i < 300; i++) {
        unsigned  s0 = seed;

        rnd_feed(&in, &seed);

        /* no rule: nothing to change; the built-in pack: nothing to find */
        active = (i & 1) ? builtin : norules;
        out = check_all(NULL, (i & 2) ? SF_FEED_SNIFF : 0,
                        (const char *) in.data, NULL);

        if (out.len != in.len || memcmp(out.data, in.data, in.len) != 0) {
            fprintf(stderr, "feed %d (seed before it %u) not identical:\n"
                    "%s\n---\n%s\n", i, s0, in.data, out.data);
            fail();
        }

        free(out.data);
        free(in.data);
    }

    active = NULL;
}


static int
setup(void **state)
{
    (void) state;
    builtin = sf_test_rules(NULL, 1);
    norules = sf_test_rules(NULL, 0);

    return (builtin == NULL || norules == NULL) ? -1 : 0;
}


static int
teardown(void **state)
{
    (void) state;
    sf_rules_destroy(builtin);
    sf_rules_destroy(norules);

    return 0;
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_clean_feeds_identical),
        cmocka_unit_test(test_footers_removed_and_credited),
        cmocka_unit_test(test_item_title_is_the_page_title),
        cmocka_unit_test(test_mixed_spellings_before_a_footer),
        cmocka_unit_test(test_many_spellings),
        cmocka_unit_test(test_atom_and_feed_language),
        cmocka_unit_test(test_unexpected_markup_passes),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_report_mode),
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_memory_bounded),
        cmocka_unit_test(test_create_failures),
        cmocka_unit_test(test_credit_language),
        cmocka_unit_test(test_stream_reset),
        cmocka_unit_test(test_given_title),
        cmocka_unit_test(test_credit_template),
        cmocka_unit_test(test_random_feeds_identical),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
