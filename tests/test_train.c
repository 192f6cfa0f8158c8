/* The shared training loop: a tiny least-squares network trains, resumes to the
 * same bits, refuses an unwritable output before learning, keeps one line per
 * iteration in the log across a resume, and stops on a non-finite loss. */
#include "check.h"
#include "tracesynth/train.h"
#include "tracesynth/container.h"
#include "container_edit.h"
#include "gradcheck.h"
#include "mc_trace.h"

#include <math.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* y = w . x + b on fixed data; a batch of 4 rows drawn from the rng */
typedef struct {
    float p[4], g[4];
    float x[32][3], y[32];
    long steps;
    int poison;          /* step at which the loss turns NaN (0: never) */
    int valid_nan;       /* step from which validation's loss is NaN (0: never) */
    int valid_from;      /* step from which validation's loss is valid_scale times its value (0: never) */
    double valid_scale;
    int sleep_us;        /* each step takes at least this long */
    const char *break_log;   /* validation at step 20 moves this log aside, a directory in its place */
    const char *path_saved;
    const char *valid_log;   /* each validation appends a record of its own here */
    double after_ret;        /* what its `after` returns; and the arguments it was given */
    double after_share, after_valid;
    int afters;
    int normal;          /* each step draws a normal (noise on its targets) */
    float (*traj)[4];    /* when set: the parameters each step starts from */
    long ntraj;
    double clock;        /* the budget's clock (ts_train_set_clock): each step moves it on */
    double dt, dt_slow;  /* by dt, and by dt_slow from step slow_from on (until slow_to, where set) */
    long slow_from, slow_to;
    long alt_every;      /* where set: from step 503 on (after a --budget's timing), each step
                          * 20 % longer, then 20 % shorter, by turns of alt_every steps */
    const char *copy_from, *copy_to;   /* the validation of iteration copy_at copies this file */
    long copy_at;
    long worse_from;     /* the validations of this iteration and later ones: 1e12 times the loss (0: never) */
} lsq;

static void lsq_make(lsq *q)
{
    memset(q, 0, sizeof *q);
    ts_rng r;
    ts_rng_seed(&r, 7);
    for (int i = 0; i < 32; i++) {
        for (int j = 0; j < 3; j++) q->x[i][j] = ts_rng_normal(&r);
        q->y[i] = 1.5f * q->x[i][0] - 2.0f * q->x[i][1] + 0.5f * q->x[i][2] + 0.25f;
    }
}

static int lsq_step(void *ctx, ts_rng *rng, float *loss)
{
    lsq *q = ctx;
    if (q->traj) memcpy(q->traj[q->ntraj++], q->p, sizeof q->p);
    q->steps++;
    if (q->sleep_us) usleep((useconds_t)q->sleep_us);
    int slow = q->slow_from && q->steps >= q->slow_from && (!q->slow_to || q->steps < q->slow_to);
    double dt = slow ? q->dt_slow : q->dt;
    if (q->alt_every && q->steps > 502) dt *= (q->steps - 503) / q->alt_every % 2 ? 0.8 : 1.2;
    q->clock += dt;
    float z = q->normal ? 0.01f * ts_rng_normal(rng) : 0.0f;
    double l = lsq_batch_loss(q->p, q->g, q->x, q->y, 32, z, rng);
    *loss = q->poison && q->steps >= q->poison ? NAN : (float)l;
    return 0;
}

static int lsq_valid(void *ctx, double *loss)
{
    lsq *q = ctx;
    if (q->valid_log && ts_train_log(q->valid_log, "\"event\":\"lsq_valid\",\"iter\":%ld", ts_train_valid_iter()))
        return -1;
    if (q->copy_to && ts_train_valid_iter() == q->copy_at) {
        FILE *in = fopen(q->copy_from, "rb"), *out = fopen(q->copy_to, "wb");
        char buf[4096];
        size_t k;
        while (in && out && (k = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, k, out);
        if (in) fclose(in);
        if (!out || fclose(out) != 0 || !in) return -1;
    }
    if (q->break_log && q->steps == 20) {
        char aside[600];
        snprintf(aside, sizeof aside, "%s.aside", q->break_log);
        if (rename(q->break_log, aside) != 0 || mkdir(q->break_log, 0755) != 0) return -1;
    }
    double l = lsq_mse(q->p, q->x, q->y, 32);
    if (q->valid_from && q->steps >= q->valid_from) l *= q->valid_scale;
    if (q->worse_from && ts_train_valid_iter() >= q->worse_from) l *= 1e12;
    *loss = q->valid_nan && q->steps >= q->valid_nan ? -NAN : l;
    return 0;
}

static int lsq_save(void *ctx, const char *path)
{
    lsq *q = ctx;
    ts_writer w;
    ts_writer_init(&w, path);
    ts_writer_text(&w, "MODEL", "lsq");
    ts_writer_chunk(&w, "PARAMS", q->p, sizeof q->p);
    return ts_writer_commit(&w);
}

static double lsq_after(void *ctx, double share_s, double valid_s)
{
    lsq *q = ctx;
    q->afters++;
    q->after_share = share_s, q->after_valid = valid_s;
    if (q->after_ret < 0) ts_fail("lsq: the work after the loop cannot be planned");
    return q->after_ret;
}

static ts_train_net lsq_net(lsq *q)
{
    ts_train_net n = {.name = "lsq", .ctx = q, .params = q->p, .grads = q->g, .n = 4,
                      .config = "inputs=3\n", .step = lsq_step, .validate = lsq_valid, .save = lsq_save,
                      .after = lsq_after};
    return n;
}

static ts_train_cfg lsq_cfg(long iters)
{
    ts_train_cfg c;
    memset(&c, 0, sizeof c);
    c.lr.lr = 0.05;
    c.iters = iters;
    c.valid_every = 10;
    c.log_every = 1;
    c.seed = 3;
    return c;
}

/* a fresh model in q and its net; with c, a run of it of iters iterations (lsq_cfg) there,
 * writing the model to out and the log to log (NULL: none) */
static ts_train_net lsq_start(lsq *q, ts_train_cfg *c, long iters, const char *out, const char *log)
{
    lsq_make(q);
    if (c) {
        *c = lsq_cfg(iters);
        c->out_path = out;
        c->log_path = log;
    }
    return lsq_net(q);
}

/* a run of 40 iterations into a, its parameters into pa: what a resume must end with of
 * the run of 20 made after it with c into b (its log to log, NULL: none). 0 / -1 */
static int lsq_ref_then_20(lsq *q, ts_train_net *n, ts_train_cfg *c, const char *a, float pa[4], const char *b,
                           const char *log)
{
    *n = lsq_start(q, c, 40, a, NULL);
    if (ts_train_run(n, c) != 0) return -1;
    memcpy(pa, q->p, 4 * sizeof *pa);
    *n = lsq_start(q, c, 20, b, log);
    return ts_train_run(n, c);
}

static void learns(void)
{
    lsq q;
    ts_train_cfg c;
    ts_train_net n = lsq_start(&q, &c, 400, NULL, NULL);
    double before;
    lsq_valid(&q, &before);
    REQUIRE(ts_train_run(&n, &c) == 0);
    double after;
    lsq_valid(&q, &after);
    CHECK_MSG(after < before * 0.01, "%g -> %g", before, after);
    CHECK(q.steps == 400);
}

static long count_lines_with(const char *path, const char *s)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[1024];
    long n = 0;
    while (fgets(line, sizeof line, f)) n += strstr(line, s) != NULL;
    fclose(f);
    return n;
}

static void resume_exact_and_log_once(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], b[512], ck[600], ck20[600], logp[600], cmd[2000];
    snprintf(a, sizeof a, "%s/a.m", dir);
    snprintf(b, sizeof b, "%s/b.m", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", b);
    snprintf(ck20, sizeof ck20, "%s/b20.ckpt", dir);
    snprintf(logp, sizeof logp, "%s/log.jsonl", dir);
    lsq q;
    ts_train_cfg c;
    ts_train_net n;
    float pa[4];
    /* 20 iterations, keep that checkpoint, go on to 30 (a run "killed" later),
     * then resume from 20 to 40: the same bits as 40 in one go, each iteration
     * once in the log */
    REQUIRE(lsq_ref_then_20(&q, &n, &c, a, pa, b, logp) == 0);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", ck, ck20);
    REQUIRE(system(cmd) == 0);
    c.iters = 30;
    c.resume = ck;
    REQUIRE(ts_train_run(&n, &c) == 0);
    CHECK(count_lines_with(logp, "\"iter\":25,") == 1);
    c.iters = 40;
    c.resume = ck20;
    REQUIRE(ts_train_run(&n, &c) == 0);
    CHECK(memcmp(pa, q.p, sizeof pa) == 0);
    CHECK(count_lines_with(logp, "\"iter\":25,\"loss\"") == 1);
    CHECK(count_lines_with(logp, "\"iter\":30,\"loss\"") == 1);
    CHECK(count_lines_with(logp, "\"iter\":40,\"loss\"") == 1);
    /* the log is the history of this model: the first resume (to 30) and the first run's
     * end were written after checkpoint 20's validation record, so they went with 21-30 */
    CHECK(count_lines_with(logp, "\"event\":\"resume\"") == 1);
    CHECK(count_lines_with(logp, "\"event\":\"end\"") == 1);

    /* another architecture is refused, naming the file */
    n.config = "inputs=4\n";
    c.resume = ck20;
    CHECK(ts_train_run(&n, &c) == -1);
    CHECK(strstr(ts_error(), ck20) && strstr(ts_error(), "different model") && strstr(ts_error(), "inputs=4"));
    /* a model file is not a checkpoint */
    n.config = "inputs=3\n";
    c.resume = a;
    CHECK(ts_train_run(&n, &c) == -1 && strstr(ts_error(), "checkpoint"));
}

static void unwritable_output_fails_first(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char bad[600];
    snprintf(bad, sizeof bad, "%s/no/such/dir/m.tsm", dir);
    lsq q;
    ts_train_cfg c;
    ts_train_net n = lsq_start(&q, &c, 40, bad, NULL);
    CHECK(ts_train_run(&n, &c) == -1 && strstr(ts_error(), bad));
    CHECK(q.steps == 0);
    c.out_path = NULL;
    c.log_path = bad;
    CHECK(ts_train_run(&n, &c) == -1 && strstr(ts_error(), bad));
    CHECK(q.steps == 0);
}

static void nan_stops(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512];
    snprintf(a, sizeof a, "%s/n.m", dir);
    lsq q;
    ts_train_cfg c;
    ts_train_net n = lsq_start(&q, &c, 40, a, NULL);
    q.poison = 15;
    CHECK(ts_train_run(&n, &c) == -1);
    CHECK_MSG(strstr(ts_error(), "diverged at iteration 15") && strstr(ts_error(), "intact"), "%s", ts_error());
    /* its .ckpt holds the best weights: a resume with a lower rate is the way on */
    CHECK_MSG(!strstr(ts_error(), "from the start") && strstr(ts_error(), "--lr below"), "%s", ts_error());
    CHECK(q.steps == 15);
    /* resumed into another model file that diverges before it is first written: that file
     * is not the best validated model; the checkpoint resumed from is */
    char ck[600], b[512];
    snprintf(ck, sizeof ck, "%s.ckpt", a);
    snprintf(b, sizeof b, "%s/other.m", dir);
    lsq_make(&q);
    q.poison = 2;
    c = lsq_cfg(40);
    c.out_path = b;
    c.resume = ck;
    CHECK(ts_train_run(&n, &c) == -1);
    CHECK_MSG(strstr(ts_error(), "diverged at iteration 12") && !strstr(ts_error(), b) && strstr(ts_error(), ck) &&
              !ts_file_exists(b), "%s", ts_error());
    /* the same run stopped at iteration 20, its checkpoint beside that file written (no
     * validation improved on the best: the file never was), then resumed from there and
     * diverging: the file is not there to be intact; the checkpoint is */
    char bck[600];
    snprintf(bck, sizeof bck, "%s.ckpt", b);
    lsq_make(&q);
    q.valid_from = 1;
    q.valid_scale = 10;
    c = lsq_cfg(20);
    c.out_path = b;
    c.resume = ck;
    REQUIRE(ts_train_run(&n, &c) == 0);
    REQUIRE(ts_file_exists(bck) && !ts_file_exists(b));
    lsq_make(&q);
    q.poison = 2;
    c = lsq_cfg(40);
    c.out_path = b;
    c.resume = bck;
    CHECK(ts_train_run(&n, &c) == -1);
    CHECK_MSG(strstr(ts_error(), "diverged at iteration 22") && !strstr(ts_error(), "best validated model") &&
              strstr(ts_error(), bck) && strstr(ts_error(), "intact"), "%s", ts_error());
    c.resume = ck;
    /* a checkpoint that is not there: refused, and no empty log is left */
    char lg[600];
    snprintf(lg, sizeof lg, "%s/none.jsonl", dir);
    snprintf(ck, sizeof ck, "%s/none.ckpt", dir);
    c.log_path = lg;
    CHECK(ts_train_run(&n, &c) == -1 && strstr(ts_error(), ck) && !ts_file_exists(lg));
}

/* a run stopped between writing its model file (a better validation, iteration 30) and
 * its checkpoint, resumed from the checkpoint before (iteration 20) and diverging: the
 * model file holds a later validation's weights than the checkpoint's best, and the
 * message does not say it holds iteration 20's */
static void diverged_after_model_written(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], ck[600], ck20[600], cmd[1400];
    snprintf(a, sizeof a, "%s/later.m", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", a);
    snprintf(ck20, sizeof ck20, "%s/later20.ckpt", dir);
    lsq q;
    ts_train_cfg c;
    ts_train_net n = lsq_start(&q, &c, 20, a, NULL);
    REQUIRE(ts_train_run(&n, &c) == 0);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", ck, ck20);
    REQUIRE(system(cmd) == 0);
    c.iters = 30;
    c.resume = ck;
    REQUIRE(ts_train_run(&n, &c) == 0);   /* 30 validates better: the model file is 30's */
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", ck20, ck);
    REQUIRE(system(cmd) == 0);            /* the checkpoint of 30 never written */
    lsq_make(&q);
    q.poison = 3;
    c = lsq_cfg(40);
    c.out_path = a;
    c.resume = ck;
    CHECK(ts_train_run(&n, &c) == -1);
    char held[700];
    snprintf(held, sizeof held, "%s (iteration 20", a);
    CHECK_MSG(strstr(ts_error(), "diverged at iteration 23") && !strstr(ts_error(), held) && strstr(ts_error(), a) &&
              strstr(ts_error(), "(written after its .ckpt's best, iteration 20, validation loss ") &&
              strstr(ts_error(), "intact") && !strchr(ts_error(), '\n'), "%s", ts_error());
    /* the model file of the checkpoint's best is named with its iteration, as before */
    lsq_make(&q);
    c = lsq_cfg(20);
    c.out_path = a;
    REQUIRE(ts_train_run(&n, &c) == 0);
    lsq_make(&q);
    q.poison = 3;
    c = lsq_cfg(40);
    c.out_path = a;
    c.resume = ck;
    CHECK(ts_train_run(&n, &c) == -1);
    CHECK_MSG(strstr(ts_error(), "diverged at iteration 23") && strstr(ts_error(), held) &&
              strstr(ts_error(), "intact"), "%s", ts_error());
    /* a checkpoint from before it recorded its model file's checksum does not say which
     * validation the file holds */
    REQUIRE(rewrite_chunk_bytes(ck, ck, "OUTSUM", NULL, 0) == 0);
    lsq_make(&q);
    q.poison = 3;
    CHECK(ts_train_run(&n, &c) == -1);
    CHECK_MSG(strstr(ts_error(), "diverged at iteration 23") && !strstr(ts_error(), held) &&
              strstr(ts_error(), "(its .ckpt's best, iteration 20, validation loss ") &&
              strstr(ts_error(), "or a later validation's the .ckpt does not record)"), "%s", ts_error());
}

/* a run whose last validation loss is far above its best (the weights went astray after
 * the best, which is what is kept) ends with a note naming both and a lower --lr; a run
 * that diverges after such validations points to the best validated model */
static void astray_noted(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], note[512];
    snprintf(a, sizeof a, "%s/astray.m", dir);
    lsq q;
    ts_train_cfg c;
    ts_train_net n = lsq_start(&q, &c, 40, NULL, NULL);
    REQUIRE(ts_train_run(&n, &c) == 0);
    CHECK_MSG(ts_train_note(note, sizeof note) == 0, "%s", note);
    /* from step 21 on, validation sees 1e6 times the loss: the best is iteration 20's */
    lsq_make(&q);
    q.valid_from = 21;
    q.valid_scale = 1e6;
    c.out_path = a;
    REQUIRE(ts_train_run(&n, &c) == 0);
    CHECK(ts_train_note(note, sizeof note) == 1);
    CHECK_MSG(strstr(note, "lsq: the last validation loss") && strstr(note, "(iteration 40)") &&
              strstr(note, "the best, ") && strstr(note, "(iteration 20)") && strstr(note, "--lr below 0.05") &&
              !strchr(note, '\n'), "%s", note);
    /* 50 times: no note */
    lsq_make(&q);
    q.valid_from = 21;
    q.valid_scale = 50;
    c.out_path = NULL;
    REQUIRE(ts_train_run(&n, &c) == 0);
    CHECK_MSG(ts_train_note(note, sizeof note) == 0, "%s", note);
    /* a best no lower than the net's chance loss: the note says it learned nothing */
    lsq_make(&q);
    n.chance = 1e-9;   /* below any loss it reaches */
    REQUIRE(ts_train_run(&n, &c) == 0);
    CHECK(ts_train_note(note, sizeof note) == 1);
    CHECK_MSG(strstr(note, "lsq: the best validation loss") && strstr(note, "is no lower than 1e-09, that of a network "
              "that learned nothing") && strstr(note, "--lr below 0.05") && !strchr(note, '\n'), "%s", note);
    n.chance = 0;
    /* a failed run leaves no note of an earlier one */
    lsq_make(&q);
    q.valid_from = 21;
    q.valid_scale = 1e6;
    REQUIRE(ts_train_run(&n, &c) == 0 && ts_train_note(note, sizeof note) == 1);
    lsq_make(&q);
    q.poison = 5;
    CHECK(ts_train_run(&n, &c) == -1);
    CHECK(ts_train_note(note, sizeof note) == 0);
    /* astray, then diverged: the model kept is the best validated (iteration 20), and the
     * message says so, not "the last good model" */
    lsq_make(&q);
    q.valid_from = 21;
    q.valid_scale = 1e6;
    q.poison = 35;
    c.out_path = a;
    CHECK(ts_train_run(&n, &c) == -1);
    CHECK_MSG(strstr(ts_error(), "diverged at iteration 35") && strstr(ts_error(), "the best validated model") &&
              strstr(ts_error(), a) && strstr(ts_error(), "(iteration 20, validation loss ") &&
              strstr(ts_error(), ".ckpt (iteration 30)") && !strstr(ts_error(), "last good"), "%s", ts_error());
    /* and the .ckpt's weights, which validated 1e6 times worse than the best, would diverge
     * again at a resume: the message says to train again, not to resume it */
    CHECK_MSG(strstr(ts_error(), "a resume from it would diverge again") &&
              strstr(ts_error(), "train again from the start (without --resume)") &&
              strstr(ts_error(), "--lr below 0.05") && !strchr(ts_error(), '\n'), "%s", ts_error());
}

/* a divergence names a loss or a gradient norm that is not a number as NaN, as other
 * messages do (it printed "-nan") */
static void diverged_names_nan(void)
{
    lsq q;
    ts_train_cfg c;
    ts_train_net n = lsq_start(&q, &c, 40, NULL, NULL);
    q.valid_nan = 15;
    CHECK(ts_train_run(&n, &c) == -1);
    CHECK_MSG(strstr(ts_error(), "diverged at iteration 20 (validation loss NaN)") && !strstr(ts_error(), "nan"),
              "%s", ts_error());
    lsq_make(&q);
    q.poison = 5;
    c = lsq_cfg(40);
    CHECK(ts_train_run(&n, &c) == -1);
    CHECK_MSG(strstr(ts_error(), "diverged at iteration 5 (loss NaN, gradient norm ") && !strstr(ts_error(), "nan"),
              "%s", ts_error());
}

/* what a divergence suggests follows the options of the run: a lower --lr always; --clip 1
 * only where clipping is off, a tighter clip where it is looser than 1, and nothing about
 * clipping where the user clips at 1 or below already; a weight decay that multiplies the
 * weights by 1 - lr x decay <= 0 at each step is named, with the largest decay that does not */
