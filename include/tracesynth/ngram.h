/* tracesynth — the n-gram's evidence, for models that use it as a prior.
 *
 * The "ngram" model fills a hidden run with the most frequent filler among the
 * training-stream positions whose contexts match on both sides (backing off to
 * shorter contexts, then one side). These functions give the matching positions
 * themselves, so a caller can count, per hidden position, how often each event
 * fills it. */
#ifndef TRACESYNTH_NGRAM_H
#define TRACESYNTH_NGRAM_H

#include <stddef.h>
#include <stdint.h>
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An m that is NULL or not an n-gram index (ts_ngram_new's, or an "ngram" model), and a
 * NULL the comments do not allow, are errors naming the function and the argument
 * ("FUNCTION: ARGUMENT is NULL"): NULL, or 0 for a count, outputs emptied. */

/* an n-gram index over s (N events; -1 separates unrelated pieces); NULL + error on bad
 * sizes. Free with ts_model_free. */
ts_model *ts_ngram_new(const int32_t *s, size_t N, int order);
/* the indexed stream (N events) and the order (may be NULL) */
const int32_t *ts_ngram_stream(const ts_model *m, size_t *N, int *order);
/* the stream positions p whose context matches the run y[a, a+k): lav events
 * of y left of a (at most a) and rav right of a+k may be used (at most the order each).
 * Fillers are s[p, p+k). *out (malloc'd, NULL when none) receives them;
 * *matched (may be NULL) the context length used on each side (negative: one side only;
 * 0: no match). Returns the count. Thread-safe. */
size_t ts_ngram_candidates(const ts_model *m, const int32_t *y, size_t a, size_t k, size_t lav, size_t rav,
                           int32_t **out, int *matched);
/* the most frequent filler s[p, p+k) among the nc candidates cand (nc >= 1) of
 * ts_ngram_candidates, ties to the earliest, as the model fills a run: returns p,
 * *count its count (0 on an error). Thread-safe. */
size_t ts_ngram_mode(const ts_model *m, const int32_t *cand, size_t nc, size_t k, size_t *count);

/* In-window matches (a cache of the window itself): positions p of window y
 * (L events; hid[l] = 1 where y[l] is hidden) whose c events before p equal the
 * c before the run [a, a+k) (sides TS_WINDOW_LEFT: a continuation) and / or whose
 * c events after p + k equal the c after it (TS_WINDOW_RIGHT; TS_WINDOW_BOTH:
 * both), with no hidden event from the first context event to the last; c is the
 * longest in [cmin, cmax] with a match and c visible events on those sides of the
 * run. Returns the number of matches at that c (at most 64, the nearest; 0: none,
 * or cmin < 1); *start the first position of the most frequent filler y[p, p + k)
 * (ties: the match nearest to a), *ctx = c. Loops repeat inside a trace, so a
 * blackout's surroundings often recur in the same window with the same events
 * between them. One side is weaker evidence: the n-gram and mdm use it only where
 * the training stream matched no two sides and one side shorter (before the
 * stream at any length it lost 11 points on many-threads' end blackouts of 40).
 * Thread-safe. */
enum { TS_WINDOW_LEFT = 1, TS_WINDOW_RIGHT = 2, TS_WINDOW_BOTH = 3 };
size_t ts_window_match(const int32_t *y, const uint8_t *hid, size_t L, size_t a, size_t k, int sides, int cmin,
                       int cmax, size_t *start, int *ctx);
/* the rule the n-gram and mdm fill by: the window's match on `sides` over at least
 * win events (0: never) and more than the `stream` events the training stream
 * matched on those sides (0: none), up to cmax; ts_window_match's count, or 0 */
size_t ts_window_over_stream(const int32_t *y, const uint8_t *hid, size_t L, size_t a, size_t k, int sides,
                             int stream, int win, int cmax, size_t *start);

#ifdef __cplusplus
}
#endif

#endif
