/* tracesynth ingest: a trace (strace log, ID stream, .npy, LTTng CTF) -> dataset directory. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(void)
{
    printf(
        "usage: tracesynth ingest --from ids|npy|strace|ctf INPUT... -o DIR [--concat]\n"
        "                         [--comm NAME] [--exits]\n"
        "\n"
        "Turns a trace into a dataset directory: DIR/stream.txt (one contiguous\n"
        "sequence of event IDs) and, for named events, DIR/vocab.tsv (ID, name, count).\n"
        "\n"
        "  --from ids     INPUT is one contiguous ID stream: IDs separated by commas,\n"
        "                 blanks or newlines (stream.txt style). Lines are joined, so a\n"
        "                 window file (one window per line) would be read as one stream\n"
        "                 of overlapping windows: split a stream instead.\n"
        "  --from npy     INPUT is an integer or float array, (N, L), (N, 1, L), (N, L, 1)\n"
        "                 or (L,); reals round to the nearest ID. N must be 1 unless\n"
        "                 --concat joins the rows (window boundaries are then lost).\n"
        "  --from strace  INPUT is a log of 'strace -f -ttt -T -o FILE cmd': one event per\n"
        "                 system call, counted where it starts (<unfinished ...> and\n"
        "                 <... resumed> lines are joined; signal and exit lines skipped).\n"
        "                 Several INPUTs (strace -ff -ttt: one file per process) are\n"
        "                 merged by start time.\n"
        "  --from ctf     INPUT is an LTTng kernel trace directory (CTF): one event per\n"
        "                 system call entry (syscall_entry_NAME or sys_NAME), all CPUs\n"
        "                 merged in time order (INPUT holds the trace's metadata file, or is\n"
        "                 an LTTng session directory holding kernel/). --comm NAME keeps\n"
        "                 the calls of threads named NAME (the thread on each CPU is\n"
        "                 known from sched_switch). Discarded-event reports from the\n"
        "                 tracer are printed as a warning. --exits also records each\n"
        "                 exit, named like its call, as the study's PTS data do (most\n"
        "                 calls then appear as a pair of equal IDs).\n"
        "  -o DIR         output dataset directory (created; stream.txt and vocab.tsv are\n"
        "                 replaced).\n"
        "\n"
        "Named events get IDs by frequency rank over the first 70%% of the events (the\n"
        "training part of the time split; 0 = most frequent, ties by name); names\n"
        "never seen there map to the reserved ID of '<unk>', the last ID.\n");
}

static int from_names(char **names, size_t n, ts_dataset *ds)
{
    int rc = ts_dataset_from_names(names, n, 0.7, ds);
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

int cmd_ingest(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        usage();
        return 0;
    }
    const char *from = NULL, *out = NULL, *comm = NULL;
    const char **inputs = calloc((size_t)argc, sizeof *inputs);
    int ninputs = 0, concat = 0, exits = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--from") || !strcmp(a, "-o") || !strcmp(a, "--comm")) {
            if (i + 1 >= argc) {
                free(inputs);
                return cli_usage_error("ingest", "%s needs a value", a);
            }
            *(a[1] == 'o' ? &out : a[2] == 'f' ? &from : &comm) = argv[++i];
        } else if (!strcmp(a, "--concat")) {
            concat = 1;
        } else if (!strcmp(a, "--exits")) {
            exits = 1;
        } else if (a[0] == '-' && a[1]) {
            free(inputs);
            return cli_usage_error("ingest", "unknown option '%s'", a);
        } else {
            inputs[ninputs++] = a;
        }
    }
    int bad = 0;
    if (!from) bad = cli_usage_error("ingest", "--from ids|npy|strace|ctf is required");
    else if (strcmp(from, "ids") && strcmp(from, "npy") && strcmp(from, "strace") && strcmp(from, "ctf"))
        bad = cli_usage_error("ingest", "--from '%s': expected ids, npy, strace or ctf", from);
    else if (!out) bad = cli_usage_error("ingest", "-o DIR is required");
    else if (ninputs == 0) bad = cli_usage_error("ingest", "no INPUT given");
    else if (comm && strcmp(from, "ctf"))
        bad = cli_usage_error("ingest", "--comm applies to --from ctf only");
    else if (exits && strcmp(from, "ctf"))
        bad = cli_usage_error("ingest", "--exits applies to --from ctf only");
    else if (ninputs > 1 && strcmp(from, "strace"))
        bad = cli_usage_error("ingest", "--from %s takes one INPUT, got %d", from, ninputs);
    if (bad) {
        free(inputs);
        return bad;
    }

    ts_dataset ds;
    memset(&ds, 0, sizeof ds);
    ds.vocab.unk = -1;
    int rc = 0;
    if (!strcmp(from, "ids")) {
        rc = ts_seq_read(inputs[0], &ds.stream);
    } else if (!strcmp(from, "npy")) {
        ts_npy a;
        ts_windows w;
        rc = ts_npy_read(inputs[0], &a);
        if (rc == 0) {
            rc = ts_npy_to_windows(&a, inputs[0], -1, &w);
            ts_npy_free(&a);
        }
        if (rc == 0 && w.n > 1 && !concat) {
            rc = ts_fail("%s: %zu windows of %zu events: a dataset is one contiguous stream; give "
                         "one row, or --concat to join the rows (window boundaries are lost)",
                         inputs[0], w.n, w.len);
            ts_windows_free(&w);
        }
        if (rc == 0) {
            ds.stream.ids = w.data;
            ds.stream.n = w.n * w.len;
        }
    } else if (!strcmp(from, "strace")) {
        char **names;
        size_t n;
        rc = ts_strace_read_many(inputs, ninputs, &names, &n);
        if (rc == 0) rc = from_names(names, n, &ds);
    } else {
        char **names;
        size_t n;
        uint64_t lost;
        rc = ts_ctf_read(inputs[0], comm, exits, &names, &n, &lost);
        if (rc == 0 && lost)
            fprintf(stderr, "tracesynth: warning: %s: the tracer reported %llu discarded events: "
                            "the stream has gaps there\n", inputs[0], (unsigned long long)lost);
        if (rc == 0) rc = from_names(names, n, &ds);
    }
    if (rc == 0) rc = ts_dataset_save(out, &ds);
    if (rc == 0 && ds.vocab.n == 0) {
        /* an unnamed dataset must not pick up an older vocab.tsv */
        char *vp = ts_path_join(out, "vocab.tsv");
        if (ts_file_exists(vp)) unlink(vp);
        free(vp);
    }
    if (rc == 0) {
        printf("%zu events", ds.stream.n);
        if (ds.vocab.n > 0) {
            size_t unk = 0;
            for (size_t i = 0; i < ds.stream.n; i++) unk += ds.stream.ids[i] == ds.vocab.unk;
            printf(", %d names + <unk> (%zu later events have names unseen in the first 70%%)",
                   ds.vocab.n - 1, unk);
        } else {
            printf(", IDs 0..%d", ts_ids_span(ds.stream.ids, ds.stream.n) - 1);
        }
        printf(" -> %s\n", out);
    }
    ts_dataset_free(&ds);
    free(inputs);
    return rc ? cli_fail() : 0;
}
