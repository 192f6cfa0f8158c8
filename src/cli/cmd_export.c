/* tracesynth export: a multi-channel dataset as strace-like text or as a CTF trace. */
#include "cli.h"

#include <string.h>

static const char *const formats[] = {"strace", "ctf", NULL};

int cmd_export(int argc, char **argv)
{
    const char *out = NULL;
    int format = 0, quiet = 0;
    const ts_option opts[] = {
        TS_OPT_STR_F_('o', "output", &out, "PATH", TS_OPT_REQUIRED, "the text file ('-': standard output, the summary\n"
                      "then on stderr), or the CTF trace's directory (made,\n"
                      "or an empty one, or a trace export, drop or fill\n"
                      "wrote there, replaced; another kept); a dataset's or\n"
                      "a split's own file is refused"),
        TS_OPT_CHOICE_(0, "format", &format, "F", formats, "strace (default) or ctf"),
        CLI_QUIET_OPTIONS(&quiet, "no progress (export shows none: taken as the other\n"
                          "commands take it)"),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        "export", "tracesynth export DATASET -o PATH [--format strace|ctf] [-q]",
        "Write a multi-channel dataset (ingest --channels, markov, repair) as strace-like\n"
        "text, one line per event: 'TID SECONDS NAME() = RET <DT>', the events' times\n"
        "(time_ns.npy, as ingest of a trace or a -ttt log writes it: to the ns), else\n"
        "summed from dt (floats: each gap within about a millionth), else 1 ns apart\n"
        "(as in CTF), TID the thread bucket (bucket 0 as 256, which ingest reads back as\n"
        "bucket 0, where a TID of 0 would be no thread; none without a thread channel,\n"
        "as strace without -f; 0 where the dataset has process names but no threads,\n"
        "which ingest reads as no thread: '0<bash>'), followed by the process name as\n"
        "strace -Y writes it ('12<bash>'; none as '12<>', which strace never writes:\n"
        "read back as none, not as the name of the thread whose clone() returned 12,\n"
        "which a line without one takes; one outside the vocabulary as the reserved name\n"
        "<unk>, '12<\\074unk\\076>'; no name at all without a process name channel), RET\n"
        "the return value ('?' for none, as strace's for a call without one; '<unk>' for\n"
        "one outside the vocabulary).\n"
        "'ingest --from strace --channels' reads it back, process names too (an event\n"
        "outside the vocabulary, <unk>, is written _unk_() and read back as <unk>, as\n"
        "are a process name and a return value <unk>).\n"
        "In both formats the first event is at 0: its dt (no event comes before it) is\n"
        "not written, and ingest reads it back as 0, as for any trace.\n"
        "--format ctf: a CTF trace (a new directory PATH) written by babeltrace2's\n"
        "sink.ctf.fs that babeltrace2 opens, named as an LTTng kernel trace so that\n"
        "'ingest --from ctf [--channels]' reads it back (the same events; CPUs, threads,\n"
        "comms, return values): one stream per CPU (packet context cpu_id; one stream,\n"
        "CPU 0, without a cpu channel), times in ns from 0 as the text's, each event a\n"
        "syscall_entry_NAME with payload tid (the thread bucket; -1 none),\n"
        "comm (the name; \"\" none, \"<unk>\" unknown) and ret (the name; \"\" none, \"?\"\n"
        "unknown; ingest reads both unknowns back as <unk>);\n"
        "a known return value follows as syscall_exit_NAME (payload ret), and a\n"
        "tracesynth:sched_switch (a sched_switch's prev_comm, prev_tid, next_comm,\n"
        "next_tid; a class of its own, so that ingest --events all reads no event from\n"
        "it) comes before an event whose thread (tid, comm) is not the one on its CPU.\n"
        "The dataset's architecture (its arch file, as ingest writes it) is the trace\n"
        "environment's arch.\n"
        "A dataset of ingest --exits marks its exits (exit.npy): each is written as\n"
        "a syscall_exit_NAME alone (payload ret and ret_name, the value's name as an\n"
        "entry's ret), and an entry without an exit after it, so that\n"
        "'ingest --from ctf --exits' reads the same events back, each with its own\n"
        "value; the strace format has no line for an exit apart from its call and\n"
        "refuses such a dataset. A dataset of ingest --events all marks too the events\n"
        "that are no system call (2 in exit.npy): each is written under its own name,\n"
        "a sched_switch to its thread, a sched_process_exec (filename and comm its\n"
        "comm, tid its thread), another with no payload, so that 'ingest --from ctf\n"
        "--events all' reads the same events back (a comm as the kernel keeps it, its\n"
        "first 15 bytes), and 'ingest --from ctf' the system calls alone; a\n"
        "name ingest would read as a system call's (sys_..., syscall_entry_...) is\n"
        "refused; the strace format, whose lines are calls, refuses such a dataset.\n"
        "The events a model drew (generate, markov, impute) are marked in\n"
        "exit.npy as their names are in the data it learned from: a kernel event as\n"
        "one, a name of a call and its exit as an exit where it closes its thread's\n"
        "open call.\n"
        "A set of windows (DIR/length) is written one window after the other as\n"
        "one trace, in either format, which ingest reads back as one sequence.\n",
        opts, 1, 1, "DATASET", 0, NULL,
    };
    ts_opt_result args;
    int rc = ts_opt_parse(&spec, argc, argv, &args);
    if (rc) { ts_opt_free(&args); return rc == 1 ? 0 : rc; }
    if ((rc = cli_dir_no_stdin("export", "DATASET", args.pos[0], "a dataset is a directory"))) {
        ts_opt_free(&args);
        return rc;
    }
    /* '-' is standard output, which takes the text; a trace is a directory */
    const int to_stdout = cli_output_stdout("export", &out, format,
                                            "--format ctf writes a trace directory, not standard output; name a "
                                            "directory");
    if (to_stdout == 2) { ts_opt_free(&args); return 2; }
    /* the text over the dataset's stream.txt (or another file it is read from) would
     * replace the data it was written from; so would it another dataset's or a split's, and
     * the trace's folder made at the name of one of their files would be read as it
     * (OTHER/time_ns.npy it lacks: as its times) */
    if (!to_stdout && cli_output_not_dataset(out, "-o", out, "PATH", &args.pos[0], 1)) {
        ts_opt_free(&args);
        return cli_fail();
    }
    const char *arch = NULL;   /* the trace's, refused before the dataset is read */
    if (format && cli_dataset_arch(args.pos[0], &arch)) { ts_opt_free(&args); return cli_fail(); }
    ts_mc m;
    rc = ts_mc_load(args.pos[0], &m);
    if (rc == 0) {
        rc = format ? ts_mc_write_ctf_arch(out, &m, arch) : ts_mc_write_strace(out, &m);
        /* neither format keeps windows: a set's (its length recorded) run on, one after the
         * other (a record that is no length of the events is no windows: not said) */
        size_t len = 0;
        if (rc == 0 && ts_mc_window_length(args.pos[0], m.n, &len)) ts_clear_error();
        if (rc == 0 && len)
            cli_say(stderr, "tracesynth: note: export: %s is %zu window%s of %zu event%s, written one after the other "
                    "as one trace (ingest reads it back as one sequence)\n", args.pos[0], m.n / len,
                    ts_plural(m.n / len), len, ts_plural(len));
        if (rc == 0)
            cli_say(cli_msg_stream(out), "%zu event%s -> %s\n", m.n, ts_plural(m.n), cli_output_name(out, to_stdout));
        ts_mc_free(&m);
    }
    ts_opt_free(&args);
    return rc ? cli_fail() : 0;
}
