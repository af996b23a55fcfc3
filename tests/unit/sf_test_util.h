/*
 * sf_test_util.h: the shared harness of the unit tests.
 *
 * Any test may use it: a counting allocator, rules from a string, a
 * stream run over a chosen chunking and output size, and sf_test_check(),
 * which runs one input whole, byte by byte and at random chunk sizes
 * through output buffers of 1, 7 and 4096 bytes and demands the same
 * output every time.  The seed of the random chunking is printed on
 * failure; SF_TEST_SEED sets it.
 */

#ifndef SF_TEST_UTIL_H_INCLUDED
#define SF_TEST_UTIL_H_INCLUDED

#include <stddef.h>

#include "sf.h"


typedef struct {
    unsigned char        *data;
    size_t                len;
    sf_stats_t            stats;
    char                  status[32];
    char                  source[2100];
    int                   rc;               /* SF_OK or what went wrong */
} sf_test_out_t;


/*
 * An allocator over malloc() that counts its calls, the blocks alive and
 * their bytes (each block carries its size in front),
 * and fails its Nth call when fail_at is N (0: never); for the bounds on
 * allocation and the paths that handle a failed one.
 */
typedef struct {
    long                  calls;
    long                  fail_at;          /* 0: never */
    long                  live;
    size_t                bytes;            /* of the blocks alive */
} sf_test_alloc_t;

void *sf_test_alloc(void *ctx, size_t size);
void sf_test_free(void *ctx, void *p);


/* Compiled rules from a rule text (builtin pack added when asked). */
sf_rules_t *sf_test_rules(const char *text, int builtin);

/*
 * One run: chunk 0 feeds everything at once, (size_t) -1 random sizes
 * from *seed; out_size bytes of output space per call.
 */
int sf_test_run(const sf_rules_t *rules, const sf_options_t *opt,
    const unsigned char *in, size_t len, size_t chunk, unsigned *seed,
    size_t out_size, sf_test_out_t *out);
void sf_test_out_free(sf_test_out_t *out);

/*
 * Run in every chunking; each output must equal expected (when not NULL)
 * and the whole run's output, and no run may find the output queue full.  The whole run's result is left in out
 * (may be NULL).  Fails the current cmocka test on a mismatch.
 */
void sf_test_check(const sf_rules_t *rules, const sf_options_t *opt,
    const char *in, size_t len, const char *expected, size_t exp_len,
    sf_test_out_t *out);

#define sf_test_str(rules, opt, in, expected)                              \
    sf_test_check(rules, opt, in, sizeof(in) - 1, expected,                \
                  (expected) == NULL ? 0 : sizeof(expected) - 1, NULL)

/* A file of the fixtures, whole, or NULL. */
unsigned char *sf_test_file(const char *path, size_t *len);

/* Monotonic seconds, for the time bounds of the pathological tests. */
double sf_test_now(void);

#endif /* SF_TEST_UTIL_H_INCLUDED */
