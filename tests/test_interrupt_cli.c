/* The commands' sets of outputs under a signal at the worst moment: a library preloaded
 * into the command (built here from a few lines of C) interposes rename and, once a
 * rename onto the file it is told of succeeds outside a stage (the replacement of an
 * output itself), raises the signal it is told of. A set of files written together must
 * then be all new (the signal waited for the set) or all old, never some of each. */
#include "check.h"

#include "motif.h"
#include "tracesynth.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char dir[256], shim[512];
static const char *bin = "build/tracesynth";   /* TRACESYNTH, when set */
static int ready;

/* the preloaded library: TS_SHIM_RENAME names the file (its last part), TS_SHIM_SIG the signal;
 * TS_SHIM_EROFS set, a rename out of a stage fails as in a folder that may not be written
 * (a value other than 1: only a rename to a path that holds it, as "/ds/sp/");
 * TS_SHIM_ASIDE set, the signal comes once the old one of that name is moved aside into the
 * stage (an old directory: before the new one takes its place) */
static int build_shim(void)
{
    return build_preload(dir, "#define _GNU_SOURCE\n#include <dlfcn.h>\n#include <errno.h>\n#include <signal.h>\n"
                    "#include <stdlib.h>\n#include <string.h>\n"
                    "int rename(const char *a, const char *b)\n{\n"
                    "    int (*f)(const char *, const char *) = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, \"rename\");\n"
                    "    const char *ro = getenv(\"TS_SHIM_EROFS\");\n"
                    "    if (ro && strstr(a, \"/.stage.\") && !strstr(b, \"/.stage.\") &&\n"
                    "        (!strcmp(ro, \"1\") || strstr(b, ro))) {\n"
                    "        errno = EROFS;\n"
                    "        return -1;\n"
                    "    }\n"
                    "    int rc = f(a, b);\n"
                    "    const char *name = getenv(\"TS_SHIM_RENAME\"), *sig = getenv(\"TS_SHIM_SIG\");\n"
                    "    const char *last = strrchr(b, '/');\n"
                    "    last = last ? last + 1 : b;\n"
                    "    if (rc == 0 && name && sig && !strcmp(last, name) && !strstr(b, \"/.stage.\"))\n"
                    "        raise(atoi(sig));\n"
                    "    const char *from = strrchr(a, '/');\n"
                    "    from = from ? from + 1 : a;\n"
                    "    if (rc == 0 && name && sig && getenv(\"TS_SHIM_ASIDE\") && !strcmp(from, name) &&\n"
                    "        !strstr(a, \"/.stage.\") && strstr(b, \"/.stage.\"))\n"
                    "        raise(atoi(sig));\n"
                    "    return rc;\n}\n", shim, sizeof shim);
}

/* the command with the shim armed at a rename onto `at`: its wait status */
static int run_signalled(const char *args, const char *at, int sig)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "LD_PRELOAD=%s TS_SHIM_RENAME=%s TS_SHIM_SIG=%d exec %s %s >/dev/null 2>&1", shim, at,
             sig, bin, args);
    return system(cmd);
}

static int signalled_by(int st, int sig)
{
    /* the shell that ran it execs the command: its end is the command's */
    return (WIFSIGNALED(st) && WTERMSIG(st) == sig) || (WIFEXITED(st) && WEXITSTATUS(st) == 128 + sig);
}

static int setup(void)
{
    const char *s = scratch_dir();
    if (!s) return -1;
    snprintf(dir, sizeof dir, "%s", s);
    const char *env = getenv("TRACESYNTH");
    if (env) bin = env;
    char p[600], args[2048];
    snprintf(p, sizeof p, "%s/ds", dir);
    if (save_motif_dataset(p, 3000)) return -1;
    snprintf(args, sizeof args, "train --model ngram %s/ds --length 60 --windows 20 -o %s/ng.tsm", dir, dir);
    return run_cli(args, NULL, 0) == 0 ? 0 : -1;
}

static int same(const char *a, const char *b)
{
    char pa[600], pb[600];
    snprintf(pa, sizeof pa, "%s/%s", dir, a);
    snprintf(pb, sizeof pb, "%s/%s", dir, b);
    return files_equal(pa, pb);
}

/* no stage nor temporary left in d */
static int only(const char *d, int n)
{
    return count_dir(d) == n;
}

