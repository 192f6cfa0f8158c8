/* What the CTF reader (src/data/ctf.c) and the CTF rewriter (src/gaps/ctf_rewrite.c) share
 * beyond field access: finding the trace directory, the LTTng index, babeltrace2's errors. */
#include "data/ctf_fields.h"
#include "data/data_internal.h"
#include "tracesynth/common.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint32_t get32(const unsigned char *p, int be)
{
    return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
              : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

int ts__ctf_text_signature(const char *buf, size_t n)
{
    size_t i = 2;
    if (n < 2 || memcmp(buf, "/*", 2)) return 0;
    while (i < n && isspace((unsigned char)buf[i])) i++;
    if (n - i < 3 || memcmp(buf + i, "CTF", 3)) return 0;
    for (i += 3; i < n && isspace((unsigned char)buf[i]); i++) {}
    if (i == n || !isdigit((unsigned char)buf[i])) return 0;
    while (i < n && isdigit((unsigned char)buf[i])) i++;
    if (i == n || buf[i++] != '.') return 0;
    while (i < n && isspace((unsigned char)buf[i])) i++;
    return i < n && isdigit((unsigned char)buf[i]);
}

/* Packetized metadata (LTTng's: each packet a 37-byte header, magic 0x75d11d57 in the
 * tracer's byte order, then the text) must hold the whole text of each packet:
 * libbabeltrace2 loops for ever on a file cut inside one (a copy that stopped short), so
 * that the read would end only at the child's time limit. Text metadata must begin with its
 * signature comment ("CTF 1.8"): libbabeltrace2 only logs that it is missing and fails with
 * "Cannot create trace", naming no file. The text itself, and a file that is not a regular one, are
 * left to libbabeltrace2. 0, or -1 + one line naming the file and the offset */
static int check_metadata(const char *meta)
{
    int fd = open(meta, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat sb;
    if (fd < 0) return 0;   /* libbabeltrace2 says why */
    unsigned char h[37];
    int rc = 0, be = 0;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) goto done;
    char sig[256];   /* the signature, its spaces however many */
    ssize_t got = pread(fd, sig, sizeof sig, 0);
    if (got >= 4) memcpy(h, sig, 4);
    if (got >= 4 && get32(h, 0) == 0x75d11d57u) be = 0;
    else if (got >= 4 && get32(h, 1) == 0x75d11d57u) be = 1;
    else {
        if (got >= 0 && !ts__ctf_text_signature(sig, (size_t)got))
            rc = ts_fail("%s: offset 0: not CTF metadata (%s): neither its text, which begins with '/* CTF 1.8', nor "
                         "its packets (magic 0x75d11d57)", meta, got == 0 ? "an empty file" : "another signature");
        goto done;
    }
    const uint64_t size = (uint64_t)sb.st_size;
    for (uint64_t off = 0; off < size && rc == 0;) {
        if (size - off < sizeof h) {
            rc = ts_fail("%s: offset %llu: a metadata packet header cut short (%llu of %zu bytes): the file is "
                         "truncated", meta, (unsigned long long)off, (unsigned long long)(size - off), sizeof h);
            break;
        }
        if (pread(fd, h, sizeof h, (off_t)off) != (ssize_t)sizeof h) {
            rc = ts_fail("%s: offset %llu: read error: %s", meta, (unsigned long long)off, strerror(errno));
            break;
        }
        uint32_t content = get32(h + 24, be), packet = get32(h + 28, be);
        if (get32(h, be) != 0x75d11d57u)
            rc = ts_fail("%s: offset %llu: no metadata packet begins there (magic 0x%08x, not 0x75d11d57): the file "
                         "is corrupt", meta, (unsigned long long)off, get32(h, be));
        else if (packet % 8 || packet / 8 < sizeof h || content > packet || content < 8 * sizeof h)
            rc = ts_fail("%s: offset %llu: a metadata packet of %u bits holding %u bits (corrupt header)", meta,
                         (unsigned long long)off, packet, content);
        else if ((content + 7) / 8 > size - off)   /* (the last packet's padding alone may be missing) */
            rc = ts_fail("%s: offset %llu: a metadata packet of %u bytes of text, of which the file holds %llu: the "
                         "file is truncated", meta, (unsigned long long)off, (content + 7) / 8,
                         (unsigned long long)(size - off));
        off += packet / 8;
    }
done:
    close(fd);
    return rc;
}

char *ts__ctf_find_dir(const char *dir)
{
    /* a trace replaced with its set by a process killed half way (its old directory moved
     * aside, the new one not yet in place): finished first, never read old nor missing */
    if (ts__stage_recover_beside(dir)) return NULL;
    struct stat sb;
    if (stat(dir, &sb) != 0) {
        ts_fail("%s: cannot open: %s", dir, strerror(errno));
        return NULL;
    }
    if (!S_ISDIR(sb.st_mode)) {
        ts_fail("%s: not a directory (a CTF trace is a directory holding 'metadata')", dir);
        return NULL;
    }
    char *meta = ts_path_join(dir, "metadata"), *kdir = ts_path_join(dir, "kernel");
    char *kmeta = ts_path_join(kdir, "metadata"), *out = NULL;
    if (ts_file_exists(meta)) out = ts_strdup(dir);
    else if (ts_file_exists(kmeta)) out = ts_strdup(kdir);
    free(meta);
    free(kmeta);
    free(kdir);
    if (!out) {
        /* a dataset or a split given for the trace it came from: say what it is and what reads it */
        char *st = ts_path_join(dir, "stream.txt"), *sp = ts_path_join(dir, "split.txt");
        const char *what = ts_file_exists(sp)   ? "a split of a dataset (split.txt), which train, impute and eval read"
                           : ts_file_exists(st) ? "a dataset of ingest (stream.txt), which split, train, impute and "
                                                  "eval read"
                                                : NULL;
        if (what)
            ts_fail("%s: not a CTF trace directory but %s; gaps, fill and drop take the CTF trace or ftrace/perf text "
                    "it was ingested from", dir, what);
        else
            ts_fail("%s: not a CTF trace directory (no 'metadata' file, nor kernel/metadata)", dir);
        free(st);
        free(sp);
        return NULL;
    }
    char *m = ts_path_join(out, "metadata");
    int bad = check_metadata(m);
    free(m);
    if (bad) {
        free(out);
        return NULL;
    }
    return out;
}

static uint64_t be64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | p[i];
    return v;
}