static void diverged_hint_follows_options(void)
{
    static const struct {
        double clip, wd;
        const char *has[3], *lacks[3];
    } cases[] = {
        {0, 0, {"try a --lr below 0.05", "--clip 1"}, {"weight-decay", "already"}},
        {1, 0, {"try a --lr below 0.05", "already clipped at 1"}, {"--clip 1", "weight-decay"}},
        {0.25, 0.01, {"try a --lr below 0.05", "already clipped at 0.25"}, {"--clip 1", "weight-decay"}},
        {5, 0, {"try a --lr below 0.05", "a --clip below 5, such as 1"}, {"weight-decay"}},
        {0, 40, {"--weight-decay 40", "below 20 (1 / --lr)", "by -1 at each step"}, {"already"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        lsq q;
        ts_train_cfg c;
        ts_train_net n = lsq_start(&q, &c, 40, NULL, NULL);
        q.poison = 5;
        c.clip = cases[i].clip;
        c.weight_decay = cases[i].wd;
        CHECK(ts_train_run(&n, &c) == -1);
        const char *e = ts_error();
        CHECK_MSG(strstr(e, "diverged at iteration 5"), "%s", e);
        for (int j = 0; j < 3; j++) {
            if (cases[i].has[j]) CHECK_MSG(strstr(e, cases[i].has[j]), "case %zu: no '%s' in: %s", i, cases[i].has[j], e);
            if (cases[i].lacks[j]) CHECK_MSG(!strstr(e, cases[i].lacks[j]), "case %zu: '%s' in: %s", i, cases[i].lacks[j], e);
        }
    }
    /* a decay that alone makes the run diverge (each step multiplies the weights by -4):
     * the hint names it, not the clipping the user already has */
    lsq q;
    ts_train_cfg c;
    ts_train_net n = lsq_start(&q, &c, 400, NULL, NULL);
    q.p[0] = 1;
    c.lr.lr = 0.5;
    c.clip = 1;
    c.weight_decay = 10;
    CHECK(ts_train_run(&n, &c) == -1);
    CHECK_MSG(strstr(ts_error(), "diverged at iteration") && strstr(ts_error(), "--weight-decay 10") &&
              strstr(ts_error(), "below 2 (1 / --lr)") && !strstr(ts_error(), "--clip 1"), "%s", ts_error());
    /* at a rate where 0.01 is no decay below the bound either, the example named is one */
    lsq q2;
    lsq_make(&q2);
    q2.p[0] = 1;
    n = lsq_net(&q2);
    c = lsq_cfg(400);
    c.lr.lr = 500;
    c.clip = 1;
    c.weight_decay = 0.01;
    CHECK(ts_train_run(&n, &c) == -1);
    CHECK_MSG(strstr(ts_error(), "below 0.002 (1 / --lr), such as 0.0001,") && !strstr(ts_error(), "0.01,"), "%s",
              ts_error());
}

/* a resume with --iters below the checkpoint's iteration is refused, naming both: the
 * run would hand back the checkpoint's longer-trained model as if it were trained to
 * --iters. At the checkpoint's own iteration (a finished run) it goes through. */
static void resume_past_iters_refused(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char out[512], ck[600], logp[600], want[700];
    snprintf(out, sizeof out, "%s/p.m", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", out);
    snprintf(logp, sizeof logp, "%s/p.jsonl", dir);
    lsq q;
    ts_train_cfg c;
    ts_train_net n = lsq_start(&q, &c, 20, out, logp);
    REQUIRE(ts_train_run(&n, &c) == 0);
    long lines = count_lines_with(logp, "{");
    c.iters = 10;
    c.resume = ck;
    CHECK(ts_train_run(&n, &c) == -1);
    snprintf(want, sizeof want, "%s: the checkpoint is at iteration 20, past --iters 10", ck);
    CHECK_MSG(strstr(ts_error(), want) != NULL, "%s", ts_error());
    CHECK(count_lines_with(logp, "{") == lines);   /* the log is left as it was */
    c.iters = 20;
    CHECK_MSG(ts_train_run(&n, &c) == 0, "%s", ts_error());
    CHECK(count_lines_with(logp, "\"event\":\"end\",\"iter\":20,") == 1);
}

/* a resume on another split (a run's held-out parts cut elsewhere) is refused, naming the
 * checkpoint and both splits: the new held-out parts would hold events the checkpoint's
 * run trained on, and the model would record the new split as the one it was trained on.
 * The same split resumes; a checkpoint that names none (written before it) too */
static void resume_other_split_refused(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char out[512], ck[600], logp[600], old[600];
    snprintf(out, sizeof out, "%s/sp.m", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", out);
    snprintf(logp, sizeof logp, "%s/sp.jsonl", dir);
    snprintf(old, sizeof old, "%s/sp-old.ckpt", dir);
    lsq q;
    ts_train_cfg c;
    ts_train_net n = lsq_start(&q, &c, 20, out, logp);
    n.split = "time 0.7,0.1,0.2";
    REQUIRE(ts_train_run(&n, &c) == 0);
    long lines = count_lines_with(logp, "{");
    c.iters = 30;
    c.resume = ck;
    const char *other[2] = {"time 0.5,0.1,0.4", "paper"};
    for (int i = 0; i < 2; i++) {
        n.split = other[i];
        CHECK(ts_train_run(&n, &c) == -1);
        CHECK_MSG(strstr(ts_error(), ck) && strstr(ts_error(), "another split (time 0.7,0.1,0.2; the options give ") &&
                      strstr(ts_error(), other[i]) && !strchr(ts_error(), '\n'), "%s", ts_error());
    }
    CHECK(count_lines_with(logp, "{") == lines);   /* refused before the log is cut */
    n.split = "time 0.7,0.1,0.2";
    CHECK_MSG(ts_train_run(&n, &c) == 0, "%s", ts_error());
    /* a checkpoint without the section: taken as it is */
    REQUIRE(rewrite_chunk(ck, old, "SPLIT", NULL) == 0);
    c.iters = 40;
    c.resume = old;
    n.split = "time 0.5,0.1,0.4";
    CHECK_MSG(ts_train_run(&n, &c) == 0, "%s", ts_error());
}

/* a resume without --iters goes on to the iterations of the checkpoint's run (section
 * ITERS), as it takes the run's rate and schedule: the same bits as the run uninterrupted;
 * --iters given wins; a count below the checkpoint's iteration is refused as corrupt */
static void resume_takes_run_iters(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], b[512], ck[600], ck40[600], bad[600], lg[600], lg2[600];
    snprintf(a, sizeof a, "%s/ia.m", dir);
    snprintf(b, sizeof b, "%s/ib.m", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", b);
    snprintf(ck40, sizeof ck40, "%s/i40.ckpt", dir);
    snprintf(bad, sizeof bad, "%s/ibad.ckpt", dir);
    snprintf(lg, sizeof lg, "%s/i.jsonl", dir);
    snprintf(lg2, sizeof lg2, "%s/i2.jsonl", dir);
    lsq q;
    ts_train_cfg c;
    ts_train_net n;
    float pa[4];
    REQUIRE(lsq_ref_then_20(&q, &n, &c, a, pa, b, NULL) == 0);
    /* the checkpoint of the 40-iteration run at its iteration 20 (a constant rate: the
     * same but for the count) */
    unsigned char it[8];
    ts_le_put64(it, 40);
    REQUIRE(rewrite_chunk_bytes(ck, ck40, "ITERS", it, sizeof it) == 0);
    ts_train_cfg r = lsq_cfg(2000);   /* --iters not given: the model's default count */
    r.defaulted = TS_TRAIN_DEFAULT_ITERS;
    r.out_path = b;
    r.resume = ck40;
    r.log_path = lg;
    lsq_make(&q);
    CHECK_MSG(ts_train_run(&n, &r) == 0, "%s", ts_error());
    CHECK_MSG(memcmp(pa, q.p, sizeof pa) == 0, "%g %g against %g %g", (double)q.p[0], (double)q.p[1],
              (double)pa[0], (double)pa[1]);
    CHECK(count_lines_with(lg, "\"event\":\"end\",\"iter\":40,") == 1);
    /* --iters given: that count */
    r.defaulted = 0;
    r.iters = 30;
    r.log_path = lg2;
    lsq_make(&q);
    CHECK_MSG(ts_train_run(&n, &r) == 0, "%s", ts_error());
    CHECK(count_lines_with(lg2, "\"event\":\"end\",\"iter\":30,") == 1);
    /* a count below the checkpoint's iteration: corrupt, naming the file and section */
    ts_le_put64(it, 5);
    REQUIRE(rewrite_chunk_bytes(ck, bad, "ITERS", it, sizeof it) == 0);
    r.defaulted = TS_TRAIN_DEFAULT_ITERS;
    r.resume = bad;
    r.log_path = NULL;
    CHECK_MSG(ts_train_run(&n, &r) == -1 && strstr(ts_error(), bad) && strstr(ts_error(), "ITERS"), "%s",
              ts_error());
}

/* a checkpoint written before section ITERS: a resume without --iters goes on to the
 * iterations its run's start record in the log names (the same bits as the run
 * uninterrupted); with no log that names them, to the model's default count, said in one
 * line with the --iters that gives another; a default below the checkpoint's iteration is
 * refused saying why that count */
static void resume_without_iters_section(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], b[512], ck[600], old[600], lg[600];
    snprintf(a, sizeof a, "%s/oa.m", dir);
    snprintf(b, sizeof b, "%s/ob.m", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", b);
    snprintf(old, sizeof old, "%s/old.ckpt", dir);
    snprintf(lg, sizeof lg, "%s/o.jsonl", dir);
    lsq q;
    ts_train_cfg c;
    ts_train_net n;
    float pa[4];
    REQUIRE(lsq_ref_then_20(&q, &n, &c, a, pa, b, lg) == 0);
    /* the checkpoint at iteration 20 of a 40-iteration run (a constant rate: the same but
     * for the count) as one written before ITERS: the count in its start record alone */
    REQUIRE(rewrite_chunk_bytes(ck, old, "ITERS", NULL, 0) == 0);
    FILE *f = fopen(lg, "r");
    REQUIRE(f);
    char text[1 << 14];
    size_t got = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[got] = 0;
    char *st = strstr(text, "\"event\":\"start\"");
    REQUIRE(st);
    char *it = strstr(st, "\"iters\":20");
    REQUIRE(it && it < strchr(st, '\n'));
    it[8] = '4';
    f = fopen(lg, "w");
    REQUIRE(f);
    fputs(text, f);
    fclose(f);
    ts_train_cfg r = lsq_cfg(2000);   /* --iters not given: the model's default count */
    r.defaulted = TS_TRAIN_DEFAULT_ITERS;
    r.out_path = b;
    r.resume = old;
    r.log_path = lg;
    lsq_make(&q);
    CHECK_MSG(ts_train_run(&n, &r) == 0, "%s", ts_error());
    CHECK_MSG(memcmp(pa, q.p, sizeof pa) == 0, "%g %g against %g %g", (double)q.p[0], (double)q.p[1],
              (double)pa[0], (double)pa[1]);
    CHECK(count_lines_with(lg, "\"event\":\"end\",\"iter\":40,") == 1);
    char note[1024];
    CHECK_MSG(ts_train_resume_note(note, sizeof note) == 0 && !note[0], "%s", note);
    /* no log: the model's default count, said */
    r = lsq_cfg(60);
    r.defaulted = TS_TRAIN_DEFAULT_ITERS;
    r.out_path = b;
    r.resume = old;
    lsq_make(&q);
    CHECK_MSG(ts_train_run(&n, &r) == 0, "%s", ts_error());
    char want[1400];
    snprintf(want, sizeof want, "%s: the checkpoint holds no count of its run's iterations (written before checkpoints "
             "kept one), nor does a log's start record of its run: the resume went on to 60, the model's default; "
             "--iters N resumes it to N", old);
    CHECK_MSG(ts_train_resume_note(note, sizeof note) == 1 && !strcmp(note, want), "%s", note);
    /* --iters given: nothing to say */
    r.defaulted = 0;
    lsq_make(&q);
    CHECK_MSG(ts_train_run(&n, &r) == 0, "%s", ts_error());
    CHECK(ts_train_resume_note(note, sizeof note) == 0);
    /* a default below the checkpoint's iteration */
    r = lsq_cfg(10);
    r.defaulted = TS_TRAIN_DEFAULT_ITERS;
    r.out_path = b;
    r.resume = old;
    lsq_make(&q);
    CHECK(ts_train_run(&n, &r) == -1);
    snprintf(want, sizeof want, "%s: the checkpoint is at iteration 20, past 10, the model's default count of "
             "iterations, which a resume without --iters takes where the checkpoint holds no count of its run's "
             "(written before checkpoints kept one) and no log's start record of its run names one: give --iters N "
             "(20 or more)", old);
    CHECK_MSG(!strcmp(ts_error(), want), "%s", ts_error());
}

/* --ema: the live weights train as without it (the average swapped in for each
 * validation and out again); what is validated, kept and saved is the average,
 * decay min(D, (1 + t) / (10 + t)) after step t, computed here by hand; a resume
 * from a checkpoint gives the same bits, taking its decay when --ema is not given */
static void ema_validated_and_resumed(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], ck[600], ck20[600], cmd[1400];
    snprintf(a, sizeof a, "%s/ema.m", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", a);
    snprintf(ck20, sizeof ck20, "%s/ema20.ckpt", dir);
    static float plain[64][4], with[64][4];
    lsq q;
    /* 41 steps (a constant rate): the 41st starts from the weights after the 40th */
    ts_train_cfg c;
    ts_train_net n = lsq_start(&q, &c, 41, NULL, NULL);
    q.traj = plain;
    REQUIRE(ts_train_run(&n, &c) == 0);
    REQUIRE(q.ntraj == 41);
    const float *live_end = plain[40];

    lsq_make(&q);
    q.traj = with;
    c = lsq_cfg(40);
    c.ema = 0.9;
    c.out_path = a;
    REQUIRE(ts_train_run(&n, &c) == 0);
    REQUIRE(q.ntraj == 40);
    CHECK(memcmp(plain, with, sizeof(float) * 4 * 40) == 0);
    /* the average by hand over the live weights after each step (those the next step
     * started from) */
    float e[4], d;
    memcpy(e, plain[0], sizeof e);
    float hist[41][4];
    memcpy(hist[0], e, sizeof e);
    for (long t = 1; t <= 40; t++) {
        const float *p = plain[t];
        double w = (1.0 + (double)t) / (10.0 + (double)t);
        d = (float)(w < 0.9 ? w : 0.9);
        for (int j = 0; j < 4; j++) e[j] = d * e[j] + (1.0f - d) * p[j];
        memcpy(hist[t], e, sizeof e);
    }
    /* the run hands back the best validated average: one of iterations 10, 20, 30, 40 */
    int found = 0;
    for (int t = 10; t <= 40; t += 10) found |= memcmp(q.p, hist[t], sizeof e) == 0;
    CHECK_MSG(found, "%g %g %g %g", q.p[0], q.p[1], q.p[2], q.p[3]);
    CHECK(memcmp(q.p, live_end, sizeof e) != 0 && memcmp(q.p, plain[30], sizeof e) != 0);
    /* the model file holds it too */
    ts_reader r;
    REQUIRE(ts_reader_open(&r, a) == 0);
    const ts_chunk *pc = ts_reader_get(&r, "PARAMS");
    CHECK(pc && pc->size == sizeof e && memcmp(pc->data, q.p, sizeof e) == 0);
    ts_reader_close(&r);
    float ended[4];
    memcpy(ended, q.p, sizeof ended);

    /* 20 iterations, then a resume to 40 without --ema (the checkpoint's decay): the same bits */
    lsq_make(&q);
    c = lsq_cfg(20);
    c.ema = 0.9;
    c.out_path = a;
    REQUIRE(ts_train_run(&n, &c) == 0);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", ck, ck20);
    REQUIRE(system(cmd) == 0);
    c.iters = 40;
    c.ema = 0;
    c.defaulted = TS_TRAIN_DEFAULT_EMA;
    c.resume = ck20;
    char lg[600];
    snprintf(lg, sizeof lg, "%s/ema.jsonl", dir);
    c.log_path = lg;
    REQUIRE(ts_train_run(&n, &c) == 0);
    CHECK(memcmp(q.p, ended, sizeof ended) == 0);
    /* its resume record names the decay in effect, the checkpoint's, as a start record does */
    CHECK_MSG(count_lines_with(lg, "\"event\":\"resume\"") == 1 && count_lines_with(lg, ",\"ema\":0.9") == 1,
              "%ld", count_lines_with(lg, "\"ema\""));
    /* given as 0, the resumed run validates its live weights: another result, and its
     * resume record names no average */
    c.defaulted = 0;
    c.log_path = NULL;
    REQUIRE(ts_train_run(&n, &c) == 0);
    CHECK(memcmp(q.p, ended, sizeof ended) != 0);
    remove(lg);
    c.log_path = lg;
    REQUIRE(ts_train_run(&n, &c) == 0);
    CHECK(count_lines_with(lg, "\"event\":\"resume\"") == 1 && count_lines_with(lg, "\"ema\"") == 0);
}

/* optimizer options out of their domain are refused, naming the option */
static void bad_options_refused(void)
{
    const char *bad[][2] = {
        {"weight-decay", "-0.1"}, {"weight-decay", "inf"}, {"clip", "-1"}, {"clip", "inf"},
        {"lr", "0"}, {"lr", "-1e-3"}, {"iters", "-5"}, {"valid-every", "0"}, {"schedule", "bogus"},
        {"budget", "0"}, {"budget", "-5m"}, {"budget", "10x"}, {"budget", "m"}, {"budget", "nan"},
        {"budget", "400d"}, {"budget", " 5s"}, {"budget", "0x10s"}, {"budget", "9000h"},
        {"ema", "1"}, {"ema", "-0.1"}, {"ema", "nan"},
    };
    const ts_train_defaults def = {1e-3, 100, 10, TS_LR_CONSTANT, 0, 0};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *keys[] = {bad[i][0]}, *values[] = {bad[i][1]};
        ts_kv kv = {1, keys, values};
        ts_train_cfg c;
        memset(&c, 0, sizeof c);
        CHECK_MSG(ts_train_parse(&c, &kv, &def) == -1, "--%s %s accepted", bad[i][0], bad[i][1]);
        char want[64];
        snprintf(want, sizeof want, "--%s", bad[i][0]);
        CHECK_MSG(strstr(ts_error(), want) != NULL, "'%s'", ts_error());
    }
    /* a number past a double's range is out of range, not "not a number": 1e-320 underflows
     * (it is below the least normal double), 1e400 overflows */
    const char *rk[] = {"ema", "lr"}, *rv[] = {"1e-320", "1e400"};
    for (int i = 0; i < 2; i++) {
        ts_kv rkv = {1, rk + i, rv + i};
        ts_train_cfg rc;
        memset(&rc, 0, sizeof rc);
        CHECK(ts_train_parse(&rc, &rkv, &def) == -1);
        CHECK_MSG(strstr(ts_error(), "out of range") && !strstr(ts_error(), "not a number"), "%s", ts_error());
    }
    /* a budget past the longest one says which that is, not that it is no duration */
    const char *bk[] = {"budget"}, *bv[] = {"9000h"};
    ts_kv bkv = {1, bk, bv};
    ts_train_cfg bc;
    memset(&bc, 0, sizeof bc);
    CHECK_MSG(ts_train_parse(&bc, &bkv, &def) == -1 &&
                  !strcmp(ts_error(), "option --budget: '9000h' is more than a year: give at most 366 days (8784h)"),
              "%s", ts_error());
    /* one that no run can be given (below a millisecond: 1e-300 minutes) is the option's
     * error, saying what is expected; a short one valid on its face is the data's, after timing */
    const char *tiny[] = {"1e-300", "0.0005s", "1e-310s"};
    for (int i = 0; i < 3; i++) {
        ts_kv tkv = {1, bk, tiny + i};
        CHECK_MSG(ts_train_parse(&bc, &tkv, &def) == -1 && strstr(ts_error(), "option --budget: '") == ts_error() &&
                      strstr(ts_error(), tiny[i]) && strstr(ts_error(), "at least 1 ms"),
                  "%s: %s", tiny[i], ts_error());
    }
    const char *shortb[] = {"0.01s"};
    ts_kv skv = {1, bk, shortb};
    CHECK_MSG(ts_train_parse(&bc, &skv, &def) == 0 && bc.budget_s == 0.01, "%s", ts_error());
    /* a warm-up for a constant rate would be ignored: refused with --schedule constant, and
     * with a constant default by the run, once a resume's checkpoint has said its schedule */
    const char *ck[] = {"schedule", "warmup"}, *cv[] = {"constant", "100"};
    ts_kv ckv = {2, ck, cv};
    ts_train_cfg cc;
    memset(&cc, 0, sizeof cc);
    CHECK(ts_train_parse(&cc, &ckv, &def) == -1 && strstr(ts_error(), "--warmup"));
    ts_kv wkv1 = {1, ck + 1, cv + 1};
    REQUIRE(ts_train_parse(&cc, &wkv1, &def) == 0);
    lsq q;
    ts_train_net n = lsq_start(&q, NULL, 0, NULL, NULL);
    cc.seed = 3;
    CHECK_MSG(ts_train_run(&n, &cc) == -1 && strstr(ts_error(), "--warmup") && q.steps == 0, "%s", ts_error());

    const char *keys[] = {"weight-decay", "clip"}, *values[] = {"0.01", "1"};
    ts_kv kv = {2, keys, values};
    ts_train_cfg c;
    memset(&c, 0, sizeof c);
    CHECK(ts_train_parse(&c, &kv, &def) == 0);
    CHECK(c.weight_decay == 0.01 && c.clip == 1);
    const char *wkeys[] = {"schedule", "warmup"}, *wvalues[] = {"cosine", "50"};
    ts_kv wkv = {2, wkeys, wvalues};
    CHECK(ts_train_parse(&c, &wkv, &def) == 0);
    CHECK(c.lr.kind == TS_LR_COSINE && c.lr.warmup == 50);
    /* a model whose default is a cosine schedule with a warm-up (mdm): both without options;
     * a --schedule given takes no warm-up unless --warmup says (as with a constant default);
     * --warmup alone keeps the default schedule; --schedule constant drops the warm-up */
    const ts_train_defaults cdef = {2e-3, 1000, 10, TS_LR_COSINE, 30, 0};
    ts_kv none = {0, NULL, NULL};
    CHECK(ts_train_parse(&c, &none, &cdef) == 0 && c.lr.kind == TS_LR_COSINE && c.lr.warmup == 30 &&
          c.lr.lr == 2e-3 && c.lr.total == 1000);
    const char *k1[] = {"schedule"}, *v1[] = {"cosine"}, *v2[] = {"constant"}, *k3[] = {"warmup"}, *v3[] = {"7"};
    ts_kv one = {1, k1, v1};
    CHECK(ts_train_parse(&c, &one, &cdef) == 0 && c.lr.kind == TS_LR_COSINE && c.lr.warmup == 0);
    one.values = v2;
    CHECK(ts_train_parse(&c, &one, &cdef) == 0 && c.lr.kind == TS_LR_CONSTANT && c.lr.warmup == 0);
    ts_kv w = {1, k3, v3};
    CHECK(ts_train_parse(&c, &w, &cdef) == 0 && c.lr.kind == TS_LR_COSINE && c.lr.warmup == 7);
    /* a short run's default warm-up: 5 % of its iterations */
    const char *k4[] = {"iters"}, *v4[] = {"200"};
    ts_kv it = {1, k4, v4};
    CHECK_MSG(ts_train_parse(&c, &it, &cdef) == 0 && c.lr.warmup == 10, "warm-up %ld", c.lr.warmup);
}

static void log_truncate(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char p[600];
    snprintf(p, sizeof p, "%s/t.jsonl", dir);
    FILE *f = fopen(p, "w");
    REQUIRE(f);
    fputs("{\"event\":\"start\"}\n{\"iter\":1,\"loss\":2}\n{\"iter\":2,\"loss\":1}\n{\"iter\":3,\"loss\":0}\n", f);
    fclose(f);
    REQUIRE(ts_train_log_truncate(p, 2, 0) == 0);
    CHECK(count_lines_with(p, "\"iter\"") == 2);
    CHECK(count_lines_with(p, "start") == 1);
    CHECK(count_lines_with(p, "\"iter\":3") == 0);
    /* a last record cut short (no newline, no "iter" yet) goes: what is appended next
     * starts a line of its own */
    f = fopen(p, "a");
    REQUIRE(f);
    fputs("{\"ite", f);
    fclose(f);
    REQUIRE(ts_train_log_truncate(p, 2, 0) == 0);
    CHECK(count_lines_with(p, "\"iter\"") == 2);
    CHECK(count_lines_with(p, "{\"ite") == 2);
    f = fopen(p, "rb");
    REQUIRE(f);
    char all[256] = "";
    size_t got = fread(all, 1, sizeof all - 1, f);
    fclose(f);
    all[got] = 0;
    CHECK_MSG(got > 0 && all[got - 1] == '\n', "'%s'", all);
    snprintf(p, sizeof p, "%s/absent.jsonl", dir);
    CHECK(ts_train_log_truncate(p, 2, 0) == 0);
    /* after the validation record of the checkpoint's iteration, nothing stays: the end
     * of training's records have no iteration, and a resume at the end wrote them again */
    snprintf(p, sizeof p, "%s/e.jsonl", dir);
    f = fopen(p, "w");
    REQUIRE(f);
    fputs("{\"event\":\"start\"}\n{\"iter\":2,\"loss\":1}\n{\"iter\":2,\"valid_loss\":1}\n"
          "{\"event\":\"bound\",\"bits\":0.5}\n{\"event\":\"end\",\"iter\":2}\n", f);
    fclose(f);
    REQUIRE(ts_train_log_truncate(p, 2, 0) == 0);
    CHECK_MSG(count_lines_with(p, "\"event\"") == 1 && count_lines_with(p, "\"iter\":2") == 2,
              "%ld event records, %ld at iteration 2", count_lines_with(p, "\"event\""), count_lines_with(p, "\"iter\":2"));
    /* two runs appended to one log: the checkpoint is the second's, cut after its record
     * of iteration 2, not after the first run's (which dropped the second run's records) */
    snprintf(p, sizeof p, "%s/two.jsonl", dir);
    f = fopen(p, "w");
    REQUIRE(f);
    fputs("{\"event\":\"start\",\"run\":\"a\"}\n{\"iter\":2,\"valid_loss\":1,\"run\":\"a\"}\n"
          "{\"iter\":4,\"valid_loss\":1,\"run\":\"a\"}\n{\"event\":\"end\",\"iter\":4,\"run\":\"a\"}\n"
          "{\"event\":\"start\",\"run\":\"b\"}\n{\"iter\":2,\"valid_loss\":1,\"run\":\"b\"}\n"
          "{\"iter\":3,\"loss\":1,\"run\":\"b\"}\n", f);
    fclose(f);
    REQUIRE(ts_train_log_truncate(p, 2, 0) == 0);
    CHECK_MSG(count_lines_with(p, "\"run\":\"b\"") == 2 && count_lines_with(p, "\"run\":\"a\"") == 2 &&
                  count_lines_with(p, "\"iter\":3") == 0 && count_lines_with(p, "\"iter\":4") == 0,
              "%ld of run b's records, %ld of run a's", count_lines_with(p, "\"run\":\"b\""),
              count_lines_with(p, "\"run\":\"a\""));
    /* a log named by a symbolic link: the file it points to is cut, the link stays (the
     * records appended next go where the ones before went) */
    char ln[700];
    snprintf(ln, sizeof ln, "%s/link.jsonl", dir);
    REQUIRE(symlink("two.jsonl", ln) == 0);
    REQUIRE(ts_train_log_truncate(ln, 1, 0) == 0);
    struct stat st;
    CHECK(lstat(ln, &st) == 0 && S_ISLNK(st.st_mode));
    CHECK_MSG(count_lines_with(p, "\"iter\":2") == 0, "%ld records of iteration 2 left in the file linked to",
              count_lines_with(p, "\"iter\":2"));
    /* runs named in their start and resume records: run 1's checkpoint of 2 (resumed once
     * from it already) cuts run 1's records after its validation record of 2, the first
     * resume's too; run 2's and 3's, before and after, stay */
    snprintf(p, sizeof p, "%s/named.jsonl", dir);
    f = fopen(p, "w");
    REQUIRE(f);
    fputs("{\"event\":\"start\",\"run\":\"0000000000000001\"}\n{\"iter\":2,\"valid_loss\":1,\"r\":1}\n"
          "{\"iter\":3,\"loss\":1,\"r\":1}\n"
          "{\"event\":\"start\",\"run\":\"0000000000000002\"}\n{\"iter\":2,\"valid_loss\":1,\"r\":2}\n"
          "{\"iter\":4,\"valid_loss\":1,\"r\":2}\n{\"event\":\"end\",\"r\":2}\n"
          "{\"event\":\"resume\",\"run\":\"0000000000000001\",\"iter\":2}\n{\"iter\":2,\"loss\":1,\"r\":1}\n"
          "{\"iter\":4,\"valid_loss\":1,\"r\":1}\n{\"event\":\"end\",\"r\":1}\n"
          "{\"event\":\"start\",\"run\":\"0000000000000003\"}\n{\"iter\":9,\"loss\":1,\"r\":3}\n", f);
    fclose(f);
    REQUIRE(ts_train_log_truncate(p, 2, 1) == 0);
    CHECK_MSG(count_lines_with(p, "\"r\":2") == 3 && count_lines_with(p, "\"r\":3") == 1 &&
                  count_lines_with(p, "\"run\":\"000000000000000") == 3,
              "%ld of run 2's records, %ld of run 3's, %ld start or resume records", count_lines_with(p, "\"r\":2"),
              count_lines_with(p, "\"r\":3"), count_lines_with(p, "\"run\":"));
    CHECK_MSG(count_lines_with(p, "\"r\":1") == 1 && count_lines_with(p, "\"iter\":3") == 0 &&
                  count_lines_with(p, "\"iter\":4,\"valid_loss\":1,\"r\":1") == 0,
              "%ld of run 1's records", count_lines_with(p, "\"r\":1"));
    /* a log that is not the run's (another --log given at the resume) is left whole */
    REQUIRE(ts_train_log_truncate(p, 2, 7) == 0);
    CHECK(count_lines_with(p, "\"r\":") == 5);
    /* a checkpoint from before runs were named (run 0) in a log a named run appended to
     * after it: the unnamed run's records are cut, the named run's stay */
    snprintf(p, sizeof p, "%s/old.jsonl", dir);
    f = fopen(p, "w");
    REQUIRE(f);
    fputs("{\"event\":\"start\",\"model\":\"m\"}\n{\"iter\":2,\"valid_loss\":1,\"r\":0}\n"
          "{\"iter\":3,\"loss\":1,\"r\":0}\n{\"event\":\"end\",\"r\":0}\n"
          "{\"event\":\"start\",\"model\":\"m\",\"run\":\"00000000000000a5\"}\n{\"iter\":2,\"valid_loss\":1,\"r\":5}\n"
          "{\"iter\":4,\"valid_loss\":1,\"r\":5}\n{\"event\":\"end\",\"r\":5}\n", f);
    fclose(f);
    REQUIRE(ts_train_log_truncate(p, 2, 0) == 0);
    CHECK_MSG(count_lines_with(p, "\"r\":5") == 3 && count_lines_with(p, "00000000000000a5") == 1,
              "%ld of the named run's records, %ld of its start records", count_lines_with(p, "\"r\":5"),
              count_lines_with(p, "00000000000000a5"));
    CHECK_MSG(count_lines_with(p, "\"r\":0") == 1 && count_lines_with(p, "\"iter\":3") == 0,
              "%ld of the unnamed run's records", count_lines_with(p, "\"r\":0"));
    /* the unnamed run's checkpoint resumed once already (going on under a name, stopped
     * before its next checkpoint): that resume's records are the run's, and go */
    f = fopen(p, "w");
    REQUIRE(f);
    fputs("{\"event\":\"start\",\"model\":\"m\"}\n{\"iter\":2,\"valid_loss\":1,\"r\":0}\n"
          "{\"event\":\"start\",\"model\":\"m\",\"run\":\"00000000000000a5\"}\n{\"iter\":2,\"valid_loss\":1,\"r\":5}\n"
          "{\"event\":\"resume\",\"run\":\"00000000000000b6\",\"iter\":2}\n{\"iter\":3,\"loss\":1,\"r\":0}\n"
          "{\"event\":\"resume\",\"run\":\"00000000000000a5\",\"iter\":2}\n{\"iter\":4,\"loss\":1,\"r\":5}\n", f);
    fclose(f);
    REQUIRE(ts_train_log_truncate(p, 2, 0) == 0);
    CHECK_MSG(count_lines_with(p, "\"r\":5") == 2 && count_lines_with(p, "00000000000000a5") == 2 &&
                  count_lines_with(p, "00000000000000b6") == 0 && count_lines_with(p, "\"r\":0") == 1,
              "%ld of the named run's records, %ld of the unnamed run's, %ld of its resume's",
              count_lines_with(p, "\"r\":5"), count_lines_with(p, "\"r\":0"), count_lines_with(p, "00000000000000b6"));
}

/* two trainings appending to one log: resuming the first (stopped at 15, its checkpoint
 * at 10) keeps every record of the second, which ran after it */
static void resume_keeps_other_runs_records(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], b[512], ck[600], lg[600];
    snprintf(a, sizeof a, "%s/ra.m", dir);
    snprintf(b, sizeof b, "%s/rb.m", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", a);
    snprintf(lg, sizeof lg, "%s/shared.jsonl", dir);
    lsq q;
    ts_train_cfg c;
    ts_train_net n = lsq_start(&q, &c, 20, a, lg);
    q.poison = 15;
    REQUIRE(ts_train_run(&n, &c) == -1);
    lsq_make(&q);
    c.out_path = b;
    REQUIRE(ts_train_run(&n, &c) == 0);
    long before = count_lines_with(lg, "");
    lsq_make(&q);
    c.out_path = a;
    c.resume = ck;
    REQUIRE(ts_train_run(&n, &c) == 0);
    CHECK_MSG(count_lines_with(lg, "\"event\":\"end\"") == 2, "%ld end records",
              count_lines_with(lg, "\"event\":\"end\""));
    CHECK_MSG(count_lines_with(lg, "\"iter\":20,\"valid_loss\"") == 2 &&
                  count_lines_with(lg, "\"iter\":14,\"loss\"") == 2,
              "%ld validation records of 20, %ld loss records of 14 (%ld lines before the resume, %ld after)",
              count_lines_with(lg, "\"iter\":20,\"valid_loss\""), count_lines_with(lg, "\"iter\":14,\"loss\""),
              before, count_lines_with(lg, ""));
    /* a checkpoint from before runs were named (no section RUN) resumes as before: the
     * whole log taken for its run, cut after the last validation record of its iteration;
     * the resumed run names itself */
    char old[600], lg2[600];
    snprintf(old, sizeof old, "%s/old.ckpt", dir);
    snprintf(lg2, sizeof lg2, "%s/old.jsonl", dir);
    lsq_make(&q);
    c.resume = NULL;
    c.log_path = lg2;
    q.poison = 15;
    REQUIRE(ts_train_run(&n, &c) == -1);
    REQUIRE(rewrite_chunk_bytes(ck, old, "RUN", NULL, 0) == 0);
    lsq_make(&q);
    c.resume = old;
    REQUIRE(ts_train_run(&n, &c) == 0);
    CHECK(count_lines_with(lg2, "\"iter\":14,\"loss\"") == 1 && count_lines_with(lg2, "\"event\":\"end\"") == 1);
    CHECK_MSG(count_lines_with(lg2, "\"event\":\"resume\",\"run\":\"") == 1, "%ld named resume records",
              count_lines_with(lg2, "\"event\":\"resume\",\"run\":\""));
}

/* a step that draws one normal leaves Box-Muller's second in the rng after an odd
 * iteration: a checkpoint there keeps it, and the resumed run has the same bits */
static void resume_keeps_rng_normal(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], b[512], ck[600];
    snprintf(a, sizeof a, "%s/a.m", dir);
    snprintf(b, sizeof b, "%s/b.m", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", b);
    lsq q;
    ts_train_cfg c;
    ts_train_net n = lsq_start(&q, &c, 31, a, NULL);
    q.normal = 1;
    REQUIRE(ts_train_run(&n, &c) == 0);
    float pa[4];
    memcpy(pa, q.p, sizeof pa);
    lsq_make(&q);
    q.normal = 1;
    c = lsq_cfg(21);
    c.out_path = b;
    REQUIRE(ts_train_run(&n, &c) == 0);
    c.iters = 31;
    c.resume = ck;
    REQUIRE(ts_train_run(&n, &c) == 0);
    CHECK_MSG(memcmp(pa, q.p, sizeof pa) == 0, "%.9g %.9g against %.9g %.9g", q.p[0], q.p[1], pa[0], pa[1]);
}

/* a resume goes on with the rate, schedule, warm-up, decay and clip its run started
 * with (section OPTIM), not with today's defaults; options given again are taken, and a
 * checkpoint without the section takes the options as they are */
static void resume_keeps_schedule(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], b[512], ck[600], ck20[600], old[600], lg[600];
    snprintf(a, sizeof a, "%s/sa.m", dir);
    snprintf(ck20, sizeof ck20, "%s/s20.ckpt", dir);
    snprintf(b, sizeof b, "%s/sb.m", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", b);
    snprintf(old, sizeof old, "%s/sold.ckpt", dir);
    snprintf(lg, sizeof lg, "%s/s.jsonl", dir);
    lsq q;
    ts_train_cfg run;
    ts_train_net n = lsq_start(&q, &run, 40, NULL, NULL);
    run.lr.kind = TS_LR_COSINE;
    run.lr.warmup = 6;
    run.lr.total = 40;
    run.lr.lr = 0.08;
    run.weight_decay = 0.01;
    run.clip = 0.5;
    run.out_path = a;
    REQUIRE(ts_train_run(&n, &run) == 0);
    float whole[4];
    memcpy(whole, q.p, sizeof whole);

    lsq_make(&q);
    run.iters = 20;   /* stopped half-way: its schedule still the 40 iterations' */
    run.out_path = b;
    run.log_path = lg;
    REQUIRE(ts_train_run(&n, &run) == 0);
    REQUIRE(rewrite_chunk_bytes(ck, old, "OPTIM", NULL, 0) == 0);
    REQUIRE(rewrite_chunk_bytes(ck, ck20, "(none)", NULL, 0) == 0);   /* a copy */
    /* resumed with the defaults of another day: the run's own options are taken */
    ts_train_cfg later = lsq_cfg(40);
    later.lr.total = 40;
    later.defaulted = TS_TRAIN_DEFAULT_LR | TS_TRAIN_DEFAULT_SCHEDULE | TS_TRAIN_DEFAULT_WARMUP |
                      TS_TRAIN_DEFAULT_WEIGHT_DECAY | TS_TRAIN_DEFAULT_CLIP;
    later.out_path = b;
    later.resume = ck;
    later.log_path = lg;
    lsq_make(&q);
    REQUIRE(ts_train_run(&n, &later) == 0);
    CHECK_MSG(memcmp(whole, q.p, sizeof whole) == 0, "%g %g against %g %g", (double)q.p[0], (double)q.p[1],
              (double)whole[0], (double)whole[1]);
    CHECK_MSG(count_lines_with(lg, "\"lr\":0.08,\"schedule\":\"cosine\",\"warmup\":6,") == 1, "%ld",
              count_lines_with(lg, "\"schedule\":\"cosine\""));
    /* its start and resume records name the decay and the clip in effect (the resume's: the
     * checkpoint's), as they name the rest */
    CHECK_MSG(count_lines_with(lg, "\"warmup\":6,\"weight_decay\":0.01,\"clip\":0.5") == 2, "%ld",
              count_lines_with(lg, "\"weight_decay\""));
    /* a rate given again wins (a lower one after a divergence, say) */
    later.defaulted &= ~(unsigned)TS_TRAIN_DEFAULT_LR;
    later.resume = ck20;
    later.log_path = NULL;
    snprintf(b, sizeof b, "%s/sc.m", dir);
    later.out_path = b;
    lsq_make(&q);
    REQUIRE(ts_train_run(&n, &later) == 0);
    CHECK(memcmp(whole, q.p, sizeof whole) != 0);
    /* without the section: the options as they are */
    later.defaulted |= TS_TRAIN_DEFAULT_LR;
    later.resume = old;
    lsq_make(&q);
    REQUIRE(ts_train_run(&n, &later) == 0);
    CHECK(memcmp(whole, q.p, sizeof whole) != 0);
    /* --warmup given at a resume is judged by the checkpoint's schedule: taken for a cosine
     * one (the default constant notwithstanding), refused for a constant one, naming it */
    later.defaulted &= ~(unsigned)TS_TRAIN_DEFAULT_WARMUP;
    later.lr.kind = TS_LR_CONSTANT;
    later.lr.warmup = 3;
    later.resume = ck20;
    lsq_make(&q);
    CHECK_MSG(ts_train_run(&n, &later) == 0, "%s", ts_error());
    ts_train_cfg cst = lsq_cfg(20);
    snprintf(b, sizeof b, "%s/sd.m", dir);
    cst.out_path = b;
    lsq_make(&q);
    REQUIRE(ts_train_run(&n, &cst) == 0);
    char ckc[600];
    snprintf(ckc, sizeof ckc, "%s.ckpt", b);
    later.resume = ckc;
    later.log_path = lg;
    long lines = count_lines_with(lg, "");
    CHECK_MSG(ts_train_run(&n, &later) == -1 && strstr(ts_error(), "--warmup") && strstr(ts_error(), ckc), "%s",
              ts_error());
    CHECK(count_lines_with(lg, "") == lines);
    later.log_path = NULL;
    later.defaulted |= TS_TRAIN_DEFAULT_WARMUP;
    /* --schedule constant given at the resume of a cosine run: its checkpoint holds no
     * warm-up for the constant rate, and resumes again */
    later.defaulted &= ~(unsigned)TS_TRAIN_DEFAULT_SCHEDULE;
    later.lr.kind = TS_LR_CONSTANT;
    later.resume = ck20;
    later.iters = 30;
    snprintf(b, sizeof b, "%s/se.m", dir);
    later.out_path = b;
    lsq_make(&q);
    REQUIRE(ts_train_run(&n, &later) == 0);
    char cke[600];
    snprintf(cke, sizeof cke, "%s.ckpt", b);
    later.resume = cke;
    later.iters = 40;
    later.defaulted |= TS_TRAIN_DEFAULT_SCHEDULE;
    lsq_make(&q);
    CHECK_MSG(ts_train_run(&n, &later) == 0, "%s", ts_error());
    later.resume = old;
    /* a corrupt section is refused, naming it */
    unsigned char bad[40];
    memset(bad, 0xff, sizeof bad);
    REQUIRE(rewrite_chunk_bytes(ck, old, "OPTIM", bad, sizeof bad) == 0);
    CHECK_MSG(ts_train_run(&n, &later) == -1 && strstr(ts_error(), old) && strstr(ts_error(), "OPTIM"), "%s",
              ts_error());
}

/* a child process holding path's name until it reads a byte from its pipe: 1, or 0 where
 * no name can be held here (no sockets) */
static int hold_in_child(const char *path, pid_t *pid, int *wfd)
{
    int go[2], ready[2];
    if (pipe(go) != 0 || pipe(ready) != 0) return 0;
    *pid = fork();
    if (*pid == 0) {
        alarm(60);   /* a test that stops early leaves no child behind for long */
        ts_path_hold h;
        char r = ts_path_lock(path, "model", &h) == 0 && h.slot >= 0 ? 'y' : 'n';
        if (write(ready[1], &r, 1) != 1) _exit(1);
        char b;
        if (read(go[0], &b, 1) < 0) _exit(1);
        _exit(0);
    }
    close(go[0]);
    close(ready[1]);
    char r = 'n';
    if (*pid < 0 || read(ready[0], &r, 1) != 1) r = 'n';
    close(ready[0]);
    *wfd = go[1];
    return r == 'y';
}

static void release_child(pid_t pid, int wfd)
{
    if (write(wfd, "x", 1) != 1 && pid > 0) kill(pid, SIGKILL);
    close(wfd);
    waitpid(pid, NULL, 0);
}

/* a model or log that another process's run is writing is refused before any learning,
 * by any spelling of its path, a link's too; holds within a process nest; the names are
 * free again once a run ends, whether it failed or not; devices are not held */
static void one_writer_per_file(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], a2[600], lg[600], link[600];
    snprintf(a, sizeof a, "%s/la.m", dir);
    snprintf(a2, sizeof a2, "%s/./la.m", dir);
    snprintf(lg, sizeof lg, "%s/l.jsonl", dir);
    snprintf(link, sizeof link, "%s/link.jsonl", dir);
    lsq q;
    ts_train_cfg c;
    ts_train_net n = lsq_start(&q, &c, 20, a, lg);
    pid_t pid;
    int wfd;
    if (!hold_in_child(a2, &pid, &wfd)) {
        if (pid > 0) release_child(pid, wfd);
        SKIP("no abstract socket names here: runs go unguarded");
    }
    CHECK_MSG(ts_train_run(&n, &c) == -1 && strstr(ts_error(), a) && strstr(ts_error(), "another running"), "%s",
              ts_error());
    CHECK(q.steps == 0 && !ts_file_exists(a) && !ts_file_exists(lg));
    release_child(pid, wfd);
    REQUIRE(ts_train_run(&n, &c) == 0);   /* the log is there now */
    REQUIRE(symlink("l.jsonl", link) == 0);
    REQUIRE(hold_in_child(link, &pid, &wfd));
    snprintf(a, sizeof a, "%s/lb.m", dir);
    CHECK_MSG(ts_train_run(&n, &c) == -1 && strstr(ts_error(), lg) && strstr(ts_error(), "training log"), "%s",
              ts_error());
    release_child(pid, wfd);
    /* held by this process already (a command around the trainer): nested */
    ts_path_hold outer;
    REQUIRE(ts_path_lock(a, "model", &outer) == 0);
    lsq_make(&q);
    CHECK(ts_train_run(&n, &c) == 0);
    q.poison = 3;
    CHECK(ts_train_run(&n, &c) == -1);
    REQUIRE(hold_in_child(a, &pid, &wfd) == 0);   /* still ours after the runs */
    release_child(pid, wfd);
    ts_path_unlock(&outer);
    /* both free again */
    REQUIRE(hold_in_child(a, &pid, &wfd));
    release_child(pid, wfd);
    REQUIRE(hold_in_child(lg, &pid, &wfd));
    release_child(pid, wfd);
    /* a device is not held: runs logging to their own stderr do not exclude each other */
    ts_path_hold h1;
    CHECK(ts_path_lock("/dev/null", "training log", &h1) == 0 && h1.slot < 0);
    ts_path_unlock(&h1);
}

/* one of the process's own descriptors (--log /dev/stderr redirected into a file) is
 * written through that descriptor, where the shell put it: not held, by any of its
 * spellings or a link to one, so that two runs whose stderr goes to one file do not
 * exclude each other; the file by its own name still is */
static void own_descriptor_not_held(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char f[512], via[4][600];
    snprintf(f, sizeof f, "%s/both.log", dir);
    int fd = open(f, O_WRONLY | O_CREAT | O_APPEND, 0644);
    REQUIRE(fd >= 0);
    snprintf(via[0], sizeof via[0], "/dev/fd/%d", fd);
    snprintf(via[1], sizeof via[1], "/proc/self/fd/%d", fd);
    snprintf(via[2], sizeof via[2], "%s/to_fd", dir);
    REQUIRE(symlink(via[0], via[2]) == 0);
    snprintf(via[3], sizeof via[3], "%s", f);
    pid_t pid;
    int wfd;
    if (!hold_in_child(f, &pid, &wfd)) {   /* another run writes the file by its name */
        if (pid > 0) release_child(pid, wfd);
        close(fd);
        SKIP("no abstract socket names here: runs go unguarded");
    }
    for (int i = 0; i < 3; i++) {
        ts_path_hold h;
        CHECK_MSG(ts_path_lock(via[i], "training log", &h) == 0 && h.slot < 0, "%s: %s", via[i], ts_error());
        ts_path_unlock(&h);
    }
    ts_path_hold h;
    CHECK(ts_path_lock(via[3], "training log", &h) == -1 && strstr(ts_error(), "another running"));
    release_child(pid, wfd);
    close(fd);
}

static double lsq_clock(void *ctx)
{
    return ((lsq *)ctx)->clock;
}

/* the machine of the --budget re-plan tests, on the clock the test moves: 1 ms an
 * iteration, and 2 ms after 1,000 of the iterations planned when it slows (the run first
 * times 502 steps); the work after the loop takes 0.5 s */
static void lsq_slowing(lsq *q, int slow)
{
    lsq_make(q);
    q->dt = 0.001;
    if (slow) q->slow_from = 502 + 1001, q->dt_slow = 0.002;
    q->after_ret = 0.5;
}

/* a run of kv's options on that clock, seed 3, a log record every log_every iterations
 * into log (NULL: no log), a validation every valid_every (0: as kv and def say) */
static int lsq_budget_run(lsq *q, ts_train_net *n, const ts_kv *kv, const ts_train_defaults *def,
                          long valid_every, int log_every, const char *out, const char *log)
{
    ts_train_cfg c;
    memset(&c, 0, sizeof c);
    if (ts_train_parse(&c, kv, def) != 0) return -1;
    if (valid_every) c.valid_every = valid_every;
    c.log_every = log_every;
    c.seed = 3;
    c.out_path = out;
    c.log_path = log;
    if (log) remove(log);
    ts_train_set_clock(lsq_clock, q);
    int rc = ts_train_run(n, &c);
    ts_train_set_clock(NULL, NULL);
    return rc;
}

/* --budget: the iterations that fit, at most --iters, and the run is then exactly the
 * run of that many iterations; its start record names them. A resume of it is refused. */
static void budget_sets_iters(void)
{
    const ts_train_defaults def = {0.05, 100, 10, TS_LR_COSINE, 30, 0};
    const char *keys[] = {"budget"}, *values[] = {"1.5h"};
    ts_kv kv = {1, keys, values};
    ts_train_cfg c;
    memset(&c, 0, sizeof c);
    REQUIRE(ts_train_parse(&c, &kv, &def) == 0);
    CHECK(c.budget_s == 5400 && c.iters == 100000000 && c.warmup_default == 30);
    const char *k2[] = {"budget", "iters"}, *v2[] = {"45", "70"};
    ts_kv kv2 = {2, k2, v2};
    REQUIRE(ts_train_parse(&c, &kv2, &def) == 0);
    CHECK(c.budget_s == 2700 && c.iters == 70);

    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], b[512], lg[600];
    snprintf(a, sizeof a, "%s/ba.m", dir);
    snprintf(b, sizeof b, "%s/bb.m", dir);
    snprintf(lg, sizeof lg, "%s/b.jsonl", dir);
    lsq q;
    lsq_make(&q);
    /* at most 1.5 s / 2 ms iterations fit, less the 0.5 s of timing them; on a clock the
     * steps move (a machine whose pace changes would re-plan the run: no longer the run of
     * one --iters) */
    q.dt = 0.002;
    ts_train_set_clock(lsq_clock, &q);
    ts_train_net n = lsq_net(&q);
    const char *k3[] = {"budget", "schedule", "lr"}, *v3[] = {"1.5s", "cosine", "0.05"};
    ts_kv kv3 = {3, k3, v3};
    memset(&c, 0, sizeof c);
    REQUIRE(ts_train_parse(&c, &kv3, &def) == 0);
    c.valid_every = 10;
    c.log_every = 1;
    c.seed = 3;
    c.out_path = a;
    c.log_path = lg;
    q.valid_log = lg;
    int rc = ts_train_run(&n, &c);
    ts_train_set_clock(NULL, NULL);
    REQUIRE(rc == 0);
    q.valid_log = NULL;
    float got[4];
    memcpy(got, q.p, sizeof got);
    FILE *f = fopen(lg, "r");
    REQUIRE(f);
    char line[1024] = "";
    CHECK(fgets(line, sizeof line, f) != NULL);
    fclose(f);
    long iters = -1;
    const char *p = strstr(line, "\"iters\":");
    if (p) iters = atol(p + 8);
    CHECK_MSG(iters >= 1 && iters <= 500 && strstr(line, "\"budget_s\":1.5"), "%s", line);
    CHECK(count_lines_with(lg, "\"event\":\"end\"") == 1);
    /* the timing's validation left no record: the run's validations only */
    CHECK_MSG(count_lines_with(lg, "lsq_valid") == (iters + 9) / 10 && count_lines_with(lg, "\"iter\":-1") == 0,
              "%ld validation records for %ld iterations", count_lines_with(lg, "lsq_valid"), iters);
    /* the same run with --iters N */
    lsq_make(&q);
    ts_train_cfg d = lsq_cfg(iters);
    d.lr.kind = TS_LR_COSINE;
    d.lr.total = iters;
    d.lr.warmup = 0;
    d.out_path = b;
    REQUIRE(ts_train_run(&n, &d) == 0);
    CHECK_MSG(memcmp(got, q.p, sizeof got) == 0, "budget %g %g, --iters %ld %g %g", (double)got[0], (double)got[1],
              iters, (double)q.p[0], (double)q.p[1]);
    /* resumed with a budget: refused, saying what to give instead */
    char ck[600];
    snprintf(ck, sizeof ck, "%s.ckpt", a);
    c.resume = ck;
    long lines = count_lines_with(lg, "");
    CHECK_MSG(ts_train_run(&n, &c) == -1 && strstr(ts_error(), ck) && strstr(ts_error(), "--iters"), "%s",
              ts_error());
    char chose[96];   /* the count its checkpoint holds, which a resume without --iters takes */
    snprintf(chose, sizeof chose, "goes on to the %ld iterations the run chose", iters);
    CHECK_MSG(strstr(ts_error(), chose), "%s", ts_error());
    CHECK(count_lines_with(lg, "") == lines);   /* the log is not cut */
}

/* the number after key in the first line of path holding match (and key), or -1 */
static double num_in_line(const char *path, const char *match, const char *key, int last)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[2048];
    double v = -1;
    while (fgets(line, sizeof line, f)) {
        const char *p = strstr(line, match) ? strstr(line, key) : NULL;
        if (!p) continue;
        v = atof(p + strlen(key));
        if (!last) break;
    }
    fclose(f);
    return v;
}

