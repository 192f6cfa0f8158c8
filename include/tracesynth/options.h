/* tracesynth — one command-line option parser (in the manner of git's parse-options).
 *
 * A command declares a table of options: type, names, destination, range and
 * help. ts_opt_parse fills the destinations, accepts "--name VALUE" and
 * "--name=VALUE" alike (and "-o VALUE" for a short name; an option given twice keeps its
 * last value, a callback option sees each), collects positional
 * arguments, and hands unknown "--key VALUE" pairs to the caller's ts_kv when it
 * asks for them (a model's own options). The usage text is made from the table. */
#ifndef TRACESYNTH_OPTIONS_H
#define TRACESYNTH_OPTIONS_H

#include <stdarg.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    TS_OPT_END = 0,
    TS_OPT_FLAG,      /* int *: set to 1; no value */
    TS_OPT_STRING,    /* const char **: the value as given */
    TS_OPT_LONG,      /* long *: an integer in [lo, hi] */
    TS_OPT_SIZE,      /* size_t *: an integer in [lo, hi] (lo >= 0) */
    TS_OPT_DOUBLE,    /* double *: a finite number in [dlo, dhi] (both 0: any) */
    TS_OPT_CHOICE,    /* int *: the index of the value in choices (NULL-terminated) */
    TS_OPT_CALLBACK,  /* cb(value, dst): 0, or -1 + ts_fail naming what is wrong */
    TS_OPT_GROUP,     /* a heading in the help; no option */
} ts_opt_type;

/* ts_option.flags: TS_OPT_REQUIRED: an error when not given; TS_OPT_HELP_KEY (a string
 * option): given with --help, its value narrows the help (ts_opt_spec.more_help) */
enum { TS_OPT_REQUIRED = 1, TS_OPT_HELP_KEY = 2 };

typedef struct {
    ts_opt_type type;
    char        short_name;   /* 0: none */
    const char *long_name;    /* without the dashes */
    void       *value;
    const char *argh;         /* the value's name in the help ("N", "FILE") */
    const char *help;         /* may hold '\n' for more lines */
    long        lo, hi;       /* TS_OPT_LONG, TS_OPT_SIZE */
    double      dlo, dhi;     /* TS_OPT_DOUBLE */
    const char *alias;        /* an old long name that means the same: still read, with a note */
    int         flags;        /* TS_OPT_REQUIRED, TS_OPT_HELP_KEY */
    const char *const *choices;                /* TS_OPT_CHOICE */
    int (*cb)(const char *value, void *dst);   /* TS_OPT_CALLBACK */
} ts_option;

#define TS_OPT_FLAG_(s, l, v, h)            {TS_OPT_FLAG, s, l, v, NULL, h, 0, 0, 0, 0, NULL, 0, NULL, NULL}
#define TS_OPT_STR_F_(s, l, v, a, f, h)     {TS_OPT_STRING, s, l, v, a, h, 0, 0, 0, 0, NULL, f, NULL, NULL}
#define TS_OPT_STR_(s, l, v, a, h)          TS_OPT_STR_F_(s, l, v, a, 0, h)
#define TS_OPT_LONG_F_(s, l, v, a, lo, hi, f, h) {TS_OPT_LONG, s, l, v, a, h, lo, hi, 0, 0, NULL, f, NULL, NULL}
#define TS_OPT_LONG_(s, l, v, a, lo, hi, h) TS_OPT_LONG_F_(s, l, v, a, lo, hi, 0, h)
#define TS_OPT_SIZE_F_(s, l, v, a, lo, hi, f, h) {TS_OPT_SIZE, s, l, v, a, h, lo, hi, 0, 0, NULL, f, NULL, NULL}
#define TS_OPT_SIZE_(s, l, v, a, lo, hi, h) TS_OPT_SIZE_F_(s, l, v, a, lo, hi, 0, h)
#define TS_OPT_DBL_(s, l, v, a, lo, hi, h)  {TS_OPT_DOUBLE, s, l, v, a, h, 0, 0, lo, hi, NULL, 0, NULL, NULL}
#define TS_OPT_CHOICE_(s, l, v, a, c, h)    {TS_OPT_CHOICE, s, l, v, a, h, 0, 0, 0, 0, NULL, 0, c, NULL}
#define TS_OPT_CB_(s, l, v, a, cb, h)       {TS_OPT_CALLBACK, s, l, v, a, h, 0, 0, 0, 0, NULL, 0, NULL, cb}
/* a callback option also read under an old long name */
#define TS_OPT_CB_ALIAS_(s, l, old, v, a, cb, h) {TS_OPT_CALLBACK, s, l, v, a, h, 0, 0, 0, 0, old, 0, NULL, cb}
#define TS_OPT_GROUP_(h)                    {TS_OPT_GROUP, 0, NULL, NULL, NULL, h, 0, 0, 0, 0, NULL, 0, NULL, NULL}
#define TS_OPT_END_                         {TS_OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0, NULL, 0, NULL, NULL}

typedef struct {
    const char  *cmd;         /* "train": messages say "tracesynth train: error: ..." */
    const char  *usage;       /* "tracesynth train --model NAME DATASET [OPTIONS]" */
    const char  *about;       /* a paragraph under the usage line (may be NULL) */
    const ts_option *opts;    /* ended by TS_OPT_END_ */
    int          min_pos, max_pos;   /* positional arguments accepted */
    const char  *pos_name;    /* "DATASET": in messages about positional arguments */
    int          extra_kv;    /* 1: unknown --key VALUE pairs go to kv; 0: an error */
    /* printed after the options (e.g. the models): key is the value of the TS_OPT_HELP_KEY
     * option given with --help (e.g. a model's name: that model's part alone), else NULL;
     * with f NULL it only checks key: 0, or -1 + ts_fail (--help then is a usage error) */
    int        (*more_help)(FILE *f, const char *key);
} ts_opt_spec;

typedef struct {
    int          npos;
    const char **pos;         /* argv pointers, npos of them */
    int          nkv;
    const char **keys, **values;
    int          ngiven;
    const void **given;       /* the destinations of the table's options given */
} ts_opt_result;

/* 1 when an option of the table whose destination is value was given (at any value,
 * its default included), else 0: for options that only some cases read */
int  ts_opt_given(const ts_opt_result *r, const void *value);

/* 0: parsed; 1: help was asked for and printed to stdout (narrowed by the TS_OPT_HELP_KEY
 * option's value when given, anywhere before "--"); 2: a usage error was printed
 * to stderr (a value out of range or not a choice, a callback's ts_error, a TS_OPT_REQUIRED
 * option not given, an empty value of an option of the table: "--name=" or "--name ''",
 * an empty positional argument: "''", named by its word of pos_name)
 * ("tracesynth CMD: error: ... (see 'tracesynth CMD --help')"). Options not in the table
 * go to the model with their values as given, which checks them. Free the result with
 * ts_opt_free in every case. */
int  ts_opt_parse(const ts_opt_spec *spec, int argc, char **argv, ts_opt_result *out);
void ts_opt_free(ts_opt_result *r);
/* the whole help: more_help's with no key */
void ts_opt_usage(const ts_opt_spec *spec, FILE *f);
/* "tracesynth CMD: error: MESSAGE (see 'tracesynth CMD --help')" on stderr, written by one
 * call, the message made by fmt and shown as ts_put_shown shows it */
void ts_usage_line(const char *cmd, const char *fmt, va_list ap);

#ifdef __cplusplus
}
#endif

#endif
