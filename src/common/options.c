/* The command-line option parser (see options.h). */
#include "tracesynth/options.h"
#include "tracesynth/common.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void ts_usage_line(const char *cmd, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0) return;
    char *msg = ts_malloc((size_t)n + 1), pre[160], post[160];
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    snprintf(pre, sizeof pre, "tracesynth %s: error: ", cmd);
    snprintf(post, sizeof post, " (see 'tracesynth %s --help')\n", cmd);
    ts_put_line(stderr, pre, msg, post);
    free(msg);
}

static int usage_error(const ts_opt_spec *sp, const char *fmt, ...) TS_PRINTF(2, 3);
static int usage_error(const ts_opt_spec *sp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ts_usage_line(sp->cmd, fmt, ap);   /* values as given may hold control bytes */
    va_end(ap);
    return 2;
}

static const ts_option *find_long(const ts_option *o, const char *name, size_t n)
{
    for (; o->type != TS_OPT_END; o++) {
        if (o->type == TS_OPT_GROUP) continue;
        if (o->long_name && strlen(o->long_name) == n && !strncmp(o->long_name, name, n)) return o;
        if (o->alias && strlen(o->alias) == n && !strncmp(o->alias, name, n)) return o;
    }
    return NULL;
}

static const ts_option *find_short(const ts_option *o, char c)
{
    for (; o->type != TS_OPT_END; o++)
        if (o->type != TS_OPT_GROUP && o->short_name && o->short_name == c) return o;
    return NULL;
}

/* "--name" or "-n" as the user wrote it, for messages */
static void opt_label(const ts_option *o, int is_short, char *buf, size_t n)
{
    if (is_short) snprintf(buf, n, "-%c", o->short_name);
    else snprintf(buf, n, "--%s", o->long_name);
}

static int set_value(const ts_opt_spec *sp, const ts_option *o, const char *label, const char *v)
{
    switch (o->type) {
    case TS_OPT_STRING:
        *(const char **)o->value = v;
        return 0;
    case TS_OPT_LONG:
    case TS_OPT_SIZE: {
        long x;
        if (ts_parse_long(v, o->lo, o->hi, &x))
            return usage_error(sp, "%s expects an integer in [%ld, %ld], got '%s'", label, o->lo, o->hi, v);
        if (o->type == TS_OPT_SIZE) *(size_t *)o->value = (size_t)x;
        else *(long *)o->value = x;
        return 0;
    }
    case TS_OPT_DOUBLE: {
        double x;
        int ranged = o->dlo != 0 || o->dhi != 0;
        if (ts_parse_double(v, 0, 0, &x))
            return usage_error(sp, "%s expects a number, got '%s'", label, v);
        if (ranged && ts_parse_double(v, o->dlo, o->dhi, &x))
            return usage_error(sp, "%s expects a number in [%g, %g], got '%s'", label, o->dlo, o->dhi, v);
        *(double *)o->value = x;
        return 0;
    }
    case TS_OPT_CHOICE: {
        for (int i = 0; o->choices[i]; i++)
            if (!strcmp(o->choices[i], v)) { *(int *)o->value = i; return 0; }
        char list[256] = "";
        for (int i = 0; o->choices[i]; i++) {
            size_t l = strlen(list);
            snprintf(list + l, sizeof list - l, "%s%s", i == 0 ? "" : o->choices[i + 1] ? ", " : " or ",
                     o->choices[i]);
        }
        return usage_error(sp, "%s expects %s, got '%s'", label, list, v);
    }
    case TS_OPT_CALLBACK:
        if (o->cb(v, o->value)) return usage_error(sp, "%s: %s", label, ts_error());
        return 0;
    default:
        return 0;
    }
}

/* "-o DIR" or "--model NAME": how the help names an option */
static void opt_synopsis(const ts_option *o, char *buf, size_t n)
{
    if (o->short_name) snprintf(buf, n, "-%c", o->short_name);
    else snprintf(buf, n, "--%s", o->long_name);
    if (o->type != TS_OPT_FLAG) {
        size_t l = strlen(buf);
        snprintf(buf + l, n - l, " %s", o->argh ? o->argh : "VALUE");
    }
}

static void usage(const ts_opt_spec *sp, FILE *f, const char *key);

static int is_help(const char *a) { return !strcmp(a, "--help") || !strcmp(a, "-h"); }

/* "--help", "--length": an option, never the value of the one before it (that one's value
 * is then missing: "--model --help" asks for the help). A value that begins with "--" is
 * given as --name=--VALUE; "-h", "-1" and "-" stay values ("-o -h" names a file), but for
 * the help key's, which names a model ("--model -h" asks for the help) */
static int is_long_option(const char *a) { return a[0] == '-' && a[1] == '-' && a[2]; }

