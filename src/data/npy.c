/* NumPy .npy files (format 1.0, 2.0 and 3.0 headers; little-endian integers of 1 to 8
 * bytes, bool, float32 and float64, read as int32, int64 or float32; C or Fortran order,
 * read into C order), and the study's output triple.
 *
 * Layout: "\x93NUMPY", major, minor, header length (u16 for 1.x, u32 for 2.x/3.x),
 * a Python dict literal padded with spaces and ended by '\n', then the raw data. */
#include "tracesynth/common.h"
#include "tracesynth/data.h"
#include "data_internal.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the .npy reader and writer assume a little-endian host"
#endif

static size_t dtype_size(ts_npy_dtype t) { return t == TS_NPY_I64 ? 8 : 4; }

static const char *dtype_descr(ts_npy_dtype t)
{
    return t == TS_NPY_F32 ? "<f4" : t == TS_NPY_I32 ? "<i4" : "<i8";
}

void ts_npy_free(ts_npy *a)
{
    if (!a) return;
    free(a->data);
    memset(a, 0, sizeof *a);
}

/* value of 'key' in the header dict: pointer just after "'key':" and blanks, or NULL */
static const char *dict_value(const char *h, const char *key)
{
    char pat[32];
    const char *q = "'\"";
    for (int i = 0; i < 2; i++) {
        snprintf(pat, sizeof pat, "%c%s%c", q[i], key, q[i]);
        const char *p = strstr(h, pat);
        if (!p) continue;
        p += strlen(pat);
        while (*p == ' ') p++;
        if (*p != ':') return NULL;
        p++;
        while (*p == ' ') p++;
        return p;
    }
    return NULL;
}

/* how many times 'key' (or "key") stands as a key of the header dict: quoted, then blanks
 * and ':' */
static int dict_count(const char *h, const char *key)
{
    char pat[32];
    const char *q = "'\"";
    int n = 0;
    for (int i = 0; i < 2; i++) {
        snprintf(pat, sizeof pat, "%c%s%c", q[i], key, q[i]);
        for (const char *p = strstr(h, pat); p; p = strstr(p + 1, pat)) {
            const char *e = p + strlen(pat);
            while (*e == ' ') e++;
            n += *e == ':';
        }
    }
    return n;
}

/* the element type in the file: its kind ('f' float, 'i' signed, 'u' unsigned, 'b' bool)
 * and size in bytes; read into ts_npy's int32, int64 or float32 */
typedef struct {
    char kind;
    int  size;
    int  fortran;   /* the elements in Fortran (column-major) order */
} file_type;