/* generate --format both: OUT.txt, OUT.npy and OUT.names.txt as one set */
static void generate_both_as_one_set(void)
{
    if (!ready) SKIP("no model or no shim");
    char args[2048], sub[600];
    snprintf(sub, sizeof sub, "%s/gen", dir);
    REQUIRE(mkdir(sub, 0755) == 0);
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 4 --length 30 --seed 1 -o %s/gen/g --format both", dir, dir);
    REQUIRE(run_cli(args, NULL, 0) == 0);   /* the old set */
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 4 --length 30 --seed 2 -o %s/ref --format both", dir, dir);
    REQUIRE(run_cli(args, NULL, 0) == 0);   /* seed 2's set */
    REQUIRE(!same("gen/g.npy", "ref.npy") && !same("gen/g.txt", "ref.txt"));
    static const char *const at[3] = {"g.txt", "g.npy", "g.names.txt"}, *const sfx[3] = {".txt", ".npy", ".names.txt"};
    /* seed 2 over seed 1's set, then seed 1 over seed 2's, then seed 2 again */
    for (int i = 0; i < 3; i++) {
        const int seed = i % 2 ? 1 : 2;
        snprintf(args, sizeof args, "generate %s/ng.tsm -n 4 --length 30 --seed %d -o %s/gen/g --format both", dir,
                 seed, dir);
        int st = run_signalled(args, at[i], SIGTERM);
        CHECK_MSG(signalled_by(st, SIGTERM), "%s: status 0x%x", at[i], st);
        int two = 0;
        for (int k = 0; k < 3; k++) {
            char a[64], b[64];
            snprintf(a, sizeof a, "gen/g%s", sfx[k]);
            snprintf(b, sizeof b, "ref%s", sfx[k]);
            two += same(a, b);
        }
        /* all new: the signal came during the set's replacement and waited for it */
        CHECK_MSG(two == (seed == 2 ? 3 : 0), "signal at %s: %d of 3 files are seed 2's, the run's seed %d", at[i],
                  two, seed);
        CHECK_MSG(only(sub, 3), "%s: %d entries in %s", at[i], count_dir(sub), sub);
    }
}

/* the set's files are replaced where they are: a link's file (the link kept), a file's
 * mode kept; links that lead into another folder than the others' are refused before
 * the work, naming them, and nothing is written */
static void generate_set_links_and_modes(void)
{
    if (!ready) SKIP("no model or no shim");
    char args[2048], err[1024], p[700], q[700];
    snprintf(p, sizeof p, "%s/lk", dir);
    REQUIRE(mkdir(p, 0755) == 0);
    snprintf(p, sizeof p, "%s/lk/g.npy", dir);
    REQUIRE(symlink("real.npy", p) == 0);
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 2 --length 10 -o %s/lk/g --format both", dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    struct stat st;
    CHECK(lstat(p, &st) == 0 && S_ISLNK(st.st_mode));
    snprintf(q, sizeof q, "%s/lk/real.npy", dir);
    CHECK(stat(q, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0);
    snprintf(q, sizeof q, "%s/lk/g.txt", dir);
    REQUIRE(chmod(q, 0600) == 0);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    CHECK(stat(q, &st) == 0 && (st.st_mode & 0777) == 0600);
    snprintf(p, sizeof p, "%s/lk/h.txt", dir);
    REQUIRE(symlink("../h.txt", p) == 0);
    snprintf(p, sizeof p, "%s/lk", dir);
    const int before = count_dir(p);
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 2 --length 10 -o %s/lk/h --format both", dir, dir);
    int rc = run_cli(args, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "lk/h.npy: in another folder than ") && strstr(err, "lk/h.txt (a link to "),
              "exit %d: %s", rc, err);
    CHECK_MSG(count_dir(p) == before, "%d entries in %s, %d before", count_dir(p), p, before);
    snprintf(p, sizeof p, "%s/h.txt", dir);
    CHECK(!ts_file_exists(p));
}

/* split: the windows, the stream, the names and split.txt as one set */
static void split_as_one_set(void)
{
    if (!ready) SKIP("no model or no shim");
    char args[2048], sp[600];
    snprintf(sp, sizeof sp, "%s/sp", dir);
    snprintf(args, sizeof args, "split %s/ds --length 60 -o %s/sp", dir, dir);
    REQUIRE(run_cli(args, NULL, 0) == 0);
    snprintf(args, sizeof args, "split %s/ds --length 30 -o %s/sp30", dir, dir);
    REQUIRE(run_cli(args, NULL, 0) == 0);
    REQUIRE(!same("sp/training", "sp30/training"));
    const int n = count_dir(sp);
    static const char *const files[] = {"training", "validation", "testing", "train_stream.txt", "vocab.tsv"};
    snprintf(args, sizeof args, "split %s/ds --length 30 -o %s/sp", dir, dir);
    int st = run_signalled(args, "training", SIGTERM);
    CHECK_MSG(signalled_by(st, SIGTERM), "status 0x%x", st);
    int all = 1, none = 1;
    for (int k = 0; k < 5; k++) {
        char a[64], b[64];
        snprintf(a, sizeof a, "sp/%s", files[k]);
        snprintf(b, sizeof b, "sp30/%s", files[k]);
        all &= same(a, b);
        none &= !same(a, b) || !strcmp(files[k], "vocab.tsv") || !strcmp(files[k], "train_stream.txt");
    }
    char a[600], b[600];
    snprintf(a, sizeof a, "%s/sp/split.txt", dir);
    snprintf(b, sizeof b, "%s/sp30/split.txt", dir);
    char ta[1024] = {0}, tb[1024] = {0};
    FILE *f = fopen(a, "r");
    if (f) { ta[fread(ta, 1, sizeof ta - 1, f)] = 0; fclose(f); }
    f = fopen(b, "r");
    if (f) { tb[fread(tb, 1, sizeof tb - 1, f)] = 0; fclose(f); }
    const int report_new = strstr(ta, "length=30\n") != NULL;
    CHECK_MSG((all && report_new) || (none && !report_new), "windows %s, split.txt %s",
              all ? "all new" : none ? "all old" : "some new, some old", report_new ? "new" : "old");
    CHECK_MSG(only(sp, n), "%d entries in %s, %d before", count_dir(sp), sp, n);
}