/* the training record of iteration it in path, up to its timing ("it_s"), into buf */
static void iter_record(const char *path, long it, char *buf, size_t n)
{
    char key[48];
    snprintf(key, sizeof key, "{\"iter\":%ld,\"loss\":", it);
    buf[0] = 0;
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[2048];
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, strlen(key))) {
            char *t = strstr(line, ",\"it_s\"");
            if (t) *t = 0;
            snprintf(buf, n, "%s", line);
        }
    fclose(f);
}

/* the files of a --budget re-plan test, named after tag in dir: the run's model (a) and
 * its checkpoint (ck), a checkpoint of it copied mid-run (mid), its log (lg), and a resume's
 * model and log (b, lg2) */
typedef struct {
    char a[512], b[512], ck[600], mid[600], lg[600], lg2[600];
} replan_files;

static void replan_files_in(replan_files *f, const char *dir, const char *tag)
{
    snprintf(f->a, sizeof f->a, "%s/%s.m", dir, tag);
    snprintf(f->b, sizeof f->b, "%s/%s2.m", dir, tag);
    snprintf(f->ck, sizeof f->ck, "%s.ckpt", f->a);
    snprintf(f->mid, sizeof f->mid, "%s/%s-mid.ckpt", dir, tag);
    snprintf(f->lg, sizeof f->lg, "%s/%s.jsonl", dir, tag);
    snprintf(f->lg2, sizeof f->lg2, "%s/%s2.jsonl", dir, tag);
}