static int parse_header(const char *path, const char *h, ts_npy *out, file_type *ft)
{
    /* a key given twice: numpy would take the last, this reader the first; neither is safe */
    static const char *const keys[] = {"descr", "fortran_order", "shape"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (dict_count(h, keys[i]) > 1) return ts_fail("%s: .npy header has the key '%s' more than once", path, keys[i]);
    const char *d = dict_value(h, "descr");
    if (!d || (*d != '\'' && *d != '"'))
        return ts_fail("%s: .npy header has no 'descr' string", path);
    char quote = *d++;
    const char *de = strchr(d, quote);
    if (!de || de - d > 15) return ts_fail("%s: .npy header has a malformed 'descr'", path);
    char descr[16];
    memcpy(descr, d, de - d);
    descr[de - d] = 0;
    if (descr[0] == '>')
        return ts_fail("%s: big-endian data ('%s'); save it little-endian "
                       "(arr.astype(arr.dtype.newbyteorder('<')))", path, descr);
    const char *t = (descr[0] == '<' || descr[0] == '=' || descr[0] == '|') ? descr + 1 : descr;
    /* numpy's defaults (float64, int64, bool masks) and the narrower integers read as the
     * three types the data has: floats as float32, integers as int32 or, where int32 cannot
     * hold every value (uint32, int64, uint64), int64 */
    static const struct { const char *t; char kind; int size; ts_npy_dtype as; } types[] = {
        {"f4", 'f', 4, TS_NPY_F32}, {"f8", 'f', 8, TS_NPY_F32}, {"i1", 'i', 1, TS_NPY_I32},
        {"i2", 'i', 2, TS_NPY_I32}, {"i4", 'i', 4, TS_NPY_I32}, {"i8", 'i', 8, TS_NPY_I64},
        {"u1", 'u', 1, TS_NPY_I32}, {"u2", 'u', 2, TS_NPY_I32}, {"u4", 'u', 4, TS_NPY_I64},
        {"u8", 'u', 8, TS_NPY_I64}, {"b1", 'b', 1, TS_NPY_I32},
    };
    size_t k = 0;
    while (k < sizeof types / sizeof *types && strcmp(t, types[k].t)) k++;
    if (k == sizeof types / sizeof *types)
        return ts_fail("%s: dtype '%s' not supported (integers, bool, float32 or float64)", path, descr);
    out->dtype = types[k].as;
    ft->kind = types[k].kind;
    ft->size = types[k].size;

    const char *fo = dict_value(h, "fortran_order");
    if (!fo) return ts_fail("%s: .npy header has no 'fortran_order'", path);
    if (!strncmp(fo, "True", 4)) ft->fortran = 1;
    else if (strncmp(fo, "False", 5)) return ts_fail("%s: .npy header has a malformed 'fortran_order'", path);

    const char *s = dict_value(h, "shape");
    if (!s || *s != '(') return ts_fail("%s: .npy header has no 'shape' tuple", path);
    s++;
    out->ndim = 0;
    out->count = 1;
    for (;;) {
        while (*s == ' ') s++;
        if (*s == ')') break;
        if ((unsigned)(*s - '0') >= 10) return ts_fail("%s: .npy header has a malformed 'shape'", path);
        if (out->ndim == 4) return ts_fail("%s: more than 4 dimensions", path);
        uint64_t v = 0;
        while ((unsigned)(*s - '0') < 10) {
            v = v * 10 + (unsigned)(*s++ - '0');
            if (v > ((uint64_t)1 << 40)) return ts_fail("%s: shape too large", path);
        }
        out->shape[out->ndim++] = (size_t)v;
        if (out->count && v > (((uint64_t)1 << 40) / out->count))
            return ts_fail("%s: shape too large", path);
        out->count *= (size_t)v;
        while (*s == ' ') s++;
        if (*s == ',') s++;
        else if (*s != ')') return ts_fail("%s: .npy header has a malformed 'shape'", path);
    }
    return 0;
}

/* the file's n elements at src, of type ft, into a->data as a->dtype: the same values, or
 * an error naming the element where the type read cannot hold it (a float64 whole number
 * that float32 rounds, or a real whose nearest whole number it cannot keep, a float64
 * beyond float32's range, a uint64 above int64's) */
/* the C-order index of a's element at index i of a Fortran-order file: (i0, ..., i{n-1})
 * is at i0 + s0 (i1 + s1 (i2 + ...)) there */
static size_t c_index(const ts_npy *a, size_t i)
{
    size_t idx[4] = {0, 0, 0, 0}, k = 0;
    for (int d = 0; d < a->ndim; d++) {
        idx[d] = i % a->shape[d];
        i /= a->shape[d];
    }
    for (int d = 0; d < a->ndim; d++) k = k * a->shape[d] + idx[d];
    return k;
}

static int convert(const char *path, const unsigned char *src, file_type ft, ts_npy *a)
{
    const size_t n = a->count;
    if ((ft.kind == 'f' && ft.size == 4) || (ft.kind == 'i' && ft.size == (int)dtype_size(a->dtype))) {
        if (n) memcpy(a->data, src, n * (size_t)ft.size);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const unsigned char *e = src + i * (size_t)ft.size;
        if (ft.kind == 'f') {   /* float64 */
            double v;
            memcpy(&v, e, 8);
            float f = (float)v;
            if (isfinite(v) && (fabs(v) > FLT_MAX || (v == floor(v) && (double)f != v)))
                return ts_fail("%s: element %zu, %.17g: float64 read as float32 cannot hold it %s", path, i, v,
                               fabs(v) > FLT_MAX ? "(beyond its range)" : "exactly (a whole number above 2^24)");
            /* a real rounds to the ID nearest it: float32's nearest value may be across a
             * half from it (0.49999999999 is 0.5), when the float32 on its side is taken;
             * where that has another nearest whole number too (above 2^24), refused */
            if (isfinite(v) && floor((double)f + 0.5) != floor(v + 0.5)) {
                f = nextafterf(f, (double)f > v ? -INFINITY : INFINITY);
                if (floor((double)f + 0.5) != floor(v + 0.5))
                    return ts_fail("%s: element %zu, %.17g: float64 read as float32 cannot hold the whole number "
                                   "nearest it, %.17g (above 2^24)", path, i, v, floor(v + 0.5));
            }
            ((float *)a->data)[i] = f;
            if ((double)f != v && !isnan(v)) {   /* rounded: counted, the first in C order kept */
                const size_t at = ft.fortran ? c_index(a, i) : i;
                if (!a->rounded || at < a->rounded_at) {
                    a->rounded_at = at;
                    a->rounded_value = v;
                }
                a->rounded++;
            }
            continue;
        }
        uint64_t u = 0;
        int64_t v;
        memcpy(&u, e, (size_t)ft.size);   /* little-endian: the low bytes */
        if (ft.kind == 'i' && ft.size < 8 && (u >> (8 * ft.size - 1)) & 1) u |= ~(uint64_t)0 << (8 * ft.size);
        if (ft.kind == 'u' && ft.size == 8 && u > (uint64_t)INT64_MAX)
            return ts_fail("%s: element %zu, %llu: above the largest int64", path, i, (unsigned long long)u);
        if (ft.kind == 'b' && u > 1) return ts_fail("%s: element %zu: bool byte %llu, not 0 or 1", path, i,
                                                    (unsigned long long)u);
        memcpy(&v, &u, 8);
        if (a->dtype == TS_NPY_I64) ((int64_t *)a->data)[i] = v;
        else ((int32_t *)a->data)[i] = (int32_t)v;
    }
    return 0;
}

/* a's elements from Fortran (column-major) order into C order, in place through a copy:
 * the element of index (i0, ..., i{n-1}) is at i0 + s0 (i1 + s1 (i2 + ...)) in the file */
static void to_c_order(ts_npy *a)
{
    const size_t es = dtype_size(a->dtype), n = a->count;
    if (a->ndim < 2 || n < 2) return;
    unsigned char *f = ts_malloc(n * es), *c = a->data;
    memcpy(f, c, n * es);
    size_t idx[4] = {0, 0, 0, 0};
    for (size_t k = 0; k < n; k++) {   /* k: C order; idx: its index, last dimension fastest */
        size_t off = 0;
        for (int d = a->ndim - 1; d >= 0; d--) off = off * a->shape[d] + idx[d];
        memcpy(c + k * es, f + off * es, es);
        for (int d = a->ndim - 1; d >= 0 && ++idx[d] == a->shape[d]; d--) idx[d] = 0;
    }
    free(f);
}

/* the header's text (hlen bytes at file offset hoff) as the format has it: the dict
 * literal from its first byte, then spaces (to any alignment: old NumPy padded to 16 bytes,
 * newer to 64), then one '\n' ending it. Anything else after the dict's closing '}' (a
 * header length reaching into the data, a NUL, a header cut before its '\n') is refused,
 * naming the byte */
static int header_text_check(const char *path, const char *h, size_t hlen, size_t hoff)
{
    if (hlen == 0 || h[0] != '{')
        return ts_fail("%s: .npy header does not begin with the dict's '{'", path);
    size_t i = 0, depth = 0;
    char quote = 0;
    for (; i < hlen; i++) {
        const char c = h[i];
        if (c == 0) return ts_fail("%s: .npy header: byte 0x00 (NUL) at offset %zu, inside the dict", path, hoff + i);
        if (quote) {
            if (c == '\\' && i + 1 < hlen) i++;
            else if (c == quote) quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '{') {
            depth++;
        } else if (c == '}' && --depth == 0) {
            break;
        }
    }
    if (i == hlen) return ts_fail("%s: .npy header: the dict has no closing '}'", path);
    if (h[hlen - 1] != '\n')
        return ts_fail("%s: .npy header does not end with '\\n' (byte 0x%02X at offset %zu): cut, or its length "
                       "is wrong", path, (unsigned char)h[hlen - 1], hoff + hlen - 1);
    for (size_t k = i + 1; k + 1 < hlen; k++)
        if (h[k] != ' ')
            return ts_fail("%s: .npy header: byte 0x%02X at offset %zu after the dict's closing '}' (only spaces, "
                           "then the '\\n' ending the header, may follow it)", path, (unsigned char)h[k], hoff + k);
    return 0;
}

int ts_npy_read(const char *path, ts_npy *out)
{
    memset(out, 0, sizeof *out);
    /* a set it is one of (generate's OUT.npy, impute's files, a dataset's), replaced half
     * way by a process killed: finished first */
    if (ts__stage_recover_beside(path)) return -1;
    char *buf;
    size_t size;
    if (ts__read_file(path, &buf, &size) != 0) return -1;
    return ts__npy_parse(path, buf, size, out);
}

int ts__npy_parse(const char *path, char *buf, size_t size, ts_npy *out)
{
    memset(out, 0, sizeof *out);
    const unsigned char *b = (const unsigned char *)buf;
    int rc = 0;
    size_t hlen = 0, hoff = 0;
    file_type ft = {0, 0, 0};
    if (size < 10 && size > 0 && memcmp(b, "\x93NUMPY", size < 6 ? size : 6) == 0) {
        rc = ts_fail("%s: truncated .npy file (%zu bytes; the magic and header need at least 10)",
                     path, size);
    } else if (size < 10 || memcmp(b, "\x93NUMPY", 6) != 0) {
        rc = ts_fail("%s: not a .npy file (no \\x93NUMPY magic)", path);
    } else if (b[6] == 1 && b[7] == 0) {   /* (NumPy has written no minor version but 0) */
        hlen = b[8] | (size_t)b[9] << 8;
        hoff = 10;
    } else if ((b[6] == 2 || b[6] == 3) && b[7] == 0) {
        if (size < 12) rc = ts_fail("%s: truncated .npy header", path);
        else hlen = b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 | (size_t)b[11] << 24;
        hoff = 12;
    } else {
        rc = ts_fail("%s: .npy format version %d.%d not supported (1.0, 2.0, 3.0)", path, b[6], b[7]);
    }
    if (rc == 0 && hlen > size - hoff) rc = ts_fail("%s: truncated .npy header", path);
    if (rc == 0) {
        char *h = ts_malloc(hlen + 1);
        memcpy(h, buf + hoff, hlen);
        h[hlen] = 0;
        rc = header_text_check(path, h, hlen, hoff);
        if (rc == 0) rc = parse_header(path, h, out, &ft);
        free(h);
    }
    if (rc == 0) {
        size_t need = out->count * (size_t)ft.size, have = size - hoff - hlen;
        if (have < need)
            rc = ts_fail("%s: truncated data: %zu bytes, the shape needs %zu", path, have, need);
        else if (have > need)
            rc = ts_fail("%s: %zu bytes after the data the shape describes", path, have - need);
        else {
            out->data = ts_malloc(out->count ? out->count * dtype_size(out->dtype) : 1);
            rc = convert(path, (const unsigned char *)buf + hoff + hlen, ft, out);
            if (rc == 0 && ft.fortran) to_c_order(out);
        }
    }
    free(buf);
    if (rc) ts_npy_free(out);   /* the data a conversion refused, with the rest */
    return rc;
}

/* a dtype ts_npy knows: 0, else -1 naming fn */
static int check_dtype(const char *fn, ts_npy_dtype t)
{
    if (t == TS_NPY_F32 || t == TS_NPY_I32 || t == TS_NPY_I64) return 0;
    return ts_fail("%s: dtype %d: expected TS_NPY_F32, TS_NPY_I32 or TS_NPY_I64", fn, (int)t);
}

int ts_npy_write(const char *path, ts_npy_dtype dtype, const void *data, int ndim, const size_t *shape)
{
    if (ndim < 0 || ndim > 4) return ts_fail("%s: %d dimensions (0..4 supported)", path, ndim);
    if (check_dtype(__func__, dtype)) return -1;
    if (!shape && ndim > 0) return ts_fail_null(__func__, "shape");
    size_t elems = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] && elems > SIZE_MAX / 8 / shape[i])
            return ts_fail("%s: shape of %d dimensions: more elements than memory can hold", path, ndim);
        elems *= shape[i];
    }
    if (!data && elems) return ts_fail_null(__func__, "data");
    char h[256];
    int k = snprintf(h, sizeof h, "{'descr': '%s', 'fortran_order': False, 'shape': (",
                     dtype_descr(dtype));
    size_t count = 1;
    for (int i = 0; i < ndim; i++) {
        k += snprintf(h + k, sizeof h - k, "%zu,%s", shape[i], (ndim > 1 && i + 1 < ndim) ? " " : "");
        count *= shape[i];
    }
    if (ndim > 1) k--;   /* "(2, 3)" not "(2, 3,)"; one dimension keeps its comma: "(5,)" */
    k += snprintf(h + k, sizeof h - k, "), }");
    /* pad so that the data starts on a 64-byte boundary, as numpy does */
    size_t total = 10 + (size_t)k + 1;
    size_t pad = (64 - total % 64) % 64;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0};
    size_t hl = (size_t)k + pad + 1;
    pre[8] = (unsigned char)hl;
    pre[9] = (unsigned char)(hl >> 8);
    ts_outfile o;
    if (ts_out_open(&o, path) != 0) return -1;
    size_t nb = count * dtype_size(dtype);
    int bad = fwrite(pre, 1, 10, o.f) != 10 || fwrite(h, 1, (size_t)k, o.f) != (size_t)k;
    for (size_t i = 0; i < pad && !bad; i++) bad = fputc(' ', o.f) == EOF;
    bad = bad || fputc('\n', o.f) == EOF || (nb && fwrite(data, 1, nb, o.f) != nb);
    if (bad) {
        ts_out_abort(&o);
        return ts_fail("%s: write failed: %s", path, strerror(errno));
    }
    return ts_out_commit(&o);
}