/* ingest: DIR/arch with the dataset's files, in its commit: written (strace, --arch) or
 * removed (IDs, whose events have no names) with them */
static void ingest_arch_in_the_set(void)
{
    if (!ready) SKIP("no model or no shim");
    char args[2048], ds[600], p[700], arch[64];
    snprintf(ds, sizeof ds, "%s/ing", dir);
    /* an old dataset, named, of x86_64 */
    snprintf(args, sizeof args, "ingest --from strace tests/data/strace_single.log --arch x86_64 -o %s", ds);
    REQUIRE(run_cli(args, NULL, 0) == 0);
    snprintf(p, sizeof p, "%s/arch", ds);
    REQUIRE(ts_file_exists(p));
    /* the new one of aarch64: the signal as its stream.txt takes the old one's place */
    snprintf(args, sizeof args, "ingest --from strace tests/data/strace_single.log --arch aarch64 -o %s", ds);
    int st = run_signalled(args, "stream.txt", SIGTERM);
    CHECK_MSG(signalled_by(st, SIGTERM), "status 0x%x", st);
    arch[0] = 0;
    FILE *f = fopen(p, "r");
    if (f) {
        arch[fread(arch, 1, sizeof arch - 1, f)] = 0;
        fclose(f);
    }
    CHECK_MSG(!strcmp(arch, "aarch64\n"), "arch '%s' beside the new dataset (aarch64)", arch);
    /* IDs: no names, so no table names them; the old arch goes with the commit */
    char ids[700];
    snprintf(ids, sizeof ids, "%s/ids.txt", dir);
    write_text(ids, "0 1 2 1 0 1 2 1 0\n");
    snprintf(args, sizeof args, "ingest --from ids %s -o %s", ids, ds);
    st = run_signalled(args, "stream.txt", SIGTERM);
    CHECK_MSG(signalled_by(st, SIGTERM), "status 0x%x", st);
    snprintf(p, sizeof p, "%s/vocab.tsv", ds);
    CHECK_MSG(!ts_file_exists(p), "the old names stay");
    snprintf(p, sizeof p, "%s/arch", ds);
    CHECK_MSG(!ts_file_exists(p), "the old arch stays beside a dataset of IDs");
    CHECK_MSG(count_dir(ds) == 1, "%d entries in %s", count_dir(ds), ds);
}

/* the UUID after `key` in the file at path (a trace's metadata: 'uuid = "', its text:
 * '(UUID: '), or "" */
static void uuid_after(const char *path, const char *key, char out[40])
{
    out[0] = 0;
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        const char *at = strstr(line, key);
        if (!at) continue;
        snprintf(out, 40, "%.36s", at + strlen(key));
        break;
    }
    fclose(f);
}

/* fill --text FILE: the new trace and its text put in place together. A signal as either
 * takes the old one's place leaves both new: in the trace's folder they are one commit, in
 * another folder one group commit, the signal held across all its renames.
 * The text names the trace's UUID (babeltrace2's warnings about its gaps), new at each write */
static void fill_text_with_the_trace(void)
{
    if (!ready) SKIP("no model or no shim");
    const char *shared = shared_path("traces/lttng/many-threads");
    if (!shared) SKIP("no shared LTTng trace");
    char t[4096], args[8192], ft[600], sub[700], trace[700], meta[800];
    snprintf(t, sizeof t, "%s", shared);
    snprintf(args, sizeof args, "drop %s -o %s/fdr --rate 0.01 --seed 1 -q", t, dir);
    REQUIRE(run_cli(args, NULL, 0) == 0);
    snprintf(ft, sizeof ft, "%s/ft", dir);
    snprintf(sub, sizeof sub, "%s/ft/txt", dir);
    REQUIRE(mkdir(ft, 0755) == 0 && mkdir(sub, 0755) == 0);
    snprintf(trace, sizeof trace, "%s/tr", ft);
    snprintf(meta, sizeof meta, "%s/metadata", trace);
    static const char *const texts[2] = {"txt/tr.txt", "tr.txt"};   /* another folder, the trace's */
    static const char *const at[2] = {"tr", "tr.txt"};
    for (int k = 0; k < 2; k++)
        for (int a = 0; a < 2; a++) {
            char text[800], old[40], now[40], said[40];
            snprintf(text, sizeof text, "%s/%s", ft, texts[k]);
            snprintf(args, sizeof args, "fill %s/fdr --model unigram -o %s --text %s -q", dir, trace, text);
            int rc = run_cli(args, NULL, 0);   /* the old pair */
            uuid_after(meta, "uuid = \"", old);
            uuid_after(text, "(UUID: ", said);
            CHECK_MSG(rc == 0 && old[0] && !strcmp(old, said), "%s: exit %d, trace %s, text of %s", texts[k], rc, old, said);
            if (rc || !old[0] || strcmp(old, said)) continue;
            int st = run_signalled(args, at[a], SIGTERM);
            CHECK_MSG(signalled_by(st, SIGTERM), "%s, signal at %s: status 0x%x", texts[k], at[a], st);
            uuid_after(meta, "uuid = \"", now);
            uuid_after(text, "(UUID: ", said);
            CHECK_MSG(strcmp(now, old) != 0, "%s, signal at %s: the trace is the old one", texts[k], at[a]);
            CHECK_MSG(!strcmp(now, said), "%s, signal at %s: the text is of trace %s, the trace beside it %s (the "
                      "old one: %s)", texts[k], at[a], said, now, old);
            CHECK_MSG(only(ft, 2 + k) && only(sub, 1), "%s, signal at %s: %d entries in %s, %d in %s",
                      texts[k], at[a], count_dir(ft), ft, count_dir(sub), sub);
        }
}

