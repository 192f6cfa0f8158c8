/* Imputation metrics (design/PROTOCOLS.md §2): over the hidden positions of each window
 * (mask == 0), accuracy, perfect rate, token ROUGE-L and, for named events, the accuracy of
 * the kernel subsystem; beside them, the windows filled with the true events in another
 * order, and the accuracy were they in order. Each is a per-window score averaged over the windows that have at
 * least one hidden position, ×100. Type accuracy counts only the hidden events whose true
 * name is a system call of the architecture (the others are counted apart, not guessed),
 * beside the floor a constant guess of the most common subsystem would score. */
#include "tracesynth/eval.h"
#include "tracesynth/common.h"

#include <stdlib.h>
#include <string.h>

/* length of the longest common subsequence of a and b (k each), one DP row of k+1 ints */
static int lcs_len(const int32_t *a, const int32_t *b, int k, int *row)
{
    memset(row, 0, (size_t)(k + 1) * sizeof *row);
    for (int i = 0; i < k; i++) {
        int diag = 0;                          /* row[j] of the previous i */
        for (int j = 0; j < k; j++) {
            int up = row[j + 1];
            row[j + 1] = a[i] == b[j] ? diag + 1 : (up > row[j] ? up : row[j]);
            diag = up;
        }
    }
    return row[k];
}