/* (N,L), (N,1,L), (N,L,1), or (L,) as one window -> N, L; all are row-major (N, L) */
static int window_shape(const char *fn, const ts_npy *a, const char *path, size_t *n, size_t *len)
{
    const size_t *s = a->shape;
    /* an array a caller filled in: its dtype, dimensions, count and data must agree */
    if (check_dtype(fn, a->dtype)) return -1;
    if (a->ndim < 0 || a->ndim > 4) return ts_fail("%s: a->ndim is %d (0..4)", fn, a->ndim);
    size_t count = 1;
    for (int i = 0; i < a->ndim; i++) count = s[i] && count > SIZE_MAX / 8 / s[i] ? SIZE_MAX : count * s[i];
    if (count != a->count)
        return ts_fail("%s: a->count is %zu, but its shape holds %zu elements", fn, a->count, count);
    if (!a->data && count) return ts_fail_null(fn, "a->data");
    if (a->ndim == 1) { *n = 1; *len = s[0]; }
    else if (a->ndim == 2) { *n = s[0]; *len = s[1]; }
    else if (a->ndim == 3 && s[1] == 1) { *n = s[0]; *len = s[2]; }
    else if (a->ndim == 3 && s[2] == 1) { *n = s[0]; *len = s[1]; }
    else {
        char sh[96] = "";
        int k = 0;
        for (int i = 0; i < a->ndim && k < 80; i++)
            k += snprintf(sh + k, sizeof sh - k, "%s%zu", i ? ", " : "", s[i]);
        return ts_fail("%s: shape (%s) is not (N, L), (N, 1, L) or (N, L, 1)", path, sh);
    }
    if (*n == 0 || *len == 0) return ts_fail("%s: empty array", path);
    return 0;
}