/* fill --text and --save-model in folders of their own, killed (SIGKILL, no signal to
 * hold) as the text, the model or the trace takes its place: the three are one commit, so
 * the next reader of the trace (gaps TRACE/) or of the text's folder completes them all -
 * the trace, its text and the model all new, never the new trace beside the old text */
static void killed_fill_text_all_or_none(void)
{
    if (!ready) SKIP("no model or no shim");
    const char *shared = shared_path("traces/lttng/many-threads");
    if (!shared) SKIP("no shared LTTng trace");
    char t[4096], args[8192], err[2048], kf[600], sub[700], msub[700], trace[700], meta[800], text[800], model[800];
    snprintf(t, sizeof t, "%s", shared);
    snprintf(args, sizeof args, "drop %s -o %s/kfdr --rate 0.01 --seed 1 -q", t, dir);
    REQUIRE(run_cli(args, NULL, 0) == 0);
    snprintf(kf, sizeof kf, "%s/kf", dir);
    snprintf(sub, sizeof sub, "%s/txt", kf);
    snprintf(msub, sizeof msub, "%s/m", kf);
    REQUIRE(mkdir(kf, 0755) == 0 && mkdir(sub, 0755) == 0 && mkdir(msub, 0755) == 0);
    snprintf(trace, sizeof trace, "%s/tr", kf);
    snprintf(meta, sizeof meta, "%s/metadata", trace);
    snprintf(text, sizeof text, "%s/tr.txt", sub);
    snprintf(model, sizeof model, "%s/m.tsm", msub);
    static const char *const at[3] = {"tr.txt", "m.tsm", "tr"};
    for (int a = 0; a < 3; a++)
        for (int by = 0; by < 2; by++) {
            char old[40], now[40], said[40];
            snprintf(args, sizeof args, "fill %s/kfdr --model unigram -o %s --text %s --save-model %s -q", dir, trace,
                     text, model);
            int rc = run_cli(args, NULL, 0);   /* the old three */
            uuid_after(meta, "uuid = \"", old);
            struct stat ms;
            CHECK_MSG(rc == 0 && old[0] && stat(model, &ms) == 0, "the old fill: exit %d", rc);
            if (rc || !old[0]) continue;
            int st = run_signalled(args, at[a], SIGKILL);
            CHECK_MSG(signalled_by(st, SIGKILL), "killed at %s: status 0x%x", at[a], st);
            if (by) {
                rc = ts_stage_recover(sub);   /* the text's folder, which no command reads */
                if (rc) snprintf(err, sizeof err, "%s", ts_error());
            } else {
                snprintf(args, sizeof args, "gaps %s/", trace);
                rc = run_cli(args, err, sizeof err);
            }
            const char *by_name = by ? "the text's folder recovered" : "gaps TRACE/";
            CHECK_MSG(rc == 0, "killed at %s, then %s: %s", at[a], by_name, err);
            uuid_after(meta, "uuid = \"", now);
            uuid_after(text, "(UUID: ", said);
            struct stat ns;
            CHECK_MSG(strcmp(now, old) != 0, "killed at %s, then %s: the trace is the old one", at[a], by_name);
            CHECK_MSG(!strcmp(now, said), "killed at %s, then %s: the text is of trace %s, the trace beside it %s",
                      at[a], by_name, said, now);
            CHECK_MSG(stat(model, &ns) == 0 && ns.st_ino != ms.st_ino, "killed at %s, then %s: the model is the old "
                      "one", at[a], by_name);
            CHECK_MSG(only(kf, 3) && only(sub, 1) && only(msub, 1), "killed at %s, then %s: %d, %d and %d entries",
                      at[a], by_name, count_dir(kf), count_dir(sub), count_dir(msub));
        }
}

/* the same for ftrace text: fill -o OUT with --save-model in another folder, killed as
 * either takes its place; the next reader of OUT (gaps) completes both. Old and new are
 * told apart by their inodes (each commit places new files) */
