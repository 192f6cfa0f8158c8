/* tracesynth bench data: the speed of reading a window file and of the
 * generation metrics (the timings the unit tests leave out). */
#include "cli.h"

#include <stdlib.h>

/* a trace of 4 six-event motifs, noise_pct % of events replaced by one of 12 IDs */
static void motif_trace(int32_t *x, size_t n, ts_rng *r, int noise_pct)
{
    static const int32_t motif[4][6] = {{0, 0, 1, 1, 2, 2}, {3, 3, 0, 0, 4, 4},
                                        {5, 5, 1, 1, 0, 0}, {6, 6, 2, 2, 7, 7}};
    for (size_t i = 0; i < n;) {
        const int32_t *m = motif[ts_rng_below(r, 4)];
        for (int j = 0; j < 6 && i < n; j++)
            x[i++] = (int)ts_rng_below(r, 100) < noise_pct ? (int32_t)ts_rng_below(r, 12) : m[j];
    }
}

int bench_data(int argc, char **argv)
{
    static const char def_win[] = "../shared/datasets/pts/ffmpeg/sequence_length_150/training";
    const char *win = def_win;
    long runs = 3, threads = 0;
    const ts_option opts[] = {
        TS_OPT_STR_(0, "windows", &win, "FILE", "window file to read (default: the PTS ffmpeg L=150\n"
                    "training windows in ../shared; that one skipped when\n"
                    "absent)"),
        TS_OPT_LONG_(0, "runs", &runs, "N", 1, 1000, "timed runs of each (default 3; the fastest is shown)"),
        TS_OPT_LONG_(0, "threads", &threads, "N", 0, 4096, "threads (default 0: OMP_NUM_THREADS when set,\n"
                 "else all cores)"),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        "bench data", "tracesynth bench data [--windows FILE] [--runs N]",
        "Time reading a window file and computing the generation metrics (500 windows of\n"
        "200 against a 50,000-event training stream).\n",
        opts, 0, 0, NULL, 0, NULL,
    };
    ts_opt_result args;
    int rc = ts_opt_parse(&spec, argc, argv, &args);
    ts_opt_free(&args);
    if (rc) return rc == 1 ? 0 : rc;
    if ((rc = cli_input_no_stdin("bench data", "--windows", win, "the file is read once per run"))) return rc;
    ts_set_threads((int)threads);

    /* only the default file is skipped when absent: a file named with --windows must be read */
    if (win != def_win || ts_file_exists(win)) {
        double best = 1e30;
        size_t n = 0, len = 0;
        for (long i = 0; i < runs; i++) {
            ts_windows w;
            double t0 = ts_now();
            if (ts_windows_read(win, &w)) return cli_fail();
            double dt = ts_now() - t0;
            if (dt < best) best = dt;
            n = w.n, len = w.len;
            ts_windows_free(&w);
        }
        printf("read %s: %zu x %zu windows in %.1f ms\n", win, n, len, best * 1e3);
    } else {
        printf("read: skipped (%s not present)\n", win);
    }

    size_t tn = 50000, sn = 500, sl = 200;
    int32_t *t = ts_malloc(tn * sizeof *t), *s = ts_malloc(sn * sl * sizeof *s);
    ts_rng r;
    ts_rng_seed(&r, 3);
    motif_trace(t, tn, &r, 2);
    motif_trace(s, sn * sl, &r, 4);
    ts_windows T = {t, 1, tn}, S = {s, sn, sl}, R = {t, tn / sl, sl};
    ts_gen_metrics g;
    double best = 1e30;
    for (long i = 0; i < runs; i++) {
        double t0 = ts_now();
        if (ts_eval_generate(&R, &S, &T, &g)) { free(t); free(s); return cli_fail(); }
        double dt = ts_now() - t0;
        if (dt < best) best = dt;
    }
    printf("generation metrics: %zu x %zu against %zu event%s in %.1f ms (%d thread%s; d_trans %.4f)\n", sn, sl,
           tn, ts_plural(tn), best * 1e3, ts_get_threads(), ts_plural((size_t)ts_get_threads()), g.d_trans);
    free(t);
    free(s);
    return 0;
}