/* the usage error of an option (label, as given; longf: its long form, "--output" for
 * "-o", the one that takes "=VALUE") whose value is missing; next: the word after it
 * (NULL: none), an option */
static int needs_value(const ts_opt_spec *sp, const char *label, const char *longf, const char *next)
{
    if (!next) return usage_error(sp, "%s needs a value", label);
    return usage_error(sp, "%s needs a value, not the option '%s' (%s=%s gives it as the value)", label, next, longf,
                       next);
}

/* the name of positional argument i in messages: its word of pos_name ("MODEL DATASET"),
 * the last word for those past it (ingest's INPUT...), into buf */
static void pos_word(const ts_opt_spec *sp, int i, char *buf, size_t n)
{
    const char *w = sp->pos_name ? sp->pos_name : "argument", *sp_at;
    for (; i > 0 && (sp_at = strchr(w, ' ')); i--) w = sp_at + 1;
    const size_t len = strcspn(w, " ");
    snprintf(buf, n, "%.*s", (int)len, w);
}

int ts_opt_parse(const ts_opt_spec *sp, int argc, char **argv, ts_opt_result *out)
{
    memset(out, 0, sizeof *out);
    size_t cap = argc > 0 ? (size_t)argc : 1;
    out->pos = ts_calloc(cap, sizeof *out->pos);
    out->keys = ts_calloc(cap, sizeof *out->keys);
    out->values = ts_calloc(cap, sizeof *out->values);
    out->given = ts_calloc(cap, sizeof *out->given);
    /* help wins wherever it is asked for, but past "--", or as an option's value
     * ("-o -h"), it is an argument like any other; the help key's last value (before or
     * after it) narrows it */
    int help = 0;
    const ts_option *ko = NULL;
    const char *help_key = NULL;
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
        const char *a = argv[i];
        if (is_help(a)) { help = 1; continue; }
        if (a[0] != '-' || !a[1]) continue;
        const ts_option *o = NULL;
        const char *eq = a[1] == '-' ? strchr(a, '=') : NULL;
        if (a[1] != '-') o = a[2] ? NULL : find_short(sp->opts, a[1]);
        else o = find_long(sp->opts, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
        /* its value follows; the help key's (a model's name) is never "-h" either */
        const int valued = eq || (i + 1 < argc && !is_long_option(argv[i + 1]) &&
                                  !(o && (o->flags & TS_OPT_HELP_KEY) && is_help(argv[i + 1])));
        if (o && (o->flags & TS_OPT_HELP_KEY) && valued) {
            ko = o;
            help_key = eq ? eq + 1 : argv[i + 1];
        }
        if (eq) continue;
        /* its value follows; a model's own option never takes "--help" or "-h" as its value
         * ("train --bogus --help" asks for the help, where "-o -h" names a file) */
        if (valued && (o ? o->type != TS_OPT_FLAG : (a[1] == '-' && sp->extra_kv && !is_help(argv[i + 1])))) i++;
    }
    if (help) {
        if (help_key && sp->more_help && sp->more_help(NULL, help_key))   /* checked before a line is printed */
            return usage_error(sp, "--%s: %s", ko->long_name, ts_error());
        usage(sp, stdout, help_key);
        return 1;
    }
    size_t nopt = 0;
    while (sp->opts[nopt].type != TS_OPT_END) nopt++;
    int only_pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_pos || a[0] != '-' || !a[1]) {
            if (out->npos >= sp->max_pos) {
                if (sp->max_pos == 0) return usage_error(sp, "unexpected argument '%s'", a);
                if (sp->max_pos == 1)
                    return usage_error(sp, "more than one %s ('%s', '%s')", sp->pos_name, out->pos[0], a);
                return usage_error(sp, "too many arguments ('%s')", a);
            }
            /* "" names no file: said so, as "--name ''" is, not opened as one */
            if (!*a) {
                char word[64];
                pos_word(sp, out->npos, word, sizeof word);
                return usage_error(sp, "an empty %s ('')", word);
            }
            out->pos[out->npos++] = a;
            continue;
        }
        if (!strcmp(a, "--")) { only_pos = 1; continue; }
        const ts_option *o;
        const char *v = NULL, *name;
        size_t nlen;
        int is_short = a[1] != '-';
        char label[128];
        if (is_short) {
            if (a[2]) return usage_error(sp, "unknown option '%s'", a);
            o = find_short(sp->opts, a[1]);
            if (!o) return usage_error(sp, "unknown option '%s'", a);
            name = a + 1;
            nlen = 1;
        } else {
            name = a + 2;
            const char *eq = strchr(name, '=');
            nlen = eq ? (size_t)(eq - name) : strlen(name);
            if (eq) v = eq + 1;
            if (nlen == 0) return usage_error(sp, "unknown option '%s'", a);
            o = find_long(sp->opts, name, nlen);
        }
        if (!o) {
            /* a model's own option: --key VALUE or --key=VALUE */
            if (!sp->extra_kv) return usage_error(sp, "unknown option '%.*s'", (int)nlen + 2, a);
            if (!v) {
                if (i + 1 >= argc || is_long_option(argv[i + 1]))
                    return needs_value(sp, a, a, i + 1 < argc ? argv[i + 1] : NULL);
                v = argv[++i];
            }
            char *key = ts_malloc(nlen + 1);
            memcpy(key, name, nlen);
            key[nlen] = 0;
            out->keys[out->nkv] = key;
            out->values[out->nkv++] = v;
            continue;
        }
        opt_label(o, is_short, label, sizeof label);
        if (o->value) out->given[out->ngiven++] = o->value;
        if (!is_short && o->alias && strlen(o->alias) == nlen && !strncmp(o->alias, name, nlen))
            fprintf(stderr, "tracesynth %s: note: --%s is now --%s\n", sp->cmd, o->alias, o->long_name);
        if (o->type == TS_OPT_FLAG) {
            if (v) return usage_error(sp, "%s takes no value", label);
            *(int *)o->value = 1;
            continue;
        }
        if (!v) {
            if (i + 1 >= argc || is_long_option(argv[i + 1])) {
                char longf[128];
                opt_label(o, 0, longf, sizeof longf);
                return needs_value(sp, label, longf, i + 1 < argc ? argv[i + 1] : NULL);
            }
            v = argv[++i];
        }
        /* "--name ''" as "--name=": both forms alike */
        if (!*v) return usage_error(sp, "%s needs a value", label);
        int rc = set_value(sp, o, label, v);
        if (rc) return rc;
    }
    if (out->npos < sp->min_pos)
        return usage_error(sp, "no %s given", sp->pos_name ? sp->pos_name : "argument");
    for (size_t j = 0; j < nopt; j++)
        if ((sp->opts[j].flags & TS_OPT_REQUIRED) && !ts_opt_given(out, sp->opts[j].value)) {
            char syn[128];
            opt_synopsis(&sp->opts[j], syn, sizeof syn);
            return usage_error(sp, "%s is required", syn);
        }
    return 0;
}