int ts_npy_to_windows(const ts_npy *a, const char *path, int32_t max_id, ts_windows *out)
{
    memset(out, 0, sizeof *out);
    size_t n, len;
    if (window_shape(__func__, a, path, &n, &len) != 0) return -1;
    size_t count = n * len;
    int32_t *d = ts_malloc(count * sizeof *d);
    double hi = max_id >= 0 && max_id <= TS_ID_MAX ? (double)max_id : (double)TS_ID_MAX;
    for (size_t i = 0; i < count; i++) {
        double v;
        if (a->dtype == TS_NPY_F32) {
            v = ((const float *)a->data)[i];
            /* no number, no ID: -inf is not read as 0 as a negative is, +inf not as an ID
             * past any model's */
            if (!isfinite(v)) {
                free(d);
                return ts_fail("%s: window %zu, position %zu: value %s is no event ID (not a finite number)", path,
                               i / len, i % len, v != v ? "nan" : v > 0 ? "inf" : "-inf");
            }
            v = floor(v + 0.5);            /* nearest ID */
            if (v < 0) v = 0;
        } else {
            v = a->dtype == TS_NPY_I32 ? (double)((const int32_t *)a->data)[i]
                                       : (double)((const int64_t *)a->data)[i];
            if (v < 0) {
                free(d);
                return ts_fail("%s: window %zu, position %zu: negative ID %.0f", path, i / len, i % len, v);
            }
        }
        /* only reals are clamped (a diffusion model's outputs beyond the last ID, as the
         * study scored them); an integer is an ID as it is, like one in a window file: a
         * clamped one could land on the right ID and be scored right */
        if (v > hi) {
            if (a->dtype == TS_NPY_F32 && max_id >= 0) {
                v = hi;
            } else if (v > (double)TS_ID_MAX) {
                free(d);
                return ts_fail("%s: window %zu, position %zu: ID %.0f is out of range (max %d)", path, i / len,
                               i % len, v, TS_ID_MAX);
            }
        }
        d[i] = (int32_t)v;
    }
    out->data = d;
    out->n = n;
    out->len = len;
    return 0;
}