/* a run of iters iterations on the cosine schedule with a validation every 50, as the
 * --iters that a --budget run of the re-plan tests planned or re-planned to give it: the
 * model to out, the log to log, resumed from resume (NULL: none) */
static ts_train_cfg cosine_cfg(long iters, const char *out, const char *log, const char *resume)
{
    ts_train_cfg d = lsq_cfg(iters);
    d.lr.kind = TS_LR_COSINE;
    d.lr.total = iters;
    d.valid_every = 50;
    d.out_path = out;
    d.log_path = log;
    d.resume = resume;
    return d;
}

/* a --budget run of kv's options on q's clock (lsq_budget_run: a validation every 50, a
 * log record every iteration) into f's model and log, the checkpoint the validation of
 * iteration copy_at finds copied to f->mid. 0 / -1 */
static int replan_run(lsq *q, ts_train_net *n, const ts_kv *kv, const ts_train_defaults *def,
                      const replan_files *f, long copy_at)
{
    q->copy_from = f->ck;
    q->copy_to = f->mid;
    q->copy_at = copy_at;
    remove(f->mid);
    return lsq_budget_run(q, n, kv, def, 50, 1, f->a, f->lg);
}

/* the resume of that copy (a fresh model) with what a re-plan's record names, --iters
 * iters (cosine_cfg into *d), into f's second model and log. 0 / -1 */
static int replan_resume(lsq *q, const ts_train_net *n, const replan_files *f, long iters, ts_train_cfg *d)
{
    if (access(f->mid, F_OK) != 0) return -1;
    lsq_make(q);
    *d = cosine_cfg(iters, f->b, f->lg2, f->mid);
    remove(f->lg2);
    return ts_train_run(n, d);
}

/* kv's options (def's defaults) as the command that made f's re-planned run gives them
 * again with --resume of its checkpoint f->mid: a validation every 50, seed 3, into f's
 * second model and log. 0 / -1 */
static int replan_resume_cfg(ts_train_cfg *c, const ts_kv *kv, const ts_train_defaults *def, const replan_files *f)
{
    memset(c, 0, sizeof *c);
    if (ts_train_parse(c, kv, def) != 0) return -1;
    c->valid_every = 50;
    c->seed = 3;
    c->out_path = f->b;
    c->log_path = f->lg2;
    c->resume = f->mid;
    return 0;
}

/* the rates of the training records in log: one an iteration (ended), none above the one
 * before, the last (nearly) 0: cosine from the peak down to the run's end, where a re-plan
 * laid the rest of it over other iterations too */
static void rates_fall(const char *log, long ended)
{
    FILE *f = fopen(log, "r");
    REQUIRE(f);
    char line[2048];
    double prev = INFINITY, last = -1;
    long rises = 0, rates = 0;
    while (fgets(line, sizeof line, f)) {
        const char *p = strstr(line, "\"lr\":");
        if (!p || !strstr(line, "\"loss\":")) continue;
        double lr = atof(p + 5);
        rises += lr > prev;
        prev = last = lr;
        rates++;
    }
    fclose(f);
    CHECK_MSG(rates == ended && rises == 0 && last < 0.05 * 1e-3, "%ld rates, %ld rises, the last %g", rates, rises,
              last);
}

/* a machine that gets slower during a --budget run (a clock the test moves: 1 ms an
 * iteration, then 2 ms): at a log record the run sees it, re-plans to fewer iterations
 * that end within the budget with the work after the loop (twice as long too), logs it,
 * and lays the rest of its cosine over them, the rate going on down from where it was; a
 * resume of a checkpoint after the re-plan with the --iters its record names ends with
 * the same bits. At a steady pace it is the run of the --iters it planned, with no
 * re-plan */
