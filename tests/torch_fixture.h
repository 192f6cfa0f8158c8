/* The PyTorch fixtures of the layer tests (the scripts tests/torch/..._fixtures.py write
 * them): named float32 arrays, "TSFX0001", a count, then per array its name, its
 * dimensions and its values. One fixture is loaded per test binary. */
#ifndef TS_TEST_TORCH_FIXTURE_H
#define TS_TEST_TORCH_FIXTURE_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char name[64]; int ndim; uint32_t dims[4]; size_t n; float *data; } fx_array;
static fx_array fx[256];
static int nfx;                  /* arrays read whole */
static const char *fx_err = "";  /* why the file could not be read */

static inline int fx_rd(FILE *f, void *p, size_t n) { return fread(p, 1, n, f) == n; }

/* 0, or -1 with fx_err set */
static inline int fx_load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { fx_err = "cannot open"; return -1; }
    char magic[8];
    uint32_t count;
    if (!fx_rd(f, magic, 8) || memcmp(magic, "TSFX0001", 8) || !fx_rd(f, &count, 4) || count > 256) {
        fx_err = "bad header";
        fclose(f);
        return -1;
    }
    for (uint32_t i = 0; i < count; i++) {
        fx_array *a = &fx[i];
        uint32_t nl, nd;
        if (!fx_rd(f, &nl, 4) || nl >= sizeof a->name || !fx_rd(f, a->name, nl) || !fx_rd(f, &nd, 4) ||
            nd > 4 || !fx_rd(f, a->dims, 4 * nd)) { fx_err = "truncated entry"; fclose(f); return -1; }
        a->name[nl] = 0;
        a->ndim = (int)nd;
        a->n = 1;
        for (uint32_t d = 0; d < nd; d++) a->n *= a->dims[d];
        a->data = malloc(a->n * sizeof(float) + 1);
        if (!fx_rd(f, a->data, a->n * sizeof(float))) { fx_err = "truncated data"; fclose(f); return -1; }
        nfx = (int)i + 1;
    }
    fclose(f);
    return 0;
}

static inline const fx_array *fx_find(const char *name)
{
    for (int i = 0; i < nfx; i++)
        if (!strcmp(fx[i].name, name)) return &fx[i];
    fprintf(stderr, "  fixture has no array '%s'\n", name);
    return NULL;
}
static inline float *fx_get(const char *name) { const fx_array *a = fx_find(name); return a ? a->data : NULL; }
static inline size_t fx_len(const char *name) { const fx_array *a = fx_find(name); return a ? a->n : 0; }

/* max |a - b| / max |b| (max |a - b| where b is all zeros); infinite where a difference is
 * NaN (a NaN on either side), which no tolerance takes */
static inline double relerr(const float *a, const float *b, size_t n)
{
    double mx = 0, md = 0;
    for (size_t i = 0; i < n; i++) {
        const double d = fabs((double)a[i] - b[i]);
        if (fabs(b[i]) > mx) mx = fabs(b[i]);
        if (isnan(d)) md = INFINITY;
        else if (d > md) md = d;
    }
    return mx > 0 ? md / mx : md;
}

/* ours against the fixture's array ref_name, within tol (SAME: the includer's TOL) */
#define SAME_TOL(what, ours, ref_name, tol) do { const float *_r = fx_get(ref_name); REQUIRE(_r); \
    double _e = relerr(ours, _r, fx_len(ref_name)); \
    CHECK_MSG(_e <= (tol), "%s: relative error %.3g vs PyTorch", what, _e); } while (0)
#define SAME(what, ours, ref_name) SAME_TOL(what, ours, ref_name, TOL)

#endif