/* v in the fewest digits that read back as v ("0.9999999999", not "1" as %g has it) */
typedef struct { char s[32]; } num_text;
static num_text shortest(double v)
{
    num_text t;
    for (int p = 1; p <= 17; p++) {
        snprintf(t.s, sizeof t.s, "%.*g", p, v);
        if (!isfinite(v) || strtod(t.s, NULL) == v) break;
    }
    return t;
}

int ts_npy_to_mask(const ts_npy *a, const char *path, uint8_t **mask, size_t *n, size_t *len)
{
    *mask = NULL;
    if (window_shape(__func__, a, path, n, len) != 0) return -1;
    size_t count = *n * *len;
    uint8_t *m = ts_malloc(count);
    for (size_t i = 0; i < count; i++) {
        /* 0 or 1 only, as a window file's mask: anything else is another array given
         * as the mask (the originals, the imputation), not a mask */
        double v = a->dtype == TS_NPY_F32 ? (double)((const float *)a->data)[i]
                 : a->dtype == TS_NPY_I32 ? (double)((const int32_t *)a->data)[i]
                                          : (double)((const int64_t *)a->data)[i];
        /* (a float64 float32 rounded, to 0 or 1 or not: its own value) */
        if (a->dtype == TS_NPY_F32 && a->rounded && i == a->rounded_at) v = a->rounded_value;
        if (v != 0 && v != 1) {
            free(m);
            return ts_fail("%s: window %zu, position %zu: mask value %s (1 = observed, 0 = missing)",
                           path, i / *len, i % *len, shortest(v).s);
        }
        m[i] = v != 0;
    }
    *mask = m;
    return 0;
}