static void budget_replans_when_slower(void)
{
    const ts_train_defaults def = {0.05, 100, 50, TS_LR_COSINE, 30, 0};
    const char *dir = scratch_dir();
    REQUIRE(dir);
    replan_files f;
    replan_files_in(&f, dir, "rp");
    const char *k[] = {"budget", "schedule", "lr"}, *v[] = {"4s", "cosine", "0.05"};
    ts_kv kv = {3, k, v};
    for (int slow = 0; slow < 2; slow++) {
        lsq q;
        /* the timing makes 502 steps (0.5 s), then 2,878 iterations are planned; the
         * machine slows down after 1,000 of them */
        lsq_slowing(&q, slow);
        ts_train_net n = lsq_net(&q);
        /* the checkpoint of 1,550, after the re-plan (which waits for the pace since the
         * loop's start to span 2 s: at 1,502) */
        REQUIRE(replan_run(&q, &n, &kv, &def, &f, 1600) == 0);
        float got[4];
        memcpy(got, q.p, sizeof got);
        long planned = (long)num_in_line(f.lg, "\"event\":\"start\"", "\"iters\":", 0);
        long ended = (long)num_in_line(f.lg, "\"event\":\"end\"", "\"iter\":", 0);
        long replans = count_lines_with(f.lg, "\"event\":\"replan\"");
        long before, after;
        int nrp = ts_train_replans(&before, &after);
        if (!slow) {
            CHECK_MSG(replans == 0 && nrp == 0 && ended == planned && planned > 2000, "%ld re-plans, %ld of %ld",
                      replans, ended, planned);
            /* the run of the --iters planned */
            lsq_make(&q);
            ts_train_cfg d = cosine_cfg(planned, f.b, NULL, NULL);
            REQUIRE(ts_train_run(&n, &d) == 0);
            CHECK(memcmp(got, q.p, sizeof got) == 0);
            continue;
        }
        long new_iters = (long)num_in_line(f.lg, "\"event\":\"replan\"", "\"iters\":", 1);
        long at = (long)num_in_line(f.lg, "\"event\":\"replan\"", "\"iter\":", 0);
        CHECK_MSG(replans >= 1 && nrp == replans && before == planned && after == new_iters && ended == new_iters &&
                  new_iters < planned && at > 1000 && at < new_iters, "%ld re-plans at %ld: %ld of %ld planned",
                  replans, at, ended, planned);
        CHECK(q.steps == 502 + ended);
        /* the iterations end within the budget, with the work after them: 0.5 s as timed
         * before the run, 1 s on a machine that got twice as slow */
        CHECK_MSG(q.clock + 1.0 <= 4.0 && q.clock + 1.0 > 3.5, "the iterations ended at %.3f s", q.clock);
        CHECK(count_lines_with(f.lg, "\"resume_with\":\"--iters ") == 1 + replans);
        rates_fall(f.lg, ended);
        /* resumed after the re-plan with what its record names: the same model */
        ts_train_cfg d;
        REQUIRE(replan_resume(&q, &n, &f, new_iters, &d) == 0);
        CHECK_MSG(memcmp(got, q.p, sizeof got) == 0, "budget %g %g, resumed %g %g", (double)got[0], (double)got[1],
                  (double)q.p[0], (double)q.p[1]);
        CHECK(q.steps == ended - 1550);
        /* iteration by iteration: the same losses, rates and gradients */
        long differ = 0;
        for (long it = 1551; it <= ended; it++) {
            char r1[2048], r2[2048];
            iter_record(f.lg, it, r1, sizeof r1);
            iter_record(f.lg2, it, r2, sizeof r2);
            if (!r1[0] || strcmp(r1, r2)) {
                if (!differ++) CHECK_MSG(0, "iteration %ld: %s, resumed: %s", it, r1, r2);
            }
        }
        CHECK_MSG(count_lines_with(f.lg2, "\"replan_iters\":") == 1, "no re-plan in the resume record");
        /* a corrupt re-plan section is refused, naming the file and the section: the
         * re-plan after the checkpoint's iteration, its position past the schedule's end,
         * NaN there, and a section cut short */
        char bad_ck[600];
        snprintf(bad_ck, sizeof bad_ck, "%s/rp-bad.ckpt", dir);
        ts_reader r;
        REQUIRE(ts_reader_open(&r, f.mid) == 0);
        unsigned char rb[32];
        int have = ts_reader_copy(&r, "REPLAN", rb, sizeof rb) == 0;
        ts_reader_close(&r);
        REQUIRE(have);
        for (int kc = 0; kc < 4; kc++) {
            unsigned char e[32];
            memcpy(e, rb, sizeof e);
            double pv;
            if (kc == 0) ts_le_put64(e, ts_le_get64(rb) + 100000);   /* after the checkpoint */
            if (kc == 1 || kc == 2) {
                uint64_t t = ts_le_get64(rb + 16);
                pv = kc == 1 ? (double)t + 1 : NAN;
                uint64_t bits;
                memcpy(&bits, &pv, 8);
                ts_le_put64(e + 8, bits);
            }
            REQUIRE(rewrite_chunk_bytes(f.mid, bad_ck, "REPLAN", e, kc == 3 ? 24 : sizeof e) == 0);
            lsq_make(&q);
            d.resume = bad_ck;
            remove(f.lg2);
            CHECK_MSG(ts_train_run(&n, &d) == -1 && strstr(ts_error(), bad_ck) && strstr(ts_error(), "REPLAN"),
                      "case %d: %s", kc, ts_error());
        }
    }
}

/* a busy while early in a --budget run (a clock the test moves: 1 ms an iteration, 3 ms
 * for 1,000 iterations after the first 200 planned, then 1 ms again; the work after the
 * loop 0.5 s): the run re-plans to fewer iterations in it, once the pace since the loop's
 * start spans 4 looks (2 s), and once it is over to more again, with the work after the
 * loop as timed (the machine is no slower at the end), so that the iterations and that
 * work end within the budget but short of it by little; the rate never rises. With
 * --iters given it lengthens to those at most. A resume of a checkpoint after the last
 * lengthening with the --iters its record names ends with the same bits. (A spike
 * shorter than those 2 s is one pace among the others: the run re-plans after it, once) */
static void budget_lengthens_after_spike(void)
{
    const ts_train_defaults def = {0.05, 100, 50, TS_LR_COSINE, 30, 0};
    const char *dir = scratch_dir();
    REQUIRE(dir);
    replan_files f;
    replan_files_in(&f, dir, "sp");
    for (int capped = 0; capped < 2; capped++) {
        const char *k[] = {"budget", "schedule", "lr", "iters"}, *v[] = {"10s", "cosine", "0.05", "6500"};
        ts_kv kv = {capped ? 4 : 3, k, v};
        lsq q;
        lsq_make(&q);
        q.dt = 0.001;
        q.slow_from = 502 + 201, q.slow_to = 502 + 1201, q.dt_slow = 0.003;
        q.after_ret = 0.5;
        ts_train_net n = lsq_net(&q);
        /* the checkpoint of 5,950, after the run lengthened */
        REQUIRE(replan_run(&q, &n, &kv, &def, &f, 6000) == 0);
        float got[4];
        memcpy(got, q.p, sizeof got);
        long planned = (long)num_in_line(f.lg, "\"event\":\"start\"", "\"iters\":", 0);
        long ended = (long)num_in_line(f.lg, "\"event\":\"end\"", "\"iter\":", 0);
        long replans = count_lines_with(f.lg, "\"event\":\"replan\"");
        long last_was = (long)num_in_line(f.lg, "\"event\":\"replan\"", "\"was\":", 1);
        long last_to = (long)num_in_line(f.lg, "\"event\":\"replan\"", "\"iters\":", 1);
        long last_at = (long)num_in_line(f.lg, "\"event\":\"replan\"", "\"iter\":", 1);
        long first_to = (long)num_in_line(f.lg, "\"event\":\"replan\"", "\"iters\":", 0);
        long first_at = (long)num_in_line(f.lg, "\"event\":\"replan\"", "\"iter\":", 0);
        CHECK_MSG(replans >= 2 && replans <= 4 && first_to < planned && first_at < 1200 && last_to > last_was &&
                  ended == last_to && last_at < 5950,
                  "%s: %ld re-plans, the first at %ld to %ld, the last at %ld %ld -> %ld, %ld of %ld planned",
                  capped ? "--iters 6500" : "no --iters", replans, first_at, first_to, last_at, last_was, last_to,
                  ended, planned);
        if (capped) CHECK_MSG(planned == 6500 && ended == 6500, "--iters 6500: %ld planned, %ld ended", planned, ended);
        /* the iterations and the work after them (0.5 s, as timed) end within the budget,
         * most of it used */
        else CHECK_MSG(q.clock + 0.5 <= 10.0 && q.clock + 0.5 > 9.0, "the iterations ended at %.3f s", q.clock);
        rates_fall(f.lg, ended);
        /* resumed after the lengthening with what its record names: the same model */
        ts_train_cfg d;
        REQUIRE(replan_resume(&q, &n, &f, last_to, &d) == 0);
        CHECK_MSG(memcmp(got, q.p, sizeof got) == 0 && q.steps == ended - 5950, "budget %g %g, resumed %g %g",
                  (double)got[0], (double)got[1], (double)q.p[0], (double)q.p[1]);
    }
}

/* a machine busy while the budget times the run (50 ms a step), and no longer once its
 * loop starts (1 ms): the 61 iterations planned take less than a look's half second, so
 * no look at the pace came before the run ended, 0.7 s into a budget of 4 s. The pace
 * since the loop's start, well faster than the one planned at, brings a look halfway to
 * the end: the run lengthens there and ends within its budget, most of it used */
static void budget_lengthens_after_slow_timing(void)
{
    const ts_train_defaults def = {0.05, 100, 50, TS_LR_COSINE, 30, 0};
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char out[600], lg[600];
    snprintf(out, sizeof out, "%s/st.m", dir);
    snprintf(lg, sizeof lg, "%s/st.jsonl", dir);
    const char *k[] = {"budget", "schedule", "lr"}, *v[] = {"4s", "cosine", "0.05"};
    ts_kv kv = {3, k, v};
    lsq q;
    lsq_make(&q);
    q.dt = 0.001;
    q.slow_from = 1, q.slow_to = 13, q.dt_slow = 0.05;   /* the timing's first 12 steps */
    q.after_ret = 0.5;
    ts_train_net n = lsq_net(&q);
    REQUIRE(lsq_budget_run(&q, &n, &kv, &def, 50, 1, out, lg) == 0);
    long planned = (long)num_in_line(lg, "\"event\":\"start\"", "\"iters\":", 0);
    long ended = (long)num_in_line(lg, "\"event\":\"end\"", "\"iter\":", 0);
    long replans = count_lines_with(lg, "\"event\":\"replan\"");
    CHECK_MSG(q.steps - ended < 20 && planned < 100 && replans >= 1 && ended > 2000 && q.clock + 0.5 <= 4.0 &&
                  q.clock + 0.5 > 3.6,
              "%ld planned, %ld re-plans, %ld ended (%ld steps), the iterations ended at %.3f s", planned, replans,
              ended, q.steps, q.clock);
    rates_fall(lg, ended);
}

/* a severe load spike (4 ms an iteration for 240 iterations after the first 200 planned):
 * shorter than the 2 s the pace since the loop's start is read over, it is not taken for
 * the pace of the rest of the run (which cut it, before, to so few iterations that they
 * took less than a look, and lengthened it again after the spike): the run re-plans once
 * after it, to the iterations that fit at the pace of then, and ends within the budget with
 * most of it used; a spike of 300 iterations (1.2 s) alike. A resume of a checkpoint after the re-plan with the --iters the last record names ends
 * with the same bits */
static void budget_looks_after_cut(void)
{
    const ts_train_defaults def = {0.05, 100, 50, TS_LR_COSINE, 30, 0};
    const char *dir = scratch_dir();
    REQUIRE(dir);
    replan_files f;
    replan_files_in(&f, dir, "cut");
    const char *k[] = {"budget", "schedule", "lr"}, *v[] = {"4s", "cosine", "0.05"};
    ts_kv kv = {3, k, v};
    for (int longer = 0; longer < 2; longer++) {
        lsq q;
        lsq_make(&q);
        q.dt = 0.001;
        q.slow_from = 502 + 201, q.slow_to = 502 + (longer ? 501 : 441), q.dt_slow = 0.004;
        q.after_ret = 0.5;
        ts_train_net n = lsq_net(&q);
        REQUIRE(replan_run(&q, &n, &kv, &def, &f, 1400) == 0);
        float got[4];
        memcpy(got, q.p, sizeof got);
        long ended = (long)num_in_line(f.lg, "\"event\":\"end\"", "\"iter\":", 0);
        long replans = count_lines_with(f.lg, "\"event\":\"replan\"");
        long last_was = (long)num_in_line(f.lg, "\"event\":\"replan\"", "\"was\":", 1);
        long last_to = (long)num_in_line(f.lg, "\"event\":\"replan\"", "\"iters\":", 1);
        long last_at = (long)num_in_line(f.lg, "\"event\":\"replan\"", "\"iter\":", 1);
        double last_el = num_in_line(f.lg, "\"event\":\"replan\"", "\"elapsed_s\":", 1);
        /* the record's time is that of its look, counted as the training records count it
         * (and the progress bar): from the loop's start, after the run's 0.5 s of timing;
         * 200 iterations at 1 ms, those of the spike at 4 ms and the rest at 1 ms */
        const long spike = longer ? 300 : 240, slow = last_at < 200 ? 0 : last_at < 200 + spike ? last_at - 200 : spike;
        CHECK_MSG(fabs(last_el - (0.001 * (double)(last_at - slow) + 0.004 * (double)slow)) < 0.051,
                  "the last re-plan at %ld at %.1f s", last_at, last_el);
        char at_rec[64];
        snprintf(at_rec, sizeof at_rec, "{\"iter\":%ld,\"loss\":", last_at);
        const double at_el = num_in_line(f.lg, at_rec, "\"elapsed_s\":", 0);
        CHECK_MSG(at_el == last_el, "iteration %ld: its record at %.1f s, its re-plan's at %.1f s", last_at, at_el,
                  last_el);
        CHECK_MSG(q.clock + 0.5 <= 4.0, "the iterations ended at %.3f s", q.clock);
        rates_fall(f.lg, ended);
        CHECK_MSG(replans == 1 && last_to < last_was && ended == last_to && last_at > 440 && q.clock + 0.5 > 3.6,
                  "%ld re-plans, the last at %ld %ld -> %ld, %ld ended at %.3f s", replans, last_at, last_was, last_to,
                  ended, q.clock);
        /* resumed after the re-plan with what its record names: the same model */
        ts_train_cfg d;
        REQUIRE(last_at < 1350 && replan_resume(&q, &n, &f, last_to, &d) == 0);
        CHECK_MSG(memcmp(got, q.p, sizeof got) == 0 && q.steps == ended - 1350, "budget %g %g, resumed %g %g",
                  (double)got[0], (double)got[1], (double)q.p[0], (double)q.p[1]);
    }
}


/* a busy machine whose pace swings from look to look (each half-second look's 500 steps
 * 20 % slower, then 20 % faster, than the pace timed): the run does not re-plan at every
 * look, lengthening and cutting by turns, and ends within its budget. Where the machine
 * is also twice as slow after 1,000 of the iterations planned, around that pace the run
 * still re-plans to fewer and ends within the budget */
static void budget_holds_through_swings(void)
{
    const ts_train_defaults def = {0.05, 100, 50, TS_LR_COSINE, 30, 0};
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], lg[600];
    snprintf(a, sizeof a, "%s/sw.m", dir);
    snprintf(lg, sizeof lg, "%s/sw.jsonl", dir);
    const char *k[] = {"budget", "schedule", "lr"}, *v[] = {"20s", "cosine", "0.05"};
    ts_kv kv = {3, k, v};
    for (int slow = 0; slow < 2; slow++) {
        lsq q;
        lsq_slowing(&q, slow);
        q.alt_every = 500;
        ts_train_net n = lsq_net(&q);
        REQUIRE(lsq_budget_run(&q, &n, &kv, &def, 0, 10, a, lg) == 0);
        long planned = (long)num_in_line(lg, "\"event\":\"start\"", "\"iters\":", 0);
        long ended = (long)num_in_line(lg, "\"event\":\"end\"", "\"iter\":", 0);
        long replans = count_lines_with(lg, "\"event\":\"replan\"");
        /* about 38 looks */
        if (!slow) CHECK_MSG(replans <= 2, "a pace swinging by 20 %%: %ld re-plans (%ld of %ld planned)", replans, ended,
                             planned);
        else CHECK_MSG(replans >= 1 && replans <= 4 && ended < planned,
                       "twice as slow, swinging by 20 %%: %ld re-plans, %ld of %ld planned", replans, ended, planned);
        /* the work after the loop: 0.5 s as timed, twice as long where the machine slowed */
        CHECK_MSG(q.clock + 0.5 * (slow ? 2.4 : 1) <= 20.0 && q.clock + 0.5 > 17.0, "%s: the iterations ended at %.3f s",
                  slow ? "slower" : "swinging", q.clock);
    }
}

/* a --budget run whose validations come only at its end (--valid-every more than the
 * iterations planned) sees a machine that gets slower at its log records: it re-plans
 * and ends within its budget */
static void budget_replans_without_validations(void)
{
    const ts_train_defaults def = {0.05, 100, 50, TS_LR_COSINE, 30, 0};
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], lg[600];
    snprintf(a, sizeof a, "%s/nv.m", dir);
    snprintf(lg, sizeof lg, "%s/nv.jsonl", dir);
    const char *k[] = {"budget", "schedule", "lr", "valid-every"}, *v[] = {"4s", "cosine", "0.05", "100000"};
    ts_kv kv = {4, k, v};
    lsq q;
    lsq_slowing(&q, 1);   /* after 1,000 of the iterations planned (2,877) */
    ts_train_net n = lsq_net(&q);
    REQUIRE(lsq_budget_run(&q, &n, &kv, &def, 0, 10, a, lg) == 0);
    long planned = (long)num_in_line(lg, "\"event\":\"start\"", "\"iters\":", 0);
    long ended = (long)num_in_line(lg, "\"event\":\"end\"", "\"iter\":", 0);
    long new_iters = (long)num_in_line(lg, "\"event\":\"replan\"", "\"iters\":", 1);
    CHECK_MSG(count_lines_with(lg, "\"event\":\"replan\"") >= 1 && new_iters == ended && ended < planned,
              "%ld of %ld planned, the last re-plan %ld", ended, planned, new_iters);
    CHECK_MSG(q.clock + 1.0 <= 4.0 && q.clock + 1.0 > 3.5, "the iterations ended at %.3f s", q.clock);
    CHECK(count_lines_with(lg, "\"valid_loss\":") == 1);   /* the last iteration's only */
}

/* a re-planned run resumed as its command is run again with --resume: with its --budget
 * still there (refused, in one line naming the checkpoint and the --iters it takes
 * instead), with the --iters it re-planned to (the same model as the run), with another
 * --iters (refused alike: the rest of its schedule would be laid over other iterations),
 * and with no --iters (the re-planned ones: the same model). The log is cut only by a
 * resume that runs */
static void budget_replan_resume_iters(void)
{
    const ts_train_defaults def = {0.05, 100, 50, TS_LR_COSINE, 30, 0};
    const char *dir = scratch_dir();
    REQUIRE(dir);
    replan_files f;
    replan_files_in(&f, dir, "rr");
    const char *k[] = {"budget", "schedule", "lr"}, *v[] = {"4s", "cosine", "0.05"};
    ts_kv kv = {3, k, v};
    lsq q;
    lsq_slowing(&q, 1);   /* as budget_replans_when_slower's: a re-plan after 1,000 */
    ts_train_net n = lsq_net(&q);
    /* the checkpoint of 1,550, after the re-plan */
    REQUIRE(replan_run(&q, &n, &kv, &def, &f, 1600) == 0);
    float got[4];
    memcpy(got, q.p, sizeof got);
    long ended = (long)num_in_line(f.lg, "\"event\":\"end\"", "\"iter\":", 0);
    long new_iters = (long)num_in_line(f.lg, "\"event\":\"replan\"", "\"iters\":", 1);
    REQUIRE(count_lines_with(f.lg, "\"event\":\"replan\"") >= 1 && new_iters == ended && access(f.mid, F_OK) == 0);
    char want[64];
    snprintf(want, sizeof want, "--iters %ld", new_iters);
    /* the command again with --resume: its --budget is refused, naming the --iters */
    remove(f.lg2);
    REQUIRE(ts_train_log(f.lg2, "\"event\":\"mark\"") == 0);
    lsq_make(&q);
    ts_train_cfg c;
    REQUIRE(replan_resume_cfg(&c, &kv, &def, &f) == 0);
    CHECK_MSG(ts_train_run(&n, &c) == -1 && strstr(ts_error(), f.mid) && strstr(ts_error(), want) &&
                  strstr(ts_error(), "--budget") && !strchr(ts_error(), '\n'), "%s", ts_error());
    CHECK(q.steps == 0 && count_lines_with(f.lg2, "") == 1);
    /* another --iters: refused alike, before the log is cut */
    for (int more = 0; more < 2; more++) {
        char other[32];
        snprintf(other, sizeof other, "%ld", more ? new_iters + 100 : new_iters - 10);
        const char *k2[] = {"schedule", "lr", "iters"}, *v2[] = {"cosine", "0.05", other};
        ts_kv kv2 = {3, k2, v2};
        REQUIRE(replan_resume_cfg(&c, &kv2, &def, &f) == 0);
        CHECK_MSG(ts_train_run(&n, &c) == -1 && strstr(ts_error(), f.mid) && strstr(ts_error(), want) &&
                      strstr(ts_error(), other) && !strchr(ts_error(), '\n'), "--iters %s: %s", other, ts_error());
        CHECK(q.steps == 0 && count_lines_with(f.lg2, "") == 1);
    }
    /* the --iters it re-planned to, and none: the run's model */
    for (int given = 0; given < 2; given++) {
        char same[32];
        snprintf(same, sizeof same, "%ld", new_iters);
        const char *k2[] = {"iters"}, *v2[] = {same};
        ts_kv kv2 = {given, k2, v2};
        REQUIRE(replan_resume_cfg(&c, &kv2, &def, &f) == 0);
        lsq_make(&q);
        remove(f.lg2);
        CHECK_MSG(ts_train_run(&n, &c) == 0, "--iters %s: %s", given ? same : "not given", ts_error());
        CHECK_MSG(memcmp(got, q.p, sizeof got) == 0 && q.steps == ended - 1550, "--iters %s: %ld steps",
                  given ? same : "not given", q.steps);
        CHECK((long)num_in_line(f.lg2, "\"event\":\"resume\"", "\"iters\":", 0) == new_iters);
    }
}