static void killed_fill_ftrace_all_or_none(void)
{
    if (!ready) SKIP("no model or no shim");
    char args[4096], err[2048], in[700], kf[600], out[700], model[700];
    snprintf(kf, sizeof kf, "%s/kff", dir);
    snprintf(out, sizeof out, "%s/t/out.txt", kf);
    snprintf(model, sizeof model, "%s/m/m.tsm", kf);
    snprintf(in, sizeof in, "%s/t", kf);
    REQUIRE(mkdir(kf, 0755) == 0 && mkdir(in, 0755) == 0);
    snprintf(in, sizeof in, "%s/m", kf);
    REQUIRE(mkdir(in, 0755) == 0);
    snprintf(in, sizeof in, "%s/in.txt", kf);
    FILE *f = fopen(in, "w");
    REQUIRE(f);
    fputs("# tracer: nop\n#\n", f);
    static const char *const ev[4] = {"sys_read(fd: 3, buf: 0x1000, count: 0x10)", "sys_read -> 0x10",
                                      "sys_write(fd: 4, buf: 0x1000, count: 0x10)", "sys_write -> 0x10"};
    for (int i = 0; i < 400; i++) {
        if (i == 200) fputs("CPU:0 [LOST 8 EVENTS]\n", f);
        fprintf(f, "%16s-%-7d [000] ..... %5d.%06d: %s\n", "dd", 10, 1, 10 * i, ev[i % 4]);
    }
    fclose(f);
    static const char *const at[2] = {"m.tsm", "out.txt"};
    for (int a = 0; a < 2; a++) {
        snprintf(args, sizeof args, "fill %s --model ngram -o %s --save-model %s -q", in, out, model);
        int rc = run_cli(args, err, sizeof err);   /* the old pair */
        struct stat os, ms, ns;
        CHECK_MSG(rc == 0 && stat(out, &os) == 0 && stat(model, &ms) == 0, "the old fill: exit %d: %s", rc, err);
        if (rc) return;
        int st = run_signalled(args, at[a], SIGKILL);
        CHECK_MSG(signalled_by(st, SIGKILL), "killed at %s: status 0x%x", at[a], st);
        snprintf(args, sizeof args, "gaps %s", out);
        rc = run_cli(args, err, sizeof err);
        CHECK_MSG(rc == 0, "killed at %s, then gaps OUT: exit %d: %s", at[a], rc, err);
        CHECK_MSG(stat(out, &ns) == 0 && ns.st_ino != os.st_ino, "killed at %s, then gaps OUT: the old trace", at[a]);
        CHECK_MSG(stat(model, &ns) == 0 && ns.st_ino != ms.st_ino, "killed at %s, then gaps OUT: the old model", at[a]);
        snprintf(args, sizeof args, "%s/t", kf);
        CHECK_MSG(only(args, 1), "killed at %s, then gaps OUT: %d entries in %s", at[a], count_dir(args), args);
        snprintf(args, sizeof args, "%s/m", kf);
        CHECK_MSG(only(args, 1), "killed at %s, then gaps OUT: %d entries in %s", at[a], count_dir(args), args);
    }
}

/* a run that fails after its --log was checked (a --resume that is no checkpoint) leaves
 * no log it did not write: one checked by making it is removed, also where --log is a link
 * to a file not there yet (the link's file, which the check made); the link stays */
static void failed_run_leaves_no_log(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char bad[600], link[600], target[600], plain[600], args[4096], err[1024];
    snprintf(bad, sizeof bad, "%s/bad.ckpt", d);
    write_text(bad, "junk\n");
    snprintf(link, sizeof link, "%s/log.jsonl", d);
    snprintf(target, sizeof target, "%s/target.jsonl", d);
    snprintf(plain, sizeof plain, "%s/plain.jsonl", d);
    REQUIRE(symlink("target.jsonl", link) == 0);
    const char *const logs[2] = {plain, link};
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, "train --model mdm tests/fixtures/models/ds --layers 1 --threads 1 --no-progress "
                 "--resume %s --log %s -o %s/m.tsm", bad, logs[i], d);
        const int rc = run_cli(args, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, "bad.ckpt"), "%s: exit %d: %s", logs[i], rc, err);
    }
    CHECK_MSG(!ts_file_exists(plain), "%s made", plain);
    CHECK_MSG(!ts_file_exists(target), "%s made through the link %s", target, link);
    struct stat st;
    CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
    CHECK_MSG(count_dir(d) == 2, "%d entries in %s", count_dir(d), d);
}

/* the files of folder a (under dir) each the same as b's: 1 when all of names are */
static int all_same(const char *a, const char *b, const char *const *names, int n)
{
    int all = 1;
    for (int k = 0; k < n; k++) {
        char pa[300], pb[300];
        snprintf(pa, sizeof pa, "%s%s", a, names[k]);
        snprintf(pb, sizeof pb, "%s%s", b, names[k]);
        all &= same(pa, pb);
    }
    return all;
}

/* SIGKILL (no signal to hold, as a power cut) after the first or the second file of a set
 * took its place: the set was committed before its first rename, and the next command
 * that reads it completes it, so that it reads the new set whole: generate's three files,
 * a split, a dataset. Where the folder may not be written, that reader says so in one line
 * naming it, and reads nothing */