int ts__ctf_index_extent(const char *idx, uint64_t size, uint64_t *complete, uint64_t *total,
                         uint64_t *packets, uint64_t *missing)
{
    /* a regular file only: a FIFO or a device there must not block or feed the reader */
    int fd = open(idx, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat sb;
    if (fd < 0) return -1;
    FILE *f = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ? fdopen(fd, "rb") : NULL;
    if (!f) {
        close(fd);
        return -1;
    }
    unsigned char h[16];
    int rc = -1;
    if (fread(h, 1, 16, f) == 16 && be64(h) >> 32 == 0xC1F1DCC1u) {
        uint32_t len = (uint32_t)be64(h + 8);
        /* an entry holds at least LTTng's index 1.0 fields (7 x u64; the three read here are
         * the first): a shorter one is not an index, and babeltrace2 ignores it too */
        if (len >= 56 && len <= 4096) {
            unsigned char *e = ts_malloc(len);
            *complete = 0;
            *total = 0;
            *packets = *missing = 0;
            int contiguous = 1, sane = 1;
            uint64_t next = 0;
            while (fread(e, 1, len, f) == len) {
                /* entries describe consecutive packets from offset 0, sizes in whole bytes,
                 * the content inside its packet; an index that does not (damaged) is not
                 * trusted: the stream file is read as it is, as babeltrace2 itself does */
                uint64_t off = be64(e), bits = be64(e + 8), content = be64(e + 16);
                uint64_t bytes = bits / 8, end = off + bytes;
                if (off != next || bits == 0 || bits % 8 || content > bits || end < off) {
                    sane = 0;
                    break;
                }
                next = end;
                (*packets)++;
                if (end > *total) *total = end;
                if (end <= size && contiguous && off == *complete) *complete = end;
                else contiguous = 0;
                *missing += end > size;
            }
            free(e);
            rc = sane && *packets > 0 ? 0 : -1;
        }
    }
    fclose(f);
    return rc;
}

/* ts__bt_last_event's: the stream (compared, never followed) and its name */
static _Thread_local const bt_stream *last_stream;
static _Thread_local char last_name[1024];

void ts__bt_last_event(const bt_message *m)
{
    const bt_stream *s = bt_event_borrow_stream_const(bt_message_event_borrow_event_const(m));
    if (s == last_stream) return;
    last_stream = s;
    const char *nm = bt_stream_get_name(s);
    snprintf(last_name, sizeof last_name, "%s", nm ? nm : "");
}

/* the trace directory the last graph of this thread reads (ts__bt_pipeline_open), for
 * lone_streams to read again; the trace it is a temporary copy of, "" when none */
static _Thread_local char read_dir[4096], read_orig[4096];

void ts__bt_pipeline_copy_of(const char *orig) { snprintf(read_orig, sizeof read_orig, "%s", orig); }

/* ---- each stream file of a trace read on its own, to find the corrupt one ---- */
typedef struct {
    char name[1024];   /* the stream file (its stream's name), "" until its beginning */
    uint64_t last;     /* its last message's time (clock cycles), when timed */
    int timed;
    int bad;           /* 1: its own times go back; 2: it cannot be decoded */
} lone_stream;

/* a message's time on its stream's clock: 0 / -1 (none) */
static int lone_time(const bt_message *m, const bt_stream **s, uint64_t *v)
{
    const bt_clock_snapshot *cs = NULL;
    const bt_stream_class *sc;
    switch (bt_message_get_type(m)) {
    case BT_MESSAGE_TYPE_EVENT:
        *s = bt_event_borrow_stream_const(bt_message_event_borrow_event_const(m));
        sc = bt_stream_borrow_class_const(*s);
        if (bt_stream_class_borrow_default_clock_class_const(sc))
            cs = bt_message_event_borrow_default_clock_snapshot_const(m);
        break;
    case BT_MESSAGE_TYPE_PACKET_BEGINNING:
        *s = bt_packet_borrow_stream_const(bt_message_packet_beginning_borrow_packet_const(m));
        if (bt_stream_class_packets_have_beginning_default_clock_snapshot(bt_stream_borrow_class_const(*s)))
            cs = bt_message_packet_beginning_borrow_default_clock_snapshot_const(m);
        break;
    case BT_MESSAGE_TYPE_PACKET_END:   /* its packet's timestamp_end: an event past it went ahead */
        *s = bt_packet_borrow_stream_const(bt_message_packet_end_borrow_packet_const(m));
        if (bt_stream_class_packets_have_end_default_clock_snapshot(bt_stream_borrow_class_const(*s)))
            cs = bt_message_packet_end_borrow_default_clock_snapshot_const(m);
        break;
    default: break;
    }
    if (!cs) return -1;
    *v = bt_clock_snapshot_get_value(cs);
    return 0;
}

static bt_graph_simple_sink_component_consume_func_status lone_consume(bt_message_iterator *it, void *data)
{
    lone_stream *ls = data;
    bt_message_array_const msgs;
    uint64_t count;
    switch (bt_message_iterator_next(it, &msgs, &count)) {
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK: break;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_END: return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN: return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN;
    default:
        ls->bad = 2;
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
    }
    for (uint64_t i = 0; i < count; i++) {
        const bt_message *m = msgs[i];
        const bt_stream *s = NULL;
        uint64_t v;
        if (bt_message_get_type(m) == BT_MESSAGE_TYPE_STREAM_BEGINNING) {
            const char *nm = bt_stream_get_name(bt_message_stream_beginning_borrow_stream_const(m));
            snprintf(ls->name, sizeof ls->name, "%s", nm ? nm : "");
        } else if (!ls->bad && lone_time(m, &s, &v) == 0) {
            if (ls->timed && v < ls->last) ls->bad = 1;
            ls->last = v;
            ls->timed = 1;
        }
        bt_message_put_ref(m);
    }
    /* one found is enough: the graph stops */
    return ls->bad ? BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR
                   : BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
}

/* trace dir read without the muxer, each stream file by a sink of its own: the first one
 * found that cannot be decoded or whose times go back by themselves, its name into name;
 * 1 (cannot be decoded), 2 (back in time) or 0 (none found: name ""). The errors it meets
 * are not left on the thread */
static int lone_streams(const char *dir, char *name, size_t n)
{
    name[0] = 0;
    const bt_plugin *ctf = ts__bt_find_plugin("ctf");
    const bt_component_class_source *fs = ctf ? bt_plugin_borrow_source_component_class_by_name_const(ctf, "fs")
                                              : NULL;
    bt_graph *g = fs ? bt_graph_create(0) : NULL;
    bt_value *params = bt_value_map_create(), *inputs = NULL;
    const bt_component_source *src = NULL;
    lone_stream *ls = NULL;
    uint64_t np = 0;
    int ok = g && params && !bt_value_map_insert_empty_array_entry(params, "inputs", &inputs) &&
             !bt_value_array_append_string_element(inputs, dir) &&
             !bt_graph_add_source_component(g, fs, "src", params, BT_LOGGING_LEVEL_NONE, &src);
    if (ok) {
        np = bt_component_source_get_output_port_count(src);
        ls = ts_calloc(np ? np : 1, sizeof *ls);
    }
    for (uint64_t i = 0; ok && i < np; i++) {
        char sn[32];
        snprintf(sn, sizeof sn, "lone%llu", (unsigned long long)i);
        const bt_component_sink *snk = NULL;
        ok = !bt_graph_add_simple_sink_component(g, sn, NULL, lone_consume, NULL, &ls[i], &snk) &&
             !bt_graph_connect_ports(g, bt_component_source_borrow_output_port_by_index_const(src, i),
                                     bt_component_sink_borrow_input_port_by_index_const(snk, 0), NULL);
    }
    if (ok) {
        bt_graph_run_status st;
        do st = bt_graph_run(g); while (st == BT_GRAPH_RUN_STATUS_AGAIN);
    }
    int how = 0;
    for (uint64_t i = 0; ok && i < np && !how; i++)
        if (ls[i].bad && ls[i].name[0]) {
            /* in the temporary copy of a truncated trace (a link to a whole stream, or the
             * complete packets of a cut one): the trace's file of that name. The trace's
             * own file that is a link: named as the trace holds it, with where it leads */
            const char *sl = strrchr(ls[i].name, '/');
            char *orig = read_orig[0] ? ts_path_join(read_orig, sl ? sl + 1 : ls[i].name) : NULL,
                 *end = orig ? NULL : ts_link_end(ls[i].name);
            snprintf(name, n, "%s", orig ? orig : ls[i].name);
            const size_t at = strlen(name);
            if (end && at + 1 < n) snprintf(name + at, n - at, " (a link to %s)", end);
            free(orig);
            free(end);
            how = ls[i].bad == 2 ? 1 : 2;
        }
    free(ls);
    bt_value_put_ref(params);
    bt_graph_put_ref(g);
    bt_plugin_put_ref(ctf);
    bt_current_thread_clear_error();
    return how;
}

/* whether a cause of err is the source's message iterator's: a stream file failed to decode */
static int from_source(const bt_error *err)
{
    uint64_t nc = err ? bt_error_get_cause_count(err) : 0;
    for (uint64_t i = 0; i < nc; i++) {
        const bt_error_cause *c = bt_error_borrow_cause_by_index(err, i);
        if (bt_error_cause_get_actor_type(c) == BT_ERROR_CAUSE_ACTOR_TYPE_MESSAGE_ITERATOR &&
            bt_error_cause_message_iterator_actor_get_component_class_type(c) == BT_COMPONENT_CLASS_TYPE_SOURCE)
            return 1;
    }
    return 0;
}

int ts__bt_fail(const char *dir, const char *what)
{
    const bt_error *err = bt_current_thread_take_error();
    const char *why = NULL, *file = NULL;
    uint64_t nc = err ? bt_error_get_cause_count(err) : 0;
    if (nc > 0) why = bt_error_cause_get_message(bt_error_borrow_cause_by_index(err, 0));
    for (uint64_t i = 1; i < nc && why && !strstr(why, "stream file") && !file; i++) {
        const char *m = bt_error_cause_get_message(bt_error_borrow_cause_by_index(err, i));
        if (m && strstr(m, "stream file")) file = m;
    }
    /* the muxer's: one stream's event older than the last one read, of a stream it does not
     * name; the last one's is known here, one of the two */
    const int back = why && strstr(why, "timestamp is less than");
    char hint[1200] = "", lone[1024];
    /* neither names the stream file at fault: each read on its own tells which */
    const int how = !file && read_dir[0] && (back || from_source(err)) ? lone_streams(read_dir, lone, sizeof lone) : 0;
    if (how)
        snprintf(hint, sizeof hint, " (stream file %s is corrupt: %s)", lone,
                 how == 1 ? "it cannot be decoded" : "its own timestamps go back in time");
    else if (back && last_name[0])
        snprintf(hint, sizeof hint, " (the trace's timestamps go back in time after an event of stream file %s: it "
                 "or another stream file is corrupt?)", last_name);
    else if (back)
        snprintf(hint, sizeof hint, " (the trace's timestamps go back in time)");
    ts_fail("%s: %s%s%s%s%s%s%s", dir, what, why ? ": " : "", why ? why : "", hint, file ? " (" : "",
            file ? file : "", file ? ": cut short or corrupt?)" : "");
    if (err) bt_error_release(err);
    return -1;
}

int ts__bt_pending(int rc, const char *dir, const char *what)
{
    const bt_error *pending = bt_current_thread_take_error();
    if (!pending) return rc;
    if (rc == 0) {
        bt_current_thread_move_error(pending);
        return ts__bt_fail(dir, what);
    }
    bt_error_release(pending);
    return rc;
}

void ts__bt_pipeline_free(ts__bt_pipeline *p)
{
    bt_graph_put_ref(p->g);
    bt_plugin_put_ref(p->ctf);
    bt_plugin_put_ref(p->utils);
    bt_plugin_put_ref(p->text);
    memset(p, 0, sizeof *p);
}

const bt_plugin *ts__bt_find_plugin(const char *name)
{
    const bt_plugin *p = NULL;
    if (bt_plugin_find(name, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE, &p) != BT_PLUGIN_FIND_STATUS_OK) return NULL;
    return p;
}

/* src.ctf.fs could not be created. Its metadata parser logs why it rejects the text (the line)
 * but leaves no error cause before "Cannot create trace": that alone is the metadata's
 * fault, and the error names the file (given's, or its kernel/'s), babeltrace2's reason after it */
static int source_fail(const char *given)
{
    const bt_error *err = bt_current_thread_take_error();
    const char *why = err && bt_error_get_cause_count(err) > 0
                          ? bt_error_cause_get_message(bt_error_borrow_cause_by_index(err, 0)) : NULL;
    if (!why || strncmp(why, "Cannot create trace for", 23)) {
        if (err) bt_current_thread_move_error(err);
        return ts__bt_fail(given, "cannot open the CTF trace");
    }
    char *meta = ts_path_join(given, "metadata");
    if (!ts_file_exists(meta)) {
        free(meta);
        meta = ts_path_join(given, "kernel/metadata");
    }
    ts_fail("%s: libbabeltrace2 cannot parse this CTF metadata (a syntax or type error: corrupt or cut short?): %s",
            meta, why);
    free(meta);
    bt_error_release(err);
    return -1;
}

int ts__bt_pipeline_open(ts__bt_pipeline *p, const char *dir, const char *given)
{
    memset(p, 0, sizeof *p);
    last_stream = NULL;   /* an earlier graph's */
    last_name[0] = 0;
    snprintf(read_dir, sizeof read_dir, "%s", dir);
    read_orig[0] = 0;
    /* an error an earlier caller left on the thread would make the calls below abort */
    bt_current_thread_clear_error();
    p->ctf = ts__bt_find_plugin("ctf");
    p->utils = ts__bt_find_plugin("utils");
    if (!p->ctf || !p->utils) return ts__bt_fail(given, "babeltrace2's 'ctf' and 'utils' plugins are not installed");
    const bt_component_class_source *fs = bt_plugin_borrow_source_component_class_by_name_const(p->ctf, "fs");
    const bt_component_class_filter *mux = bt_plugin_borrow_filter_component_class_by_name_const(p->utils, "muxer");
    p->g = bt_graph_create(0);
    bt_value *params = bt_value_map_create(), *inputs = NULL;
    int rc = 0;
    if (!p->g || !params || !fs || !mux || bt_value_map_insert_empty_array_entry(params, "inputs", &inputs) ||
        bt_value_array_append_string_element(inputs, dir))
        rc = ts__bt_fail(given, "cannot set up the trace reader");
    if (rc == 0 && bt_graph_add_source_component(p->g, fs, "src", params, BT_LOGGING_LEVEL_NONE, &p->src))
        rc = source_fail(given);
    if (rc == 0 && bt_graph_add_filter_component(p->g, mux, "mux", NULL, BT_LOGGING_LEVEL_NONE, &p->mux))
        rc = ts__bt_fail(given, "cannot set up the trace reader");
    /* one muxer input per stream: the muxer adds a free input port after each connection */
    uint64_t nout = rc == 0 ? bt_component_source_get_output_port_count(p->src) : 0;
    for (uint64_t i = 0; i < nout && rc == 0; i++)
        if (bt_graph_connect_ports(p->g, bt_component_source_borrow_output_port_by_index_const(p->src, i),
                                   bt_component_filter_borrow_input_port_by_index_const(p->mux, i), NULL))
            rc = ts__bt_fail(given, "cannot connect the trace streams");
    bt_value_put_ref(params);
    return rc;
}

int ts__bt_pipeline_sink(ts__bt_pipeline *p, const bt_component_sink *snk, const char *given)
{
    if (bt_graph_connect_ports(p->g, bt_component_filter_borrow_output_port_by_index_const(p->mux, 0),
                               bt_component_sink_borrow_input_port_by_index_const(snk, 0), NULL))
        return ts__bt_fail(given, "cannot connect the trace streams");
    return 0;
}

int ts__bt_pipeline_run(ts__bt_pipeline *p, const char *given, const char *what)
{
    bt_graph_run_status s;
    do s = bt_graph_run(p->g); while (s == BT_GRAPH_RUN_STATUS_AGAIN);
    int rc = s == BT_GRAPH_RUN_STATUS_OK ? 0 : ts__bt_fail(given, what);
    return ts__bt_pending(rc, given, what);
}

int ts_ctf_dir_holds_trace(const char *dir)
{
    if (!dir) return 0;
    char *p = ts_path_join(dir, "metadata");
    char b[64];
    FILE *f = fopen(p, "rb");
    struct stat st;
    const size_t n = f && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) ? fread(b, 1, sizeof b, f) : 0;
    if (f) fclose(f);
    free(p);
    const unsigned char *u = (const unsigned char *)b;
    return ts__ctf_text_signature(b, n) || (n >= 4 && (get32(u, 0) == 0x75d11d57u || get32(u, 1) == 0x75d11d57u));
}