static int cmp_id(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* a and b (k each) hold the same events, counted with repeats; sorts its scratch copies */
static int same_events(const int32_t *a, const int32_t *b, int k, int32_t *sa, int32_t *sb)
{
    memcpy(sa, a, (size_t)k * sizeof *sa);
    memcpy(sb, b, (size_t)k * sizeof *sb);
    qsort(sa, (size_t)k, sizeof *sa, cmp_id);
    qsort(sb, (size_t)k, sizeof *sb, cmp_id);
    return memcmp(sa, sb, (size_t)k * sizeof *sa) == 0;
}

static int check_ids(const ts_windows *w, const char *what, int32_t n_names)
{
    for (size_t i = 0; i < w->n * w->len; i++) {
        int32_t id = w->data[i];
        if (id < 0 || (n_names > 0 && id >= n_names))
            return n_names > 0
                ? ts_fail("%s: window %zu, position %zu: ID %d is outside the vocabulary (%d event%s)",
                          what, i / w->len, i % w->len, (int)id, (int)n_names, ts_plural((size_t)n_names))
                : ts_fail("%s: window %zu, position %zu: negative ID %d", what, i / w->len,
                          i % w->len, (int)id);
    }
    return 0;
}

int ts_eval_impute(const ts_windows *orig, const uint8_t *mask, const ts_windows *imputed,
                   const ts_vocab *vocab, ts_impute_metrics *out)
{
    ts_arch arch = TS_ARCH_UNKNOWN;
    if (vocab && vocab->n > 0 && vocab->names)
        arch = ts_arch_guess((const char *const *)vocab->names, (size_t)vocab->n);
    if (arch == TS_ARCH_UNKNOWN) arch = ts_arch_host();
    return ts_eval_impute_arch(orig, mask, imputed, vocab, arch, out);
}

static const char *const subsystems[] = {"fs", "mm", "kernel", "arch", "net", "ipc", "security", "other"};
enum { NSUB = sizeof subsystems / sizeof *subsystems };

/* index of a subsystem name in subsystems[], -1 for "unknown" */
static int sub_index(const char *s)
{
    for (int i = 0; i < NSUB; i++) if (!strcmp(s, subsystems[i])) return i;
    return -1;
}

int ts_eval_impute_arch(const ts_windows *orig, const uint8_t *mask, const ts_windows *imputed,
                        const ts_vocab *vocab, ts_arch arch, ts_impute_metrics *out)
{
    memset(out, 0, sizeof *out);
    if (!mask) return ts_fail_null(__func__, "mask");
    if ((unsigned)arch > TS_ARCH_AARCH64)
        return ts_fail("%s: architecture %d: expected TS_ARCH_UNKNOWN, TS_ARCH_X86_64, TS_ARCH_I386, TS_ARCH_ARM or "
                       "TS_ARCH_AARCH64", __func__, (int)arch);
    if (!orig->data && orig->n && orig->len) return ts_fail_null(__func__, "orig->data");
    if (!imputed->data && imputed->n && imputed->len) return ts_fail_null(__func__, "imputed->data");
    if (orig->n != imputed->n || orig->len != imputed->len)
        return ts_fail("imputed windows are %zu x %zu but the original windows are %zu x %zu",
                       imputed->n, imputed->len, orig->n, orig->len);
    if (orig->len > (size_t)1 << 30) return ts_fail("windows of %zu events are too long", orig->len);
    int named = vocab && vocab->n > 0 && vocab->names;
    int32_t nv = named ? vocab->n : 0;
    if (check_ids(orig, "original", nv) || check_ids(imputed, "imputed", nv)) return -1;

    /* subsystem index per ID (-1: not a call of arch), looked up once */
    int *sub = NULL;
    if (named) {
        sub = ts_malloc((size_t)nv * sizeof *sub);
        for (int32_t i = 0; i < nv; i++) sub[i] = sub_index(ts_syscall_subsystem_arch(vocab->names[i], arch));
    }

    size_t L = orig->len;
    int32_t *truth = ts_malloc((L + 1) * sizeof *truth);   /* hidden run of one window */
    int32_t *pred = ts_malloc((L + 1) * sizeof *pred);
    int *row = ts_malloc((L + 1) * sizeof *row);
    int32_t *sa = ts_malloc((L + 1) * sizeof *sa), *sb = ts_malloc((L + 1) * sizeof *sb);
    double acc = 0, perfect = 0, rouge = 0, type = 0, in_order = 0;
    size_t windows = 0, hidden = 0, type_windows = 0, scored = 0, unknown = 0, reordered = 0, right_all = 0;
    size_t unk_hidden = 0, unk_right = 0;
    const int32_t unk = named && vocab->unk >= 0 && vocab->unk < nv ? vocab->unk : -1;
    size_t sub_count[NSUB] = {0};
    for (size_t w = 0; w < orig->n; w++) {
        const int32_t *o = orig->data + w * L, *p = imputed->data + w * L;
        const uint8_t *m = mask + w * L;
        int k = 0, right = 0, type_right = 0, type_k = 0;
        for (size_t t = 0; t < L; t++) {
            if (m[t]) continue;
            truth[k] = o[t];
            pred[k] = p[t];
            right += o[t] == p[t];
            unk_hidden += o[t] == unk;
            unk_right += o[t] == unk && p[t] == unk;
            if (named) {
                if (sub[o[t]] < 0) {
                    unknown++;
                } else {
                    type_k++;
                    type_right += sub[o[t]] == sub[p[t]];
                    sub_count[sub[o[t]]]++;
                }
            }
            k++;
        }
        if (k == 0) continue;
        windows++;
        hidden += (size_t)k;
        right_all += (size_t)right;
        acc += (double)right / k;
        perfect += right == k;
        if (right < k && same_events(truth, pred, k, sa, sb)) reordered++, in_order += 1;
        else in_order += (double)right / k;
        rouge += (double)lcs_len(truth, pred, k, row) / k;
        if (type_k > 0) {
            type_windows++;
            scored += (size_t)type_k;
            type += (double)type_right / type_k;
        }
    }
    /* the floor: always guess the most common subsystem of the scored hidden events */
    int major = 0;
    for (int i = 1; i < NSUB; i++) if (sub_count[i] > sub_count[major]) major = i;
    double floor_sum = 0;
    if (named && scored > 0) {
        for (size_t w = 0; w < orig->n; w++) {
            const int32_t *o = orig->data + w * L;
            const uint8_t *m = mask + w * L;
            int type_k = 0, hit = 0;
            for (size_t t = 0; t < L; t++) {
                if (m[t] || sub[o[t]] < 0) continue;
                type_k++;
                hit += sub[o[t]] == major;
            }
            if (type_k > 0) floor_sum += (double)hit / type_k;
        }
    }
    free(truth);
    free(pred);
    free(row);
    free(sa);
    free(sb);
    free(sub);
    if (windows == 0) return ts_fail("mask: it hides no event (0 = missing, 1 = observed)");

    out->windows = windows;
    out->hidden = hidden;
    out->accuracy = 100.0 * acc / windows;
    out->perfect = 100.0 * perfect / windows;
    out->rouge_l = 100.0 * rouge / windows;
    out->reordered = reordered;
    out->accuracy_in_order = 100.0 * in_order / windows;
    out->has_type = named && scored > 0;
    out->type_accuracy = out->has_type ? 100.0 * type / type_windows : 0.0;
    out->arch = arch;
    out->type_scored = scored;
    out->type_unknown = unknown;
    out->type_floor = out->has_type ? 100.0 * floor_sum / type_windows : 0.0;
    out->type_majority = out->has_type ? subsystems[major] : NULL;
    out->unk_hidden = unk_hidden;
    out->unk_right = unk_right;
    out->right = right_all;
    return 0;
}