static const char *lsq_after_options(void *ctx)
{
    (void)ctx;
    return "--valid-windows 7";
}

/* what a resume of a re-planned run takes, as its last "replan" record names it, is told
 * after the run too (train's note, which a run without --log has no record of): the
 * iterations and the options of the work after the loop */
static void budget_replan_resume_with_told(void)
{
    const ts_train_defaults def = {0.05, 100, 50, TS_LR_COSINE, 30, 0};
    const char *k[] = {"budget", "schedule"}, *v[] = {"4s", "cosine"};
    ts_kv kv = {2, k, v};
    lsq q;
    lsq_slowing(&q, 1);
    ts_train_net n = lsq_net(&q);
    n.after_options = lsq_after_options;
    REQUIRE(lsq_budget_run(&q, &n, &kv, &def, 50, 10, NULL, NULL) == 0);
    long iters;
    CHECK(ts_train_replans(NULL, &iters) >= 1);
    char want[64];
    snprintf(want, sizeof want, "--iters %ld --valid-windows 7", iters);
    CHECK_MSG(!strcmp(ts_train_replan_with(), want), "%s, not %s", ts_train_replan_with(), want);
    /* a run without --budget re-plans nothing */
    lsq_make(&q);
    ts_train_cfg d = lsq_cfg(20);
    REQUIRE(ts_train_run(&n, &d) == 0);
    CHECK(ts_train_replans(NULL, NULL) == 0 && !strcmp(ts_train_replan_with(), ""));
}

/* --budget keeps the time the model's work after the loop expects to take: the model is
 * asked once, given a quarter of the budget to plan that work in, and the iterations fit
 * in what is left; the start record names both. A model that cannot plan it stops the
 * run before any iteration. */
static void budget_keeps_after(void)
{
    const ts_train_defaults def = {0.05, 100, 10, TS_LR_COSINE, 30, 0};
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], lg[600];
    snprintf(a, sizeof a, "%s/ka.m", dir);
    snprintf(lg, sizeof lg, "%s/ka.jsonl", dir);
    const char *k[] = {"budget", "lr"}, *v[] = {"2s", "0.05"};
    ts_kv kv = {2, k, v};
    ts_train_cfg c;
    long iters[2] = {-1, -1};
    for (int r = 0; r < 2; r++) {   /* without the model's work, then with 1 s of it */
        lsq q;
        lsq_make(&q);
        q.sleep_us = 2000;
        q.after_ret = 1;
        ts_train_net n = lsq_net(&q);
        if (!r) n.after = NULL;
        memset(&c, 0, sizeof c);
        REQUIRE(ts_train_parse(&c, &kv, &def) == 0);
        c.valid_every = 10;
        c.seed = 3;
        c.out_path = a;
        c.log_path = lg;
        remove(lg);
        REQUIRE(ts_train_run(&n, &c) == 0);
        FILE *f = fopen(lg, "r");
        REQUIRE(f);
        char line[1024] = "";
        CHECK(fgets(line, sizeof line, f) != NULL);
        fclose(f);
        const char *p = strstr(line, "\"iters\":");
        if (p) iters[r] = atol(p + 8);
        CHECK_MSG(strstr(line, r ? "\"after_s\":1.0" : "\"after_s\":0.0"), "%s", line);
        if (r) CHECK_MSG(q.afters == 1 && q.after_share == 0.5 && q.after_valid >= 0, "%d calls, share %g, valid %g",
                         q.afters, q.after_share, q.after_valid);
    }
    /* 2 s at 2 ms an iteration, 0.5 s of them timing it: at most 720 without the 1 s, at
     * most 220 with it */
    CHECK_MSG(iters[0] >= 1 && iters[0] <= 750 && iters[1] >= 1 && iters[1] <= 250 && iters[1] < iters[0],
              "%ld iterations, %ld with the work after the loop", iters[0], iters[1]);

    lsq q;
    lsq_make(&q);
    q.after_ret = -1;
    ts_train_net n = lsq_net(&q);
    memset(&c, 0, sizeof c);
    REQUIRE(ts_train_parse(&c, &kv, &def) == 0);
    c.out_path = a;
    remove(a);
    CHECK_MSG(ts_train_run(&n, &c) == -1 && strstr(ts_error(), "cannot be planned"), "%s", ts_error());
    CHECK(access(a, F_OK) != 0);
}

/* a budget that leaves no time for one iteration once the run is timed and the model's
 * work after the loop is kept is refused before any iteration, naming the option and a
 * budget that fits; nothing is written (it trained one iteration past its budget, and
 * handed back that untrained model as the budget's) */
static void budget_too_small_refused(void)
{
    const ts_train_defaults def = {0.05, 100, 10, TS_LR_COSINE, 30, 0};
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], lg[600];
    snprintf(a, sizeof a, "%s/small.m", dir);
    snprintf(lg, sizeof lg, "%s/small.jsonl", dir);
    const char *k[] = {"budget", "lr"}, *v[] = {"0.6s", "0.05"};
    ts_kv kv = {2, k, v};
    for (int r = 0; r < 2; r++) {   /* the timing alone takes 0.5 s; then with 1 s of work after the loop */
        lsq q;
        lsq_make(&q);
        q.sleep_us = r ? 2000 : 50000;
        q.after_ret = 1;
        ts_train_net n = lsq_net(&q);
        if (!r) n.after = NULL;
        ts_train_cfg c;
        memset(&c, 0, sizeof c);
        REQUIRE(ts_train_parse(&c, &kv, &def) == 0);
        c.valid_every = 10;
        c.seed = 3;
        c.out_path = a;
        c.log_path = lg;
        remove(a);
        remove(lg);
        CHECK_MSG(ts_train_run(&n, &c) == -1 && strstr(ts_error(), ": --budget 0.6 s leaves no time for one "
                                                        "iteration") && !strstr(ts_error(), "option --") &&
                      strstr(ts_error(), "give at least"),
                  "round %d: %s", r, ts_error());
        CHECK(access(a, F_OK) != 0 && access(lg, F_OK) != 0);
        /* the budget it names fits */
        const char *at = strstr(ts_error(), "give at least ");
        char num[16];
        if (at && sscanf(at + 14, "%15[0-9.]", num) == 1) {
            char given[32];
            snprintf(given, sizeof given, "%ss", num);
            const char *v2[] = {given, "0.05"};
            ts_kv kv2 = {2, k, v2};
            lsq_make(&q);
            memset(&c, 0, sizeof c);
            REQUIRE(ts_train_parse(&c, &kv2, &def) == 0);
            c.valid_every = 10;
            c.seed = 3;
            CHECK_MSG(ts_train_run(&n, &c) == 0, "round %d: --budget %s: %s", r, given, ts_error());
        }
    }
}

/* a budget that the --iters given leave mostly unused: the model's work after the loop
 * is planned in what they leave, not in a quarter of the budget, so that where all of it
 * fits the run is the run of those --iters, its work after the loop too */
static void budget_after_share_of_capped_iters(void)
{
    const ts_train_defaults def = {0.05, 100, 10, TS_LR_COSINE, 30, 0};
    const char *k[] = {"budget", "iters"}, *v[] = {"8s", "5"};
    ts_kv kv = {2, k, v};
    lsq q;
    ts_train_net n = lsq_start(&q, NULL, 0, NULL, NULL);
    ts_train_cfg c;
    memset(&c, 0, sizeof c);
    REQUIRE(ts_train_parse(&c, &kv, &def) == 0);
    c.valid_every = 5;
    REQUIRE(ts_train_run(&n, &c) == 0);
    /* the timing takes at most 2 s (at most 1,000 iterations past the first two, or
     * min_s), 5 iterations next to nothing: more than 4 s of the 8 left, where a quarter
     * is 2 s */
    CHECK_MSG(q.afters == 1 && q.after_share > 4 && q.after_share <= 8, "%d calls, share %g s", q.afters,
              q.after_share);
}

/* the log stays JSON when a value is not finite: no validation yet (--iters 0), or a
 * caller's NaN, become null; strings are left as they are */
static void log_non_finite_is_null(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char p[600];
    snprintf(p, sizeof p, "%s/nf.jsonl", dir);
    lsq q;
    ts_train_cfg c;
    ts_train_net n = lsq_start(&q, &c, 0, NULL, p);
    REQUIRE(ts_train_run(&n, &c) == 0);
    CHECK(count_lines_with(p, "\"event\":\"end\"") == 1);
    CHECK_MSG(count_lines_with(p, "\"best_valid_loss\":null,") == 1, "%ld", count_lines_with(p, "null"));
    CHECK(count_lines_with(p, "inf") == 0);
    REQUIRE(ts_train_log(p, "\"a\":%g,\"s\":\"nan \\\"inf\\\"\",\"v\":[%g,%.3f,%g]", (double)NAN, -INFINITY, 1.5,
                         (double)-NAN) == 0);
    CHECK(count_lines_with(p, "{\"a\":null,\"s\":\"nan \\\"inf\\\"\",\"v\":[null,1.500,null]}") == 1);
}

/* a log whose last record was cut short (a run stopped in the middle of writing it, a full
 * disk): the next record starts a line of its own, not glued onto the cut one */