/* 1 when the metadata file meta is of a trace written here: text (a recorded LTTng trace's
 * is packets, or text without the mark) whose environment holds TS__CTF_ENV_MARK */
static int written_here(const char *meta)
{
    char *b = NULL;
    size_t n = 0;
    if (ts__read_file(meta, &b, &n) != 0) {
        ts_clear_error();
        return 0;
    }
    const char *env = strstr(b, "\nenv {"), *end = env ? strstr(env, "\n};") : NULL;
    const char *mark = env ? strstr(env, "\n\t" TS__CTF_ENV_MARK " = \"") : NULL;
    const int ours = mark && end && mark < end;
    free(b);
    return ours;
}

/* out may be replaced when it is absent, an empty directory or a CTF trace export, drop or
 * fill wrote (the mark in its environment): another trace (a recorded one) would be lost with
 * nothing to make it again */
int ts__ctf_out_check(const char *out)
{
    struct stat sb;
    if (stat(out, &sb) != 0) return 0;
    if (!S_ISDIR(sb.st_mode)) return ts_fail("%s: exists and is not a directory", out);
    char *meta = ts_path_join(out, "metadata");
    int trace = ts_file_exists(meta);
    const int ours = trace && written_here(meta);
    free(meta);
    if (trace && !ours)
        return ts_fail("%s: holds a CTF trace that tracesynth did not write (a recorded one?); not replaced: "
                       "name another directory",
                       out);
    DIR *d = opendir(out);
    struct dirent *de;
    int empty = 1;
    while (d && (de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) empty = 0;
    if (d) closedir(d);
    if (!trace && !empty) return ts_fail("%s: exists and holds something other than a CTF trace; not replaced", out);
    return 0;
}
