/*
 * sf_explain.h: why a stream decided a block as it did (sf_explain_t in
 * sf.h, synfilter --explain).  Internal.
 *
 * A stream has an explainer only when its options set on_explain: then
 * every block it held is explained after the decision, from the block as
 * the rules saw it, with scratch of the explainer's own (its own
 * sf_match_t), so the stream's state and output stay what they are
 * without it.
 */

#ifndef SF_EXPLAIN_H_INCLUDED
#define SF_EXPLAIN_H_INCLUDED

#include "sf_block.h"


typedef struct sf_explainer_s  sf_explainer_t;


sf_explainer_t *sf_explain_create(const sf_rules_t *rules,
    const sf_limits_t *limits, const sf_allocator_t *alloc);
void sf_explain_destroy(sf_explainer_t *e, const sf_allocator_t *alloc);
size_t sf_explain_memory(const sf_explainer_t *e);

/*
 * A held block decided: b as the rules saw it, res what they (or a
 * detector) decided, act what the stream did with it; text_over: its
 * text outgrew max_text.
 */
void sf_explain_block(sf_explainer_t *e, const sf_options_t *opt,
    const sf_block_t *b, const sf_decision_result_t *res, sf_action_e act,
    unsigned text_over, uint64_t offset);

/*
 * A held block that outgrew max_holdback after bytes: sent unchecked.  id
 * and cls as in its start tag (NULL for an anonymous block).
 */
void sf_explain_pass(sf_explainer_t *e, const sf_options_t *opt,
    sf_tag_e tag, const unsigned char *id, size_t id_len,
    const unsigned char *cls, size_t cls_len, uint64_t offset, size_t bytes);

/* An element dropped whole: at its start tag, then at its end. */
void sf_explain_drop_start(sf_explainer_t *e, sf_tag_e tag,
    const unsigned char *id, size_t id_len,
    const unsigned char *cls, size_t cls_len);
void sf_explain_drop(sf_explainer_t *e, const sf_options_t *opt,
    const char *rule_id, size_t bytes, uint64_t offset);

#endif /* SF_EXPLAIN_H_INCLUDED */