static void log_after_a_cut_record(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char p[600], text[256] = "";
    snprintf(p, sizeof p, "%s/cut.jsonl", dir);
    write_text(p, "{\"iter\":10,\"loss\":4.1");
    REQUIRE(ts_train_log(p, "\"event\":\"start\"") == 0);
    REQUIRE(ts_train_log(p, "\"event\":\"end\"") == 0);
    FILE *f = fopen(p, "r");
    REQUIRE(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    CHECK_MSG(!strcmp(text, "{\"iter\":10,\"loss\":4.1\n{\"event\":\"start\"}\n{\"event\":\"end\"}\n"), "%s", text);
    /* an empty log gets no blank line first */
    write_text(p, "");
    REQUIRE(ts_train_log(p, "\"event\":\"start\"") == 0);
    f = fopen(p, "r");
    REQUIRE(f);
    n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    CHECK_MSG(!strcmp(text, "{\"event\":\"start\"}\n"), "%s", text);
}

/* the resume record names its checkpoint as a JSON string, whatever the path holds */
static void resume_path_escaped_in_log(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char out[512], ck[600], odd[600], logp[600], want[1400], cmd[2000];
    snprintf(out, sizeof out, "%s/r.m", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", out);
    snprintf(odd, sizeof odd, "%s/a\"b\\c.ckpt", dir);
    snprintf(logp, sizeof logp, "%s/r.jsonl", dir);
    lsq q;
    ts_train_cfg c;
    ts_train_net n = lsq_start(&q, &c, 10, out, NULL);
    REQUIRE(ts_train_run(&n, &c) == 0);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", ck, odd);
    REQUIRE(system(cmd) == 0);
    c.iters = 20;
    c.resume = odd;
    c.log_path = logp;
    REQUIRE(ts_train_run(&n, &c) == 0);
    snprintf(want, sizeof want, "\"from\":\"%s/a\\\"b\\\\c.ckpt\",", dir);
    CHECK_MSG(count_lines_with(logp, want) == 1, "%s", want);
}

/* a copy bad of the checkpoint of a 10-iteration run with nv bytes at off of section
 * tag replaced by those at val; c is that run's configuration (its output in a static) */
static int ckpt_edit(lsq *q, ts_train_net *n, ts_train_cfg *c, const char *dir, char *bad, size_t nbad,
                     const char *tag, size_t off, const void *val, size_t nv)
{
    static char out[512];
    char ck[600];
    snprintf(out, sizeof out, "%s/s.m", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", out);
    snprintf(bad, nbad, "%s/bad.ckpt", dir);
    *n = lsq_start(q, c, 10, out, NULL);
    c->log_every = 4;   /* the checkpoint at 10 holds the losses of 9 and 10 */
    if (ts_train_run(n, c) != 0) return -1;
    ts_reader r;
    if (ts_reader_open(&r, ck) != 0) return -1;
    const ts_chunk *ch = ts_reader_get(&r, tag);
    if (!ch || ch->size < off + nv) { ts_reader_close(&r); return -1; }
    size_t nb = ch->size;
    unsigned char *b = malloc(nb);
    if (!b) { ts_reader_close(&r); return -1; }
    memcpy(b, ch->data, nb);
    ts_reader_close(&r);
    memcpy(b + off, val, nv);
    int rc = rewrite_chunk_bytes(ck, bad, tag, b, nb);
    free(b);
    return rc;
}

/* a checkpoint whose best validation loss is not a number is refused: no later
 * validation could beat it, so the model file would never be saved again */
static void ckpt_best_must_be_finite(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ck[600], bad[600];
    lsq q;
    ts_train_net n;
    ts_train_cfg c;
    double nan = NAN;
    uint64_t u;
    memcpy(&u, &nan, 8);
    unsigned char b[8];
    ts_le_put64(b, u);
    /* the best validation loss: at 24 of STATE's 72 bytes (another layout would have the NaN
     * elsewhere, refused for another field) */
    REQUIRE(ckpt_edit(&q, &n, &c, dir, bad, sizeof bad, "STATE", 24, b, sizeof b) == 0);
    ts_reader r;
    REQUIRE(ts_reader_open(&r, bad) == 0);
    const ts_chunk *st = ts_reader_get(&r, "STATE");
    const int layout = st && st->size == 72;
    ts_reader_close(&r);
    REQUIRE(layout);
    c.iters = 20;
    c.resume = bad;
    CHECK(ts_train_run(&n, &c) == -1);
    CHECK_MSG(strstr(ts_error(), bad) && strstr(ts_error(), "STATE"), "%s", ts_error());
    snprintf(ck, sizeof ck, "%s.ckpt", c.out_path);
    c.resume = ck;   /* the true one resumes */
    CHECK(ts_train_run(&n, &c) == 0);
}

/* a checkpoint whose Adam second moments are negative is refused as corrupt: resumed, the
 * square root of one made the run "diverge" (NaN) and blamed the learning rate. The error
 * names the section, as for a value that is not finite in any of the four */
static void ckpt_adam_v_must_be_nonnegative(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ck[600], bad[600];
    lsq q;
    ts_train_net n;
    ts_train_cfg c;
    float neg = -1.0f;
    uint32_t u;
    memcpy(&u, &neg, 4);
    unsigned char b[4];
    ts_le_put32(b, u);
    REQUIRE(ckpt_edit(&q, &n, &c, dir, bad, sizeof bad, "ADAM_V", 0, b, sizeof b) == 0);
    snprintf(ck, sizeof ck, "%s.ckpt", c.out_path);
    c.iters = 20;
    c.resume = bad;
    CHECK(ts_train_run(&n, &c) == -1);
    CHECK_MSG(strstr(ts_error(), bad) && strstr(ts_error(), "section 'ADAM_V': optimizer state 0 is negative") &&
              !strstr(ts_error(), "diverged"), "%s", ts_error());
    /* a value that is not finite: the error names its section too */
    const char *secs[] = {"PARAMS", "BEST", "ADAM_M", "ADAM_V"};
    const float nan = NAN;
    memcpy(&u, &nan, 4);
    unsigned char nb4[16];
    for (int i = 0; i < 4; i++) ts_le_put32(nb4 + 4 * i, i == 2 ? u : 0);
    for (int s = 0; s < 4; s++) {
        CHECK(rewrite_chunk_bytes(ck, bad, secs[s], nb4, sizeof nb4) == 0);
        CHECK(ts_train_run(&n, &c) == -1);
        char want[64];
        snprintf(want, sizeof want, "section '%s': ", secs[s]);
        CHECK_MSG(strstr(ts_error(), bad) && strstr(ts_error(), want) && strstr(ts_error(), " 2 is not finite"), "%s",
                  ts_error());
    }
    c.resume = ck;
    CHECK(ts_train_run(&n, &c) == 0);
}

/* an all-zero state is the one xoshiro256** never leaves: every draw would be 0 */
static void ckpt_rng_state_zero_refused(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char bad[600];
    lsq q;
    ts_train_net n;
    ts_train_cfg c;
    unsigned char zero[32] = {0};
    REQUIRE(ckpt_edit(&q, &n, &c, dir, bad, sizeof bad, "STATE", 32, zero, sizeof zero) == 0);
    c.iters = 20;
    c.resume = bad;
    CHECK(ts_train_run(&n, &c) == -1);
    CHECK_MSG(strstr(ts_error(), bad) && strstr(ts_error(), "'STATE'"), "%s", ts_error());
}

/* the cached second normal of the generator: a flag of 0 or 1, and a finite value */
static void ckpt_rng_gauss_checked(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char bad[600];
    lsq q;
    ts_train_net n;
    ts_train_cfg c;
    unsigned char b[8];
    float nan = NAN;
    uint32_t u;
    memcpy(&u, &nan, 4);
    ts_le_put32(b, 1);
    ts_le_put32(b + 4, u);
    REQUIRE(ckpt_edit(&q, &n, &c, dir, bad, sizeof bad, "STATE", 64, b, sizeof b) == 0);
    c.iters = 20;
    c.resume = bad;
    CHECK(ts_train_run(&n, &c) == -1);
    CHECK_MSG(strstr(ts_error(), bad) && strstr(ts_error(), "'STATE'"), "%s", ts_error());
    ts_le_put32(b, 2);   /* a flag neither 0 nor 1 */
    ts_le_put32(b + 4, 0);
    REQUIRE(ckpt_edit(&q, &n, &c, dir, bad, sizeof bad, "STATE", 64, b, sizeof b) == 0);
    c.iters = 20;
    c.resume = bad;
    CHECK(ts_train_run(&n, &c) == -1);
    CHECK_MSG(strstr(ts_error(), bad) && strstr(ts_error(), "'STATE'"), "%s", ts_error());
}

/* the losses since the last log record: a sum no n finite float losses can make is
 * refused, not averaged into the next record */
static void ckpt_logacc_range_checked(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char bad[600];
    lsq q;
    ts_train_net n;
    ts_train_cfg c;
    const double sums[2] = {1e308, 1.0};
    const uint64_t ns[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        unsigned char b[16];
        uint64_t d;
        memcpy(&d, &sums[k], 8);
        ts_le_put64(b, d);
        ts_le_put64(b + 8, ns[k]);
        REQUIRE(ckpt_edit(&q, &n, &c, dir, bad, sizeof bad, "LOGACC", 0, b, sizeof b) == 0);
        c.iters = 20;
        c.resume = bad;
        CHECK_MSG(ts_train_run(&n, &c) == -1, "sum %g of %llu losses taken", sums[k], (unsigned long long)ns[k]);
        CHECK_MSG(strstr(ts_error(), bad) && strstr(ts_error(), "'LOGACC'"), "%s", ts_error());
    }
    /* the checkpoint as written resumes */
    char ck[600];
    snprintf(ck, sizeof ck, "%s/s.m.ckpt", dir);
    c.resume = ck;
    CHECK(ts_train_run(&n, &c) == 0);
}

/* parameters mask_grads keeps out of training (sssd-s4's SSM without --train-ssm 1)
 * are not trained by AdamW's weight decay either: they keep their values */
static void lsq_freeze_bias(void *ctx, float *grads)
{
    (void)ctx;
    grads[3] = 0;
}

static void frozen_not_decayed(void)
{
    lsq q;
    lsq_make(&q);
    q.p[3] = 1.0f;
    ts_train_net n = lsq_net(&q);
    n.mask_grads = lsq_freeze_bias;
    ts_train_cfg c = lsq_cfg(40);
    c.weight_decay = 0.5;
    REQUIRE(ts_train_run(&n, &c) == 0);
    CHECK_MSG(q.p[3] == 1.0f, "the frozen parameter went from 1 to %.9g", q.p[3]);
    CHECK(q.p[0] != 0);   /* the others learn */
}

/* a log record that cannot be written (a full disk) stops the run with an error naming
 * the log: it is not left with lines missing or cut short */
static void log_write_failure_stops(void)
{
    if (access("/dev/full", W_OK) != 0) SKIP("no /dev/full");
    lsq q;
    ts_train_cfg c;
    ts_train_net n = lsq_start(&q, &c, 40, NULL, "/dev/full");
    CHECK(ts_train_run(&n, &c) == -1);
    CHECK_MSG(strstr(ts_error(), "/dev/full") != NULL, "%s", ts_error());
    CHECK_MSG(q.steps == 0, "%ld steps", q.steps);
}

/* the value of "loss" in the line of path holding key, into buf ("" when absent) */
static void loss_of(const char *path, const char *key, char *buf, size_t n)
{
    buf[0] = 0;
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        const char *p = strstr(line, key);
        if (!p || !(p = strstr(line, "\"loss\":"))) continue;
        p += 7;
        size_t k = strcspn(p, ",}");
        snprintf(buf, n, "%.*s", (int)k, p);
    }
    fclose(f);
}

/* a run stopped after the checkpoint at 10 (between log records at 8 and 12) and
 * resumed: its record at 12 averages the losses of 9 to 12, as an uninterrupted run's */
static void resume_log_mean_exact(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], b[512], ck[600], la[600], lb[600];
    snprintf(a, sizeof a, "%s/a.m", dir);
    snprintf(b, sizeof b, "%s/b.m", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", b);
    snprintf(la, sizeof la, "%s/a.jsonl", dir);
    snprintf(lb, sizeof lb, "%s/b.jsonl", dir);
    lsq q;
    ts_train_cfg c;
    ts_train_net n = lsq_start(&q, &c, 20, a, la);
    c.log_every = 4;
    REQUIRE(ts_train_run(&n, &c) == 0);
    lsq_make(&q);
    q.poison = 15;   /* stops at 15: the checkpoint of 10 stays */
    c.out_path = b;
    c.log_path = lb;
    REQUIRE(ts_train_run(&n, &c) == -1);
    q.poison = 0;
    c.resume = ck;
    REQUIRE(ts_train_run(&n, &c) == 0);
    char va[64], vb[64];
    loss_of(la, "\"iter\":12,\"loss\"", va, sizeof va);
    loss_of(lb, "\"iter\":12,\"loss\"", vb, sizeof vb);
    CHECK_MSG(va[0] && !strcmp(va, vb), "uninterrupted %s, resumed %s", va, vb);
    loss_of(la, "\"iter\":20,\"loss\"", va, sizeof va);
    loss_of(lb, "\"iter\":20,\"loss\"", vb, sizeof vb);
    CHECK_MSG(va[0] && !strcmp(va, vb), "uninterrupted %s, resumed %s", va, vb);
}

typedef struct {
    ts_train_net n;
    ts_train_cfg c;
    int rc;
    double wall;
} run_args;

static void run_timed(void *ctx)
{
    run_args *a = ctx;
    double t0 = ts_now();
    a->rc = ts_train_run(&a->n, &a->c);
    a->wall = ts_now() - t0;
}

/* the progress line of a resumed run counts its own iterations in the rate: 10 from
 * 10 to 20, not 20 (the time left would be half the truth) */
static void resume_progress_rate(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char out[512], ck[600];
    snprintf(out, sizeof out, "%s/p.m", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", out);
    lsq q;
    run_args a;
    a.n = lsq_start(&q, &a.c, 10, out, NULL);
    REQUIRE(ts_train_run(&a.n, &a.c) == 0);
    q.sleep_us = 20000;
    a.c.iters = 20;
    a.c.resume = ck;
    a.c.progress = 1;
    char err[4096];
    capture_stderr(run_timed, &a, err, sizeof err);
    REQUIRE(a.rc == 0);
    const char *p = strstr(err, "20/20 ");
    REQUIRE(p);
    double rate = atof(p + 6);
    /* each iteration sleeps 20 ms, so the 10 made run at 50 it/s at most; counting the 10 before
     * too gave about twice that. A bound, not a timing: load only lowers the rate (the run's
     * wall time, which also holds its start and its checkpoints, flaked on a busy machine) */
    CHECK_MSG(rate > 0 && rate < 75, "%g it/s over %g s: '%s'", rate, a.wall, err);
}

/* the last line of a run's stderr (a file: a line each time the bar is drawn): the bar's,
 * at counts ("] 20/20 "), with the best validation loss the end record of log gives */
static void bar_ends_as_log(char *err, const char *log, const char *counts)
{
    size_t n = strlen(err);
    while (n && err[n - 1] == '\n') err[--n] = 0;
    const char *last = strrchr(err, '\n');
    last = last ? last + 1 : err;
    char best[64];
    snprintf(best, sizeof best, "best valid %.4f", num_in_line(log, "\"event\":\"end\"", "\"best_valid_loss\":", 1));
    CHECK_MSG(strstr(last, counts) && strstr(last, best), "the last line: '%s', not at '%s' with '%s' (of '%s')", last,
              counts, best, err);
}

/* the bar's last line shows the best validation loss the run ends with: that of the
 * validation at its last iteration too, as the log and the closing note give it */
static void progress_ends_with_last_best(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char out[512], lg[600];
    snprintf(out, sizeof out, "%s/pb.m", dir);
    snprintf(lg, sizeof lg, "%s/pb.jsonl", dir);
    lsq q;
    run_args a;
    a.n = lsq_start(&q, &a.c, 20, out, lg);   /* a new best at each validation: 10, then 20 */
    a.c.progress = 1;
    char err[4096];
    capture_stderr(run_timed, &a, err, sizeof err);
    REQUIRE(a.rc == 0);
    CHECK(num_in_line(lg, "\"event\":\"end\"", "\"best_iter\":", 1) == 20);
    bar_ends_as_log(err, lg, "] 20/20 ");
}

/* a run stopped by --patience draws its bar's last line where it stopped, with its best */
static void patience_progress_ends_at_stop(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char out[512], lg[600];
    snprintf(out, sizeof out, "%s/ps.m", dir);
    snprintf(lg, sizeof lg, "%s/ps.jsonl", dir);
    lsq q;
    run_args a;
    a.n = lsq_start(&q, &a.c, 200, out, lg);   /* worse from 35 on: stopped at 60, its best 30's */
    q.worse_from = 35;
    a.c.patience = 3;
    a.c.progress = 1;
    char err[4096];
    capture_stderr(run_timed, &a, err, sizeof err);
    REQUIRE(a.rc == 0);
    CHECK(num_in_line(lg, "\"event\":\"end\"", "\"iter\":", 1) == 60);
    bar_ends_as_log(err, lg, "] 60/200 ");
}

/* a --budget run that a stall leaves no time for more (one iteration takes 5 s of a 4 s
 * budget) re-plans to end at the iteration it is at: its progress ends at that
 * iteration, as every run's does, and not short of the iterations planned before */
static void budget_replan_to_now_ends_progress(void)
{
    const ts_train_defaults def = {0.05, 100, 50, TS_LR_COSINE, 30, 0};
    const char *k[] = {"budget", "schedule", "lr"}, *v[] = {"4s", "cosine", "0.05"};
    ts_kv kv = {3, k, v};
    lsq q;
    lsq_make(&q);
    q.dt = 0.001;
    q.slow_from = 502 + 201, q.slow_to = 502 + 202, q.dt_slow = 5.0;
    q.after_ret = 0.5;
    q.valid_from = 1, q.valid_scale = 1e6;   /* validation losses the bar's four decimals tell apart */
    run_args a;
    a.n = lsq_net(&q);
    memset(&a.c, 0, sizeof a.c);
    REQUIRE(ts_train_parse(&a.c, &kv, &def) == 0);
    a.c.valid_every = 50;
    a.c.log_every = 1;
    a.c.seed = 3;
    a.c.progress = 1;
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char lg[600];
    snprintf(lg, sizeof lg, "%s/now.jsonl", dir);
    a.c.log_path = lg;
    char err[8192];
    ts_train_set_clock(lsq_clock, &q);
    capture_stderr(run_timed, &a, err, sizeof err);
    ts_train_set_clock(NULL, NULL);
    REQUIRE(a.rc == 0);
    long planned, ended;
    CHECK_MSG(ts_train_replans(&planned, &ended) == 1 && ended == 201 && planned > 2000,
              "re-planned from %ld to %ld: %s", planned, ended, err);
    /* stderr is a file: the re-plan's line, then the bar's line at the end, with the best
     * of the validation there */
    bar_ends_as_log(err, lg, "] 201/201 ");
}

/* the same stall at a validation that is not a log record's iteration (a validation
 * every 50, a record every 7): the run re-plans to end at 200, and its log holds the
 * training record of that last iteration, as every run's does */
static void budget_replan_to_now_logs_last(void)
{
    const ts_train_defaults def = {0.05, 100, 50, TS_LR_COSINE, 30, 0};
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char lg[600];
    snprintf(lg, sizeof lg, "%s/now.jsonl", dir);
    const char *k[] = {"budget", "schedule", "lr"}, *v[] = {"4s", "cosine", "0.05"};
    ts_kv kv = {3, k, v};
    lsq q;
    lsq_make(&q);
    q.dt = 0.001;
    q.slow_from = 502 + 200, q.slow_to = 502 + 201, q.dt_slow = 5.0;
    q.after_ret = 0.5;
    ts_train_net n = lsq_net(&q);
    REQUIRE(lsq_budget_run(&q, &n, &kv, &def, 50, 7, NULL, lg) == 0);
    long ended = (long)num_in_line(lg, "\"event\":\"end\"", "\"iter\":", 0);
    long at = (long)num_in_line(lg, "\"event\":\"replan\"", "\"iters\":", 1);
    CHECK_MSG(ended == 200 && at == 200, "re-planned to %ld, ended at %ld", at, ended);
    char rec[2048];
    iter_record(lg, 200, rec, sizeof rec);
    CHECK_MSG(rec[0], "no training record of iteration 200 in %s", lg);
}

/* a validation record that cannot be written stops the run before its checkpoint:
 * the resume from the one before writes it, the log holds it once */
static void valid_record_before_ckpt(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char out[512], ck[600], logp[600], aside[700];
    snprintf(out, sizeof out, "%s/v.m", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", out);
    snprintf(logp, sizeof logp, "%s/v.jsonl", dir);
    snprintf(aside, sizeof aside, "%s.aside", logp);
    lsq q;
    lsq_make(&q);
    q.break_log = logp;
    ts_train_net n = lsq_net(&q);
    ts_train_cfg c = lsq_cfg(30);
    c.log_every = 7;   /* no training record at 20: the validation record is the first to fail */
    c.out_path = out;
    c.log_path = logp;
    REQUIRE(ts_train_run(&n, &c) == -1);
    CHECK_MSG(strstr(ts_error(), logp) != NULL, "%s", ts_error());
    REQUIRE(rmdir(logp) == 0 && rename(aside, logp) == 0);
    q.break_log = NULL;
    c.resume = ck;
    REQUIRE(ts_train_run(&n, &c) == 0);
    CHECK_MSG(count_lines_with(logp, "\"iter\":20,\"valid_loss\"") == 1, "%ld",
              count_lines_with(logp, "\"iter\":20,\"valid_loss\""));
    CHECK(count_lines_with(logp, "\"iter\":10,\"valid_loss\"") == 1);
    CHECK(count_lines_with(logp, "\"iter\":30,\"valid_loss\"") == 1);
}

/* -o naming the checkpoint given to --resume: the model would be written over it (its
 * own checkpoints going to CKPT.ckpt), and the run could not be resumed again. Refused
 * before training, the checkpoint left as it was, for a single- and a multi-channel model */
static void resume_output_over_checkpoint(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], mc[512], p[800], out[600], ck[700], copy[700], args[4096], err[1024];
    snprintf(ds, sizeof ds, "%s/ds", dir);
    REQUIRE(mkdir(ds, 0755) == 0);
    snprintf(p, sizeof p, "%s/stream.txt", ds);
    FILE *f = fopen(p, "w");
    REQUIRE(f);
    for (int i = 0; i < 600; i++) fprintf(f, "%s%d", i ? "," : "", i * 7 % 5);
    fputc('\n', f);   /* as every writer of a dataset ends stream.txt */
    REQUIRE(fclose(f) == 0);
    ts_mc d;
    mc_cycle_trace(600, 0, &d);
    snprintf(mc, sizeof mc, "%s/mc", dir);
    REQUIRE(ts_mc_save(mc, &d) == 0);
    ts_mc_free(&d);
    const char *models[][2] = {
        {"--model sssd-s4 --length 8 --windows 5 --layers 1 --channels 4 --state 2 --T 5 --blackout 2", ds},
        {"--model ddpm-mc --length 8 --layers 1 --channels 4 --state 2 --T 5", mc},
    };
    for (int k = 0; k < 2; k++) {
        snprintf(out, sizeof out, "%s/m%d.tsm", dir, k);
        snprintf(ck, sizeof ck, "%s.ckpt", out);
        snprintf(copy, sizeof copy, "%s/copy%d", dir, k);
        snprintf(args, sizeof args, "train %s %s --iters 2 --valid-every 2 --threads 1 --no-progress -o %s",
                 models[k][0], models[k][1], out);
        REQUIRE(run_cli(args, err, sizeof err) == 0);
        snprintf(args, sizeof args, "cp %s %s", ck, copy);
        REQUIRE(system(args) == 0);
        snprintf(args, sizeof args, "train %s %s --iters 4 --valid-every 2 --threads 1 --no-progress -o %s "
                 "--resume %s", models[k][0], models[k][1], ck, ck);
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, ck) && strstr(err, "over the checkpoint"),
                  "%s: %s", models[k][0], err);
        CHECK(files_equal(ck, copy));
        snprintf(p, sizeof p, "%s.ckpt", ck);
        CHECK(!ts_file_exists(p));
    }
}

/* the immutable flag of folder d set (on) or cleared: entries can then be neither made
 * nor renamed in it, even by root; 0, or -1 where the filesystem or the process cannot */
static int set_immutable(const char *d, int on)
{
    int fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = -1;
    if (fd < 0) return -1;
    int fl;
    if (ioctl(fd, FS_IOC_GETFLAGS, &fl) == 0) {
        fl = on ? fl | FS_IMMUTABLE_FL : fl & ~FS_IMMUTABLE_FL;
        rc = ioctl(fd, FS_IOC_SETFLAGS, &fl);
    }
    close(fd);
    return rc;
}

/* --log LINK, a link to a file in another folder: the resume cuts the file it leads to
 * and the run appends through the link, which stays; where that file cannot be replaced
 * (its folder immutable), the error names the log as given, with where it leads, and
 * the log is left as it was */
static void resume_log_through_link(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char store[600], file[700], link[600], out[600], args[4096], err[2048];
    snprintf(store, sizeof store, "%s/store", dir);
    snprintf(file, sizeof file, "%s/log.jsonl", store);
    snprintf(link, sizeof link, "%s/link.jsonl", dir);
    snprintf(out, sizeof out, "%s/m.tsm", dir);
    REQUIRE(mkdir(store, 0755) == 0 && symlink("store/log.jsonl", link) == 0);
    const char *common = "--model lstm tests/fixtures/models/ds --length 16 --layers 1 --hidden 8 --batch 2 "
                         "--valid-every 2 --threads 1 --no-progress";
    snprintf(args, sizeof args, "train %s --iters 4 -o %s --log %s", common, out, link);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    /* the checkpoint of iteration 4 resumed: the log's records after its validation (the
     * end record) cut */
    snprintf(args, sizeof args, "train %s --iters 6 -o %s --log %s --resume %s.ckpt", common, out, link, out);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    struct stat st;
    CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
    CHECK(lstat(file, &st) == 0 && S_ISREG(st.st_mode));
    CHECK_MSG(count_lines_with(file, "\"event\":\"start\"") == 1 && count_lines_with(file, "\"event\":\"resume\"") == 1 &&
                  count_lines_with(file, "\"iter\":6,\"valid_loss\"") == 1 && count_lines_with(file, "\"event\":\"end\"") == 1,
              "%ld start, %ld resume, %ld end records", count_lines_with(file, "\"event\":\"start\""),
              count_lines_with(file, "\"event\":\"resume\""), count_lines_with(file, "\"event\":\"end\""));
    if (set_immutable(store, 1) != 0) SKIP("no immutable folders here (chattr +i)");
    char before[700];
    snprintf(before, sizeof before, "%s/before.jsonl", dir);
    snprintf(args, sizeof args, "cp %s %s", file, before);
    const int copied = system(args) == 0;
    snprintf(args, sizeof args, "train %s --iters 8 -o %s --log %s --resume %s.ckpt", common, out, link, out);
    const int rc = run_cli(args, err, sizeof err);
    set_immutable(store, 0);
    char want[1600];
    snprintf(want, sizeof want, "tracesynth: error: %s (a link to %s): cannot create", link, file);
    CHECK_MSG(rc == 1 && strstr(err, want) == err, "exit %d: %s", rc, err);
    CHECK(copied && files_equal(file, before));
    CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
}

/* a resume whose network options differ from the checkpoint's (the first run's --layers
 * left out) says which: each differing key of the network's config, the checkpoint's value
 * and the options' (ff: the width, --ff M x C) */
static void resume_names_differing_option(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char out[600], args[4096], err[2048];
    snprintf(out, sizeof out, "%s/r.tsm", dir);
    const char *common = "--length 16 --channels 8 --state 4 --batch 2 --valid-every 2 --threads 1 --no-progress";
    snprintf(args, sizeof args, "train --model mdm tests/fixtures/models/ds %s --layers 1 --iters 2 -o %s", common, out);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "train --model mdm tests/fixtures/models/ds %s --iters 4 --resume %s.ckpt -o %s-2",
             common, out, out);
    const int rc = run_cli(args, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "r.tsm.ckpt: checkpoint of a different model: its layers=1 where the options "
                                     "give layers=4"), "exit %d: %s", rc, err);
    snprintf(args, sizeof args, "train --model mdm tests/fixtures/models/ds %s --iters 4 --layers 2 --ff 8 "
             "--resume %s.ckpt -o %s-2", common, out, out);
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "its layers=1, ff=16 where the options give layers=2, "
                                                                 "ff=64"), "%s", err);
}

/* the lines of path holding s, one after another, into buf (n bytes); the iteration
 * records' timings (it_s, elapsed_s) differ from run to run: only records without them */
static void lines_with(const char *path, const char *s, char *buf, size_t n)
{
    buf[0] = 0;
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[1024];
    size_t len = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, s) && !strstr(line, "elapsed_s") && len + strlen(line) < n) {
            memcpy(buf + len, line, strlen(line) + 1);
            len += strlen(line);
        }
    fclose(f);
}

/* a run of 200 iterations, a validation every 10, whose validation loss stops improving
 * after iteration 30 (worse_from 35), with --patience patience, into out and log; the
 * checkpoint of iteration copy_at - 10 copied to copy (NULL: none) */
static int patience_run(lsq *q, ts_train_net *n, ts_train_cfg *c, long patience, const char *out, const char *log,
                        const char *copy, long copy_at)
{
    *n = lsq_start(q, c, 200, out, log);
    if (log) remove(log);
    q->worse_from = 35;
    c->patience = patience;
    static char ck[600];
    snprintf(ck, sizeof ck, "%s.ckpt", out);
    q->copy_from = ck;
    q->copy_to = copy;
    q->copy_at = copy_at;
    int rc = ts_train_run(n, c);
    q->copy_to = NULL;
    return rc;
}

/* a model that reads the training stream whole (ngram, unigram) never reads the training
 * windows, the part cut at stride 5 (L / 5 copies of it: 235 MB of a 2.1-million-event
 * trace's 664 MB under train --model ngram); they are not cut for it, so that its peak does
 * not grow with the window length: neither on a stream of noise, whose many distinct n-grams
 * make the likelihood's counts the peak, nor on one of loops, whose counts are few and
 * whose windows would be the peak */