/* both public writers and ts__write_impute_arch; who: the one called, which a caller's
 * error names. arch (NULL: none) goes to DIR/arch, where eval reads the architecture of the
 * type accuracy; without it, an earlier run's goes (it would name another trace's), but in
 * a dataset's folder (stream.txt) or a split's (split.txt), whose own it is: there it is
 * neither written nor removed */
static int write_impute(const char *who, const char *dir, const ts_windows *orig, const uint8_t *mask,
                        const ts_windows *imputed, const ts_vocab *names, const char *arch)
{
    size_t n = orig->n, L = orig->len;
    if (!mask) return ts_fail_null(who, "mask");
    if (!orig->data && n && L) return ts_fail_null(who, "orig->data");
    if (!imputed->data && imputed->n && imputed->len) return ts_fail_null(who, "imputed->data");
    if (imputed->n != n || imputed->len != L)
        return ts_fail("%s: imputed windows are %zu x %zu, originals %zu x %zu", dir, imputed->n,
                       imputed->len, n, L);
    /* one set (a stage in dir, made with its folders where not there): a failure or a
     * signal half way leaves the old three, never a new original beside an old imputation */
    ts_stage st;
    if (ts_stage_open(&st, dir) != 0) return -1;
    static const char *const all[5] = {"original0.npy", "mask0.npy", "imputation0.npy", "original0.names.txt",
                                       "imputation0.names.txt"};
    const char *const *named = all + 3;
    size_t shape[3] = {n, 1, L};
    float *f = ts_malloc(n * L * sizeof *f);
    int rc = 0;
    for (int k = 0; k < 3 && rc == 0; k++) {
        for (size_t i = 0; i < n * L; i++)
            f[i] = k == 0 ? (float)orig->data[i] : k == 1 ? (float)(mask[i] != 0)
                                                          : (float)imputed->data[i];
        char *p = ts_path_join(st.stage, all[k]);
        rc = ts_npy_write(p, TS_NPY_F32, f, 3, shape);   /* a file replaced keeps its mode (the commit's rule) */
        free(p);
    }
    free(f);
    /* the windows' names beside them, as generate writes W.names.txt: their IDs may be a
     * numbering of the input's own, which nothing else names */
    for (int k = 0; k < 2 && rc == 0 && names; k++) {
        char *p = ts_path_join(st.stage, named[k]);
        rc = ts_windows_write_names(p, k ? imputed : orig, names);
        free(p);
    }
    /* a dataset's folder (stream.txt) or a split's (split.txt): its arch is its own, left
     * as it is (neither written over nor removed) */
    int own = 0;
    for (int k = 0; k < 2 && !own; k++) {
        char *q = ts_path_join(dir, k ? "split.txt" : "stream.txt");
        own = ts_file_exists(q);
        free(q);
    }
    if (rc == 0 && arch && !own) {
        char *p = ts_path_join(st.stage, "arch");
        ts_outfile o;
        if ((rc = ts_out_open(&o, p)) == 0) {
            fprintf(o.f, "%s\n", arch);
            rc = ts_out_commit(&o);
        }
        free(p);
    }
    if (rc) {   /* the error names the file as it would have been, not its stage */
        ts__stage_error(&st, dir);
        ts_stage_abort(&st);
        return -1;
    }
    /* without names, an earlier run's go: they would name other windows; so does an arch */
    const char *keep[6], *gone[3];
    int nk = 0, ng = 0;
    for (int k = 0; k < 5; k++) {
        if (k < 3 || names) keep[nk++] = all[k];
        else gone[ng++] = all[k];
    }
    if (!own && arch) keep[nk++] = "arch";
    else if (!own) gone[ng++] = "arch";
    return ts_stage_commit_removing(&st, keep, nk, gone, ng);
}

int ts_write_impute_triple(const char *dir, const ts_windows *orig, const uint8_t *mask,
                           const ts_windows *imputed)
{
    return write_impute(__func__, dir, orig, mask, imputed, NULL, NULL);
}

int ts_write_impute_named(const char *dir, const ts_windows *orig, const uint8_t *mask,
                          const ts_windows *imputed, const ts_vocab *names)
{
    return write_impute(__func__, dir, orig, mask, imputed, names, NULL);
}

int ts__write_impute_arch(const char *dir, const ts_windows *orig, const uint8_t *mask, const ts_windows *imputed,
                          const ts_vocab *names, const char *arch)
{
    return write_impute("ts_write_impute_named", dir, orig, mask, imputed, names, arch);
}