static void killed_set_read_whole(void)
{
    if (!ready) SKIP("no model or no shim");
    char args[2048], err[2048], kg[600];
    snprintf(kg, sizeof kg, "%s/kg", dir);
    REQUIRE(mkdir(kg, 0755) == 0);
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 4 --length 30 --seed 2 -o %s/kref --format both", dir, dir);
    REQUIRE(run_cli(args, NULL, 0) == 0);   /* seed 2's set */
    static const char *const gen[3] = {".txt", ".npy", ".names.txt"};
    static const char *const at[2] = {"g.txt", "g.npy"};
    for (int i = 0; i < 4; i++) {   /* read by audit, by ingest (3: its IDs and their names) */
        snprintf(args, sizeof args, "generate %s/ng.tsm -n 4 --length 30 --seed 1 -o %s/g --format both", dir, kg);
        REQUIRE(run_cli(args, NULL, 0) == 0);   /* the old set */
        snprintf(args, sizeof args, "generate %s/ng.tsm -n 4 --length 30 --seed 2 -o %s/g --format both", dir, kg);
        const int st = run_signalled(args, at[i % 2], SIGKILL);
        CHECK_MSG(signalled_by(st, SIGKILL), "%s: status 0x%x", at[i % 2], st);
        if (i < 3) snprintf(args, sizeof args, "audit --train %s/g.txt --test %s/g.txt", kg, kg);
        else snprintf(args, sizeof args, "ingest --from ids %s/g.txt -o %s/kgi", kg, dir);
        if (i == 2) {   /* the folder not to be written: refused, in one line */
            setenv("LD_PRELOAD", shim, 1);
            setenv("TS_SHIM_EROFS", "1", 1);
            const int rc = run_cli(args, err, sizeof err);
            unsetenv("LD_PRELOAD");
            unsetenv("TS_SHIM_EROFS");
            char said[700];
            snprintf(said, sizeof said, "%s: holds an interrupted replacement of its files", kg);
            CHECK_MSG(rc == 1 && strstr(err, said) &&
                          strstr(err, "as a user who may write there"),
                      "a folder not to be written: exit %d: %s", rc, err);
            CHECK_MSG(!only(kg, 3), "a folder not to be written: the stage is gone");
        }
        const int rc = run_cli(args, err, sizeof err);
        CHECK_MSG(rc == 0, "killed at %s, then read: exit %d: %s", at[i % 2], rc, err);
        CHECK_MSG(all_same("kg/g", "kref", gen, 3), "killed at %s, then read: the set is not all new", at[i % 2]);
        CHECK_MSG(only(kg, 3), "killed at %s, then read: %d entries in %s", at[i % 2], count_dir(kg), kg);
    }
    /* a split over an earlier one, its windows read */
    static const char *const split[6] = {"/training", "/validation", "/testing", "/train_stream.txt", "/vocab.tsv",
                                         "/split.txt"};
    snprintf(args, sizeof args, "split %s/ds --length 30 -o %s/ksp30", dir, dir);
    REQUIRE(run_cli(args, NULL, 0) == 0);
    static const char *const sat[2] = {"training", "validation"};
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, "split %s/ds --length 60 -o %s/ksp", dir, dir);
        REQUIRE(run_cli(args, NULL, 0) == 0);
        snprintf(args, sizeof args, "split %s/ds --length 30 -o %s/ksp", dir, dir);
        const int st = run_signalled(args, sat[i], SIGKILL);
        CHECK_MSG(signalled_by(st, SIGKILL), "%s: status 0x%x", sat[i], st);
        snprintf(args, sizeof args, "audit --train %s/ksp/training --test %s/ksp/testing", dir, dir);
        const int rc = run_cli(args, err, sizeof err);
        CHECK_MSG(rc == 0, "split killed at %s, then read: exit %d: %s", sat[i], rc, err);
        CHECK_MSG(all_same("ksp", "ksp30", split, 5), "split killed at %s, then read: the split is not all new", sat[i]);
        char txt[700], text[1024] = {0};
        snprintf(txt, sizeof txt, "%s/ksp/split.txt", dir);
        FILE *f = fopen(txt, "r");
        if (f) {
            text[fread(text, 1, sizeof text - 1, f)] = 0;
            fclose(f);
        }
        CHECK_MSG(strstr(text, "length=30\n"), "split killed at %s, then read: the old split.txt", sat[i]);
    }
    /* a dataset over an earlier one of other events and another arch, read as a dataset:
     * the run's own (arch, stream.txt, vocab.tsv, time_ns.npy) */
    char win[700];
    snprintf(args, sizeof args, "ingest --from strace tests/data/strace_single.log --arch aarch64 -o %s/kdsref", dir);
    REQUIRE(run_cli(args, NULL, 0) == 0);
    snprintf(args, sizeof args, "ingest --from strace tests/data/strace_f.log --arch x86_64 -o %s/kds", dir);
    REQUIRE(run_cli(args, NULL, 0) == 0);
    static const char *const ds[4] = {"/arch", "/stream.txt", "/vocab.tsv", "/time_ns.npy"};
    REQUIRE(!all_same("kds", "kdsref", ds + 1, 2));
    snprintf(args, sizeof args, "ingest --from strace tests/data/strace_single.log --arch aarch64 -o %s/kds", dir);
    const int st = run_signalled(args, "stream.txt", SIGKILL);
    CHECK_MSG(signalled_by(st, SIGKILL), "status 0x%x", st);
    snprintf(win, sizeof win, "%s/kwin.txt", dir);
    write_text(win, "0,1\n");
    snprintf(args, sizeof args, "audit --train %s/kds --test %s", dir, win);
    const int rc = run_cli(args, err, sizeof err);
    CHECK_MSG(rc == 0, "ingest killed, then read: exit %d: %s", rc, err);
    CHECK_MSG(all_same("kds", "kdsref", ds, 4), "ingest killed, then read: the dataset is not all new");
    snprintf(kg, sizeof kg, "%s/kds", dir);
    CHECK_MSG(only(kg, 4), "ingest killed, then read: %d entries in %s", count_dir(kg), kg);
}