void ts_opt_free(ts_opt_result *r)
{
    if (!r) return;
    for (int i = 0; i < r->nkv; i++) free((char *)r->keys[i]);
    free(r->pos);
    free(r->keys);
    free(r->values);
    free(r->given);
    memset(r, 0, sizeof *r);
}

int ts_opt_given(const ts_opt_result *r, const void *value)
{
    for (int i = 0; i < r->ngiven; i++)
        if (r->given[i] == value) return 1;
    return 0;
}

static void usage(const ts_opt_spec *sp, FILE *f, const char *key)
{
    fprintf(f, "usage: %s\n", sp->usage);
    if (sp->about) fprintf(f, "\n%s", sp->about);
    fputc('\n', f);
    for (const ts_option *o = sp->opts; o->type != TS_OPT_END; o++) {
        if (o->type == TS_OPT_GROUP) { fprintf(f, "\n%s\n", o->help); continue; }
        char head[96];
        int n = 0;
        if (o->short_name) n = snprintf(head, sizeof head, "  -%c, ", o->short_name);
        else n = snprintf(head, sizeof head, "  ");
        snprintf(head + n, sizeof head - (size_t)n, "--%s%s%s", o->long_name,
                 o->type == TS_OPT_FLAG ? "" : " ", o->type == TS_OPT_FLAG ? "" : (o->argh ? o->argh : "VALUE"));
        /* the help's lines, the first beside the option, the rest under it */
        const char *h = o->help ? o->help : "";
        int first = 1;
        do {
            const char *nl = strchr(h, '\n');
            int len = nl ? (int)(nl - h) : (int)strlen(h);
            if (first && strlen(head) < 24) fprintf(f, "%-24s %.*s\n", head, len, h);
            else if (first) fprintf(f, "%s\n%-24s %.*s\n", head, "", len, h);
            else fprintf(f, "%-24s %.*s\n", "", len, h);
            first = 0;
            h = nl ? nl + 1 : NULL;
        } while (h && *h);
        if (o->alias) fprintf(f, "%-24s (also --%s)\n", "", o->alias);
    }
    /* where they are told: impute's and generate's own options hold none of them */
    if (sp->extra_kv)
        fprintf(f, "\nOther --KEY VALUE pairs are options of the model; 'tracesynth train --model\n"
                   "NAME --help' lists each model's.\n");
    if (sp->more_help) sp->more_help(f, key);
}

void ts_opt_usage(const ts_opt_spec *sp, FILE *f) { usage(sp, f, NULL); }