static void stream_models_peak_without_windows(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    enum { N = 1000000 };
    for (int loops = 0; loops < 2; loops++) {
        char p[600];
        snprintf(p, sizeof p, "%s/long%d", dir, loops);
        ts_dataset d;
        memset(&d, 0, sizeof d);
        d.vocab.unk = -1;
        d.stream.n = N;
        d.stream.ids = malloc(N * sizeof(int32_t));
        REQUIRE(d.stream.ids);
        uint64_t x = 7;
        for (int i = 0; i < N; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            d.stream.ids[i] = loops ? i % 50 : (int32_t)((x >> 33) % 50);
        }
        REQUIRE(ts_dataset_save(p, &d) == 0);
        free(d.stream.ids);
        const int len[2] = {20, 200};
        /* each run's peak from a child of its own (ru_maxrss of the children is their largest) */
        char cmd[2][1400];
        for (int i = 0; i < 2; i++)
            snprintf(cmd[i], sizeof cmd[i], "train --model ngram %s --length %d --threads 1 -o %s/long%d%d.tsm", p,
                     len[i], dir, loops, i);
        long peak[2];
        REQUIRE(cli_peaks_kib((const char *const[2]){cmd[0], cmd[1]}, peak) == 0);
        /* the windows of the training part (0.7 N events) at stride 5 would add 4 bytes an
         * event for each 5 of the longer windows' length: 101 MB; 20 MB of slack */
        CHECK_MSG(peak[1] - peak[0] < 20 * 1024, "%s: the peak grew by %ld KiB from windows of %d to %d",
                  loops ? "loops" : "noise", peak[1] - peak[0], len[0], len[1]);
    }
}

/* --patience N: the run stops after N validations in a row without a new best, its best
 * kept (the model file and the parameters those of the best's iteration, as the run to it
 * alone gives them); the log's early_stop record names where, and the end record that
 * iteration. A new best starts the count again; N = 0, or an N the validations never
 * reach, changes nothing */
static void patience_stops_early(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], b[512], z[512], r30[512], lg[600], lgz[600];
    snprintf(a, sizeof a, "%s/pa.m", dir);
    snprintf(b, sizeof b, "%s/pb.m", dir);
    snprintf(z, sizeof z, "%s/pz.m", dir);
    snprintf(r30, sizeof r30, "%s/p30.m", dir);
    snprintf(lg, sizeof lg, "%s/pa.jsonl", dir);
    snprintf(lgz, sizeof lgz, "%s/pz.jsonl", dir);
    lsq q;
    ts_train_cfg c;
    ts_train_net n;
    REQUIRE(patience_run(&q, &n, &c, 3, a, lg, NULL, 0) == 0);
    /* the validations of 40, 50 and 60 no better than 30's */
    CHECK_MSG(q.steps == 60, "%ld steps", q.steps);
    long it = 0, bi = 0, pat = 0;
    CHECK(ts_train_stopped(&it, &bi, &pat) == 1 && it == 60 && bi == 30 && pat == 3);
    CHECK(count_lines_with(lg, "\"event\":\"early_stop\",\"iter\":60,\"iters\":200,\"best_iter\":30,") == 1);
    CHECK(count_lines_with(lg, "\"patience\":3") == 2);   /* the start record's and the early stop's */
    CHECK(count_lines_with(lg, "\"event\":\"end\",\"iter\":60,") == 1);
    CHECK(count_lines_with(lg, "\"iter\":70,") == 0);
    float pa[4];
    memcpy(pa, q.p, sizeof pa);
    /* the best: iteration 30's, as a run of 30 iterations ends */
    lsq_start(&q, &c, 30, r30, NULL);
    REQUIRE(ts_train_run(&n, &c) == 0);
    CHECK(memcmp(pa, q.p, sizeof pa) == 0);
    CHECK(files_equal(a, r30));
    CHECK(ts_train_stopped(NULL, NULL, NULL) == 0);
    /* 0 (off): all 200 iterations, whose validations of 90, 100 and 110 are no better than
     * 80's, 120's better again */
    lsq_start(&q, &c, 200, z, lgz);
    REQUIRE(ts_train_run(&n, &c) == 0);
    CHECK(q.steps == 200 && ts_train_stopped(NULL, NULL, NULL) == 0);
    CHECK(count_lines_with(lgz, "early_stop") == 0 && count_lines_with(lgz, "\"patience\"") == 0);
    REQUIRE(count_lines_with(lgz, "\"iter\":110,\"valid_loss\"") == 1 &&
            count_lines_with(lgz, "\"best_iter\":80,\"saved\":false") == 3 &&
            count_lines_with(lgz, "\"iter\":120,\"valid_loss\"") == 1 &&
            count_lines_with(lgz, "\"best_iter\":120,\"saved\":true") == 1);
    memcpy(pa, q.p, sizeof pa);
    /* 4: the count starts again at 120, the same bits as 0; 3: the run stops at 110 */
    lsq_start(&q, &c, 200, b, NULL);
    c.patience = 4;
    REQUIRE(ts_train_run(&n, &c) == 0);
    CHECK(q.steps == 200 && ts_train_stopped(NULL, NULL, NULL) == 0);
    CHECK(memcmp(pa, q.p, sizeof pa) == 0 && files_equal(z, b));
    lsq_start(&q, &c, 200, b, NULL);
    c.patience = 3;
    REQUIRE(ts_train_run(&n, &c) == 0);
    CHECK(q.steps == 110 && ts_train_stopped(&it, &bi, NULL) == 1 && it == 110 && bi == 80);
    /* and one the run's validations never reach */
    REQUIRE(patience_run(&q, &n, &c, 100, b, NULL, NULL, 0) == 0);
    CHECK(q.steps == 200 && ts_train_stopped(NULL, NULL, NULL) == 0 && files_equal(a, b));
    /* a stop between two loss records (--log-every 25) still logs the losses since the last
     * one, at the validation that may stop the run: 51-60, not left out */
    n = lsq_start(&q, &c, 200, b, lgz);
    remove(lgz);
    q.worse_from = 35;
    c.patience = 3;
    c.log_every = 25;
    REQUIRE(ts_train_run(&n, &c) == 0);
    CHECK(q.steps == 60);
    CHECK_MSG(count_lines_with(lgz, "{\"iter\":50,\"loss\"") == 1 && count_lines_with(lgz, "{\"iter\":60,\"loss\"") == 1 &&
              count_lines_with(lgz, "\"loss\":") == 3 && count_lines_with(lgz, "{\"iter\":40,\"loss\"") == 0,
              "%ld loss records", count_lines_with(lgz, "\"loss\":"));
}

/* a checkpoint written before the stop resumes to the same stop, the same bits and the
 * same records, --patience given again or taken from it; one written before checkpoints
 * kept the count counts the validations after its best. The stopped run's own checkpoint
 * resumed stops there again without an iteration, as a finished run's ends again; a
 * larger --patience (or 0) goes on from it */
static void patience_resumes_to_the_stop(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], ck[600], ck40[600], old40[600], ref[600], lg[600], want[4096], got[4096];
    snprintf(a, sizeof a, "%s/ra.m", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", a);
    snprintf(ck40, sizeof ck40, "%s/r40.ckpt", dir);
    snprintf(old40, sizeof old40, "%s/rold40.ckpt", dir);
    snprintf(ref, sizeof ref, "%s/rref.m", dir);
    snprintf(lg, sizeof lg, "%s/ra.jsonl", dir);
    lsq q;
    ts_train_cfg c;
    ts_train_net n;
    /* the checkpoint of 40 (one validation without a new best) is the file at 50's */
    REQUIRE(patience_run(&q, &n, &c, 3, a, lg, ck40, 50) == 0);
    float pa[4];
    memcpy(pa, q.p, sizeof pa);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", a, ref);
    REQUIRE(system(cmd) == 0);
    lines_with(lg, "\"", want, sizeof want);
    REQUIRE(strstr(want, "\"event\":\"early_stop\""));
    REQUIRE(rewrite_chunk_bytes(ck40, old40, "PATIENCE", NULL, 0) == 0);
    const char *from[3] = {ck40, ck40, old40};
    for (int k = 0; k < 3; k++) {
        lsq_make(&q);
        q.worse_from = 35;
        c.resume = from[k];
        c.patience = k == 1 ? 0 : 3;
        c.defaulted = k == 1 ? TS_TRAIN_DEFAULT_PATIENCE : 0;
        CHECK_MSG(ts_train_run(&n, &c) == 0, "%s", ts_error());
        CHECK_MSG(q.steps == 20 && memcmp(pa, q.p, sizeof pa) == 0 && files_equal(a, ref), "%d: %ld steps", k,
                  q.steps);
        lines_with(lg, "\"", got, sizeof got);
        /* the run's records again, with its resume record */
        char *res = strstr(got, "{\"event\":\"resume\"");
        REQUIRE(res && strchr(res, '\n'));
        CHECK_MSG(strstr(res, "\"patience\":3,") != NULL, "%.200s", res);
        memmove(res, strchr(res, '\n') + 1, strlen(strchr(res, '\n') + 1) + 1);
        CHECK_MSG(!strcmp(want, got), "%d:\n%s\nagainst\n%s", k, got, want);
    }
    /* the stopped run's checkpoint: the stop again, no iteration */
    c.resume = ck;
    c.patience = 3;
    c.defaulted = 0;
    lsq_make(&q);
    q.worse_from = 35;
    CHECK_MSG(ts_train_run(&n, &c) == 0, "%s", ts_error());
    long it = 0;
    CHECK(q.steps == 0 && memcmp(pa, q.p, sizeof pa) == 0 && ts_train_stopped(&it, NULL, NULL) == 1 && it == 60);
    CHECK(count_lines_with(lg, "\"event\":\"early_stop\"") == 1 && count_lines_with(lg, "\"event\":\"end\"") == 1 &&
          count_lines_with(lg, "\"event\":\"end\",\"iter\":60,") == 1);
    /* a larger patience: on from 60 to the fifth validation without a new best; 0: to --iters */
    c.patience = 5;
    lsq_make(&q);
    q.worse_from = 35;
    CHECK_MSG(ts_train_run(&n, &c) == 0, "%s", ts_error());
    CHECK(q.steps == 20 && ts_train_stopped(&it, NULL, NULL) == 1 && it == 80 && memcmp(pa, q.p, sizeof pa) == 0);
    CHECK(count_lines_with(lg, "\"event\":\"end\",\"iter\":80,") == 1);
    c.patience = 0;
    lsq_make(&q);
    q.worse_from = 35;
    CHECK_MSG(ts_train_run(&n, &c) == 0, "%s", ts_error());
    CHECK(q.steps == 120 && ts_train_stopped(NULL, NULL, NULL) == 0 && memcmp(pa, q.p, sizeof pa) == 0);
    CHECK(count_lines_with(lg, "\"event\":\"end\",\"iter\":200,") == 1 && count_lines_with(lg, "early_stop") == 0);
    /* a count past the checkpoint's iteration: corrupt, naming the section */
    unsigned char pb[16];
    ts_le_put64(pb, 3);
    ts_le_put64(pb + 8, 41);
    REQUIRE(rewrite_chunk_bytes(ck40, old40, "PATIENCE", pb, sizeof pb) == 0);
    c.resume = old40;
    CHECK_MSG(ts_train_run(&n, &c) == -1 && strstr(ts_error(), old40) && strstr(ts_error(), "PATIENCE"), "%s",
              ts_error());
}

/* --patience: a count from 0 (off); anything else is refused naming the option, as is
 * one that no validation before the last could reach (--valid-every at or past --iters) */
static void patience_bad_values_refused(void)
{
    const ts_train_defaults def = {1e-3, 100, 10, TS_LR_CONSTANT, 0, 0};
    const char *bad[] = {"-1", "x", "1.5", "", "3 "};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *keys[] = {"patience"}, *values[] = {bad[i]};
        ts_kv kv = {1, keys, values};
        ts_train_cfg c;
        memset(&c, 0, sizeof c);
        CHECK_MSG(ts_train_parse(&c, &kv, &def) == -1 && strstr(ts_error(), "option --patience: "), "'%s': %s",
                  bad[i], ts_error());
    }
    const char *keys[] = {"patience"}, *values[] = {"4"};
    ts_kv kv = {1, keys, values};
    ts_train_cfg c;
    memset(&c, 0, sizeof c);
    CHECK(ts_train_parse(&c, &kv, &def) == 0 && c.patience == 4 && !(c.defaulted & TS_TRAIN_DEFAULT_PATIENCE));
    ts_kv none = {0, NULL, NULL};
    CHECK(ts_train_parse(&c, &none, &def) == 0 && c.patience == 0 && (c.defaulted & TS_TRAIN_DEFAULT_PATIENCE));
    lsq q;
    ts_train_net n = lsq_start(&q, &c, 50, NULL, NULL);
    c.valid_every = 50;
    c.patience = 2;
    CHECK_MSG(ts_train_run(&n, &c) == -1 && q.steps == 0 &&
                  !strcmp(ts_error(), "option --patience: 2 with no validation before the last (--valid-every 50, "
                                      "--iters 50) could never stop the run early: give a --valid-every below "
                                      "--iters, or --patience 0"), "%s", ts_error());
    c.valid_every = 49;
    CHECK_MSG(ts_train_run(&n, &c) == 0, "%s", ts_error());
}

/* --budget with --patience: the run stops where it would with the --iters it chose, and the
 * start record's resume_with (those --iters) resumes a checkpoint before the stop to it */
static void patience_under_budget(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], ck[600], ck40[600], lg[600];
    snprintf(a, sizeof a, "%s/ua.m", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", a);
    snprintf(ck40, sizeof ck40, "%s/u40.ckpt", dir);
    snprintf(lg, sizeof lg, "%s/ua.jsonl", dir);
    const ts_train_defaults def = {0.05, 100, 10, TS_LR_COSINE, 30, 0};
    const char *k[] = {"budget", "schedule", "lr", "patience"}, *v[] = {"1.5s", "cosine", "0.05", "3"};
    ts_kv kv = {4, k, v};
    lsq q;
    lsq_make(&q);
    q.dt = 0.002;
    q.worse_from = 35;
    q.copy_from = ck;
    q.copy_to = ck40;
    q.copy_at = 50;
    ts_train_net n = lsq_net(&q);
    REQUIRE(lsq_budget_run(&q, &n, &kv, &def, 10, 1, a, lg) == 0);
    q.copy_to = NULL;
    float pa[4];
    memcpy(pa, q.p, sizeof pa);
    long iters = (long)num_in_line(lg, "\"event\":\"start\"", "\"iters\":", 0);
    char with[64];
    snprintf(with, sizeof with, "\"resume_with\":\"--iters %ld\"", iters);
    CHECK_MSG(iters > 100 && count_lines_with(lg, with) == 1, "%ld iterations", iters);
    CHECK(count_lines_with(lg, "\"event\":\"early_stop\",\"iter\":60,") == 1 &&
          count_lines_with(lg, "\"event\":\"end\",\"iter\":60,") == 1);
    /* resumed with what resume_with names (--patience the checkpoint's) */
    char its[32];
    snprintf(its, sizeof its, "%ld", iters);
    const char *rk[] = {"iters", "schedule", "lr"}, *rv[] = {its, "cosine", "0.05"};
    ts_kv rkv = {3, rk, rv};
    ts_train_cfg c;
    memset(&c, 0, sizeof c);
    REQUIRE(ts_train_parse(&c, &rkv, &def) == 0);
    c.valid_every = 10;
    c.log_every = 1;
    c.seed = 3;
    c.out_path = a;
    c.log_path = lg;
    c.resume = ck40;
    lsq_make(&q);
    q.worse_from = 35;
    CHECK_MSG(ts_train_run(&n, &c) == 0, "%s", ts_error());
    CHECK(q.steps == 20 && memcmp(pa, q.p, sizeof pa) == 0);
    CHECK(count_lines_with(lg, "\"event\":\"early_stop\",\"iter\":60,") == 1 &&
          count_lines_with(lg, "\"event\":\"end\",\"iter\":60,") == 1);
}

/* --patience reaches the trainer from the command line of models that train with it,
 * single- and multi-channel: a run that stops early says so, and a value that is no count
 * is refused in one line naming the model and the option */
static void patience_from_the_command_line(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char mc[512], out[600], lg[700], args[4096], err[2048];
    static char said[1 << 16];
    ts_mc d;
    mc_cycle_trace(600, 0, &d);
    snprintf(mc, sizeof mc, "%s/mc", dir);
    REQUIRE(ts_mc_save(mc, &d) == 0);
    ts_mc_free(&d);
    const char *models[][2] = {
        {"--model sssd-s4 --length 8 --windows 5 --layers 1 --channels 4 --state 2 --T 5 --blackout 2",
         "tests/fixtures/models/ds"},
        {"--model mdm --length 16 --layers 1 --channels 8 --state 4 --batch 2 --valid-n 4 --prior 0",
         "tests/fixtures/models/ds"},
        {"--model mdm-mc --length 8 --layers 1 --channels 4 --state 2 --batch 2", mc},
    };
    for (int m = 0; m < 3; m++) {
        snprintf(out, sizeof out, "%s/c%d.tsm", dir, m);
        snprintf(lg, sizeof lg, "%s/c%d.jsonl", dir, m);
        /* a high rate: the validations stop improving within 40 iterations */
        snprintf(args, sizeof args, "train %s %s --iters 40 --valid-every 1 --lr 0.5 --patience 1 --threads 1 "
                 "--no-progress -o %s --log %s", models[m][0], models[m][1], out, lg);
        CHECK_MSG(cli_run(args, CLI_OUT_ERR, said, sizeof said) == 0, "%s: %s", models[m][0], said);
        CHECK_MSG(count_lines_with(lg, "\"event\":\"early_stop\"") == 1 && count_lines_with(lg, "\"patience\":1") == 2,
                  "%s", models[m][0]);
        CHECK_MSG(strstr(said, "tracesynth: note: train: stopped early at iteration ") != NULL, "%s: %s", models[m][0],
                  said);
        snprintf(args, sizeof args, "train %s %s --iters 4 --patience -2 --threads 1 --no-progress -o %s",
                 models[m][0], models[m][1], out);
        CHECK_MSG(run_cli(args, err, sizeof err) != 0 && strstr(err, "option --patience: -2 out of range") &&
                      !strchr(err, '\n'), "%s: %s", models[m][0], err);
    }
}

TEST_MAIN("train", {
    RUN(learns);
    RUN(resume_exact_and_log_once);
    RUN(resume_past_iters_refused);
    RUN(resume_other_split_refused);
    RUN(resume_takes_run_iters);
    RUN(resume_without_iters_section);
    RUN(unwritable_output_fails_first);
    RUN(nan_stops);
    RUN(diverged_after_model_written);
    RUN(diverged_hint_follows_options);
    RUN(diverged_names_nan);
    RUN(astray_noted);
    RUN(log_truncate);
    RUN(resume_keeps_other_runs_records);
    RUN(resume_keeps_schedule);
    RUN(resume_keeps_rng_normal);
    RUN(one_writer_per_file);
    RUN(own_descriptor_not_held);
    RUN(budget_sets_iters);
    RUN(budget_replans_when_slower);
    RUN(budget_replans_without_validations);
    RUN(budget_lengthens_after_spike);
    RUN(budget_looks_after_cut);
    RUN(budget_lengthens_after_slow_timing);
    RUN(budget_holds_through_swings);
    RUN(budget_replan_resume_with_told);
    RUN(budget_replan_resume_iters);
    RUN(budget_keeps_after);
    RUN(budget_after_share_of_capped_iters);
    RUN(budget_too_small_refused);
    RUN(bad_options_refused);
    RUN(ema_validated_and_resumed);
    RUN(log_non_finite_is_null);
    RUN(log_after_a_cut_record);
    RUN(resume_path_escaped_in_log);
    RUN(ckpt_best_must_be_finite);
    RUN(ckpt_adam_v_must_be_nonnegative);
    RUN(ckpt_rng_state_zero_refused);
    RUN(ckpt_rng_gauss_checked);
    RUN(ckpt_logacc_range_checked);
    RUN(log_write_failure_stops);
    RUN(resume_log_mean_exact);
    RUN(resume_progress_rate);
    RUN(progress_ends_with_last_best);
    RUN(patience_progress_ends_at_stop);
    RUN(budget_replan_to_now_ends_progress);
    RUN(budget_replan_to_now_logs_last);
    RUN(valid_record_before_ckpt);
    RUN(frozen_not_decayed);
    RUN(resume_output_over_checkpoint);
    RUN(resume_names_differing_option);
    RUN(resume_log_through_link);
    RUN(patience_stops_early);
    RUN(patience_resumes_to_the_stop);
    RUN(patience_bad_values_refused);
    RUN(patience_under_budget);
    RUN(patience_from_the_command_line);
    RUN(stream_models_peak_without_windows);
})