/* generate --format both killed (SIGKILL) once its OUT.txt took its place: ingest --from npy
 * OUT.npy reads the new OUT.npy and its new names, never the old ones beside the new text */
static void killed_npy_read_whole(void)
{
    if (!ready) SKIP("no model or no shim");
    char args[2048], err[2048], kn[600];
    snprintf(kn, sizeof kn, "%s/kn", dir);
    REQUIRE(mkdir(kn, 0755) == 0);
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 4 --length 30 --seed 2 -o %s/knref --format both", dir, dir);
    REQUIRE(run_cli(args, NULL, 0) == 0);   /* seed 2's set, as a dataset */
    snprintf(args, sizeof args, "ingest --from npy %s/knref.npy --concat -o %s/knref.ds", dir, dir);
    REQUIRE(run_cli(args, NULL, 0) == 0);
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 4 --length 30 --seed 1 -o %s/g --format both", dir, kn);
    REQUIRE(run_cli(args, NULL, 0) == 0);   /* the old set */
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 4 --length 30 --seed 2 -o %s/g --format both", dir, kn);
    const int st = run_signalled(args, "g.txt", SIGKILL);
    CHECK_MSG(signalled_by(st, SIGKILL), "status 0x%x", st);
    snprintf(args, sizeof args, "ingest --from npy %s/g.npy --concat -o %s/knds", kn, dir);
    const int rc = run_cli(args, err, sizeof err);
    CHECK_MSG(rc == 0, "killed at g.txt, then ingest --from npy: exit %d: %s", rc, err);
    static const char *const ds[2] = {"/stream.txt", "/vocab.tsv"};
    CHECK_MSG(all_same("knds", "knref.ds", ds, 2), "killed at g.txt, then ingest --from npy: not the new g.npy");
    CHECK_MSG(only(kn, 3), "killed at g.txt, then ingest --from npy: %d entries in %s", count_dir(kn), kn);
}

/* SIGKILL as a CTF trace's old directory is moved aside into the stage, before the new one
 * takes its place (drop over an earlier trace): nothing is at the trace's path then, and the
 * next command that reads the trace (ingest, gaps - given as DIR/ -, drop, fill) completes
 * the replacement first and reads the new trace */
static void killed_trace_read_whole(void)
{
    if (!ready) SKIP("no model or no shim");
    const char *shared = shared_path("traces/lttng/many-threads");
    if (!shared) SKIP("no shared LTTng trace");
    char t[4096], args[8192], err[2048], kt[600], tr[700], ds[700];
    snprintf(t, sizeof t, "%s", shared);
    snprintf(kt, sizeof kt, "%s/kt", dir);
    snprintf(tr, sizeof tr, "%s/tr", kt);
    snprintf(ds, sizeof ds, "%s/ktds", dir);
    REQUIRE(mkdir(kt, 0755) == 0);
    /* seed 2's trace, as a dataset: what the killed run's trace reads as */
    snprintf(args, sizeof args, "drop %s -o %s/ktref --rate 0.01 --seed 2 -q", t, dir);
    REQUIRE(run_cli(args, NULL, 0) == 0);
    snprintf(args, sizeof args, "ingest --from ctf %s/ktref -o %s/ktref.ds", dir, dir);
    REQUIRE(run_cli(args, NULL, 0) == 0);
    static const char *const readers[4] = {"ingest --from ctf %s -o %s", "gaps %s/%.0s",
                                           "drop %s -o %s.dr --rate 0.01 -q", "fill %s --model unigram -o %s.fl -q"};
    for (int i = 0; i < 4; i++) {
        snprintf(args, sizeof args, "drop %s -o %s --rate 0.01 --seed 1 -q", t, tr);
        REQUIRE(run_cli(args, NULL, 0) == 0);   /* the old trace */
        snprintf(args, sizeof args, "drop %s -o %s --rate 0.01 --seed 2 -q", t, tr);
        setenv("TS_SHIM_ASIDE", "1", 1);
        const int st = run_signalled(args, "tr", SIGKILL);
        unsetenv("TS_SHIM_ASIDE");
        CHECK_MSG(signalled_by(st, SIGKILL), "status 0x%x", st);
        REQUIRE(!ts_file_exists(tr));   /* killed between the two renames */
        char cmd[4096];
        snprintf(cmd, sizeof cmd, readers[i], tr, ds);
        int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 0, "trace killed half way, then %s: exit %d: %s", cmd, rc, err);
        CHECK_MSG(only(kt, 1), "trace killed half way, then %s: %d entries in %s", cmd, count_dir(kt), kt);
        snprintf(args, sizeof args, "ingest --from ctf %s -o %s", tr, ds);
        if (i) REQUIRE(run_cli(args, NULL, 0) == 0);
        CHECK_MSG(same("ktds/stream.txt", "ktref.ds/stream.txt"), "trace killed half way, then %s: not the new "
                  "trace", cmd);
    }
}

/* a split (the parts it cut its dataset at, which constraints, markov, repair and eval take)
 * whose replacement was killed (SIGKILL) half way, in a folder where it cannot be completed:
 * its record is not known, so a command that reads the parts its dataset's splits record
 * says so in one line naming the folder, where it took the split for none and went on with
 * the default 70 %; ingest over the dataset says it beside the dataset it wrote, where it
 * took the split for one of the old stream */
static void killed_split_record_not_none(void)
{
    if (!ready) SKIP("no model or no shim");
    char args[2048], err[2048], out[4096], rs[600], said[700], tsc[700];
    snprintf(rs, sizeof rs, "%s/rs", dir);
    snprintf(tsc, sizeof tsc, "%s/rs.tsc", dir);
    REQUIRE(save_motif_dataset(rs, 3000) == 0);
    snprintf(args, sizeof args, "split %s --length 30 --fractions 0.5,0.25,0.25 -o %s/sp", rs, rs);
    REQUIRE(run_cli(args, NULL, 0) == 0);
    snprintf(args, sizeof args, "split %s --length 60 --fractions 0.5,0.25,0.25 -o %s/sp", rs, rs);
    int st = run_signalled(args, "training", SIGKILL);
    CHECK_MSG(signalled_by(st, SIGKILL), "status 0x%x", st);
    snprintf(said, sizeof said, "%s/sp: holds an interrupted replacement of its files", rs);
    snprintf(args, sizeof args, "constraints %s -o %s", rs, tsc);
    setenv("LD_PRELOAD", shim, 1);
    setenv("TS_SHIM_EROFS", "1", 1);
    int rc = run_cli(args, err, sizeof err);
    unsetenv("LD_PRELOAD");
    unsetenv("TS_SHIM_EROFS");
    CHECK_MSG(rc == 1 && strstr(err, said) && !ts_file_exists(tsc), "constraints: exit %d: %s", rc, err);
    /* where it can be: the split completed, its parts taken */
    rc = run_stdout(args, out, sizeof out);
    CHECK_MSG(rc == 0 && strstr(out, "the time split at 0.5,0.25,0.25 as ") && strstr(out, "/rs/sp/split.txt"),
              "constraints: exit %d: %s", rc, out);
    /* again killed; then ingest over the dataset, its split's folder not to be written */
    snprintf(args, sizeof args, "split %s --length 30 --fractions 0.5,0.25,0.25 -o %s/sp", rs, rs);
    st = run_signalled(args, "training", SIGKILL);
    CHECK_MSG(signalled_by(st, SIGKILL), "status 0x%x", st);
    snprintf(args, sizeof args, "ingest --from strace tests/data/strace_single.log -o %s", rs);
    setenv("LD_PRELOAD", shim, 1);
    setenv("TS_SHIM_EROFS", "/rs/sp/", 1);
    rc = run_output(args, out, sizeof out);
    unsetenv("LD_PRELOAD");
    unsetenv("TS_SHIM_EROFS");
    CHECK_MSG(rc == 0 && strstr(out, "tracesynth: warning: ") && strstr(out, said) &&
                  !strstr(out, "a split of the stream this ingest replaced (its windows are the old events')"),
              "ingest: exit %d: %s", rc, out);
}

static void prepare(void)
{
#ifdef __SANITIZE_ADDRESS__
    SKIP("a preloaded library would come before the sanitizer's runtime");
#endif
    REQUIRE(setup() == 0);
    if (build_shim() != 0) SKIP("no C compiler for the preloaded shim");
    ready = 1;
}

TEST_MAIN("interrupt_cli", {
    RUN(prepare);
    RUN(generate_both_as_one_set);
    RUN(generate_set_links_and_modes);
    RUN(split_as_one_set);
    RUN(ingest_arch_in_the_set);
    RUN(killed_set_read_whole);
    RUN(fill_text_with_the_trace);
    RUN(killed_fill_text_all_or_none);
    RUN(killed_fill_ftrace_all_or_none);
    RUN(killed_trace_read_whole);
    RUN(killed_npy_read_whole);
    RUN(failed_run_leaves_no_log);
    RUN(killed_split_record_not_none);
})
