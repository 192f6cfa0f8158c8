#!/bin/sh
# Records strace logs of twenty real workloads (Debian 12, offline, loopback only):
#
#   sh data/workloads/record.sh [OUTDIR] [NAME...]
#
# Each workload runs under `strace -f -ttt -T -o NAME.strace` in a scratch directory (the
# web servers, the JVM, the database servers and c-threads' program alone: not their clients,
# not javac or gcc) and its
# log is written to OUTDIR/NAME.strace.gz (default OUTDIR: the directory of this script; one
# not there yet is made when it has a '/' in it: /tmp/w, ./w).
# NAMEs pick workloads (default: all). Needs strace, gcc, make, tar, xz, zstd, sqlite3,
# python3, curl and git, node (Debian's nodejs) for node-async, java and javac (Debian's
# default-jdk) for java-pool, PostgreSQL's server and pgbench (Debian's postgresql) for
# postgres, perl and md5sum for text-pipeline, dpkg and apt-cache for pkg-query,
# redis-server, redis-benchmark and redis-cli (Debian's redis) for redis, openssl, ssh-keygen,
# gpg and gpgconf for crypto-tools, perl and sort for perl-report (it reads Perl's library,
# /usr/share/perl/5.36.0, and /usr/include/linux), nginx and ab (Debian's nginx and
# apache2-utils) for nginx-static, rsync and diff for rsync-mirror, tclsh (Debian's tcl) for tcl-kv. The inputs are generated from fixed seeds
# or are installed files, so a rerun on the same system records the same work (timing, PIDs
# and addresses differ). A failing step or client fails the script with
# a message naming the workload; the servers it started are stopped on every exit
# (failure, Ctrl-C, TERM) and nothing is written for that workload.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ALL="cc-make archive-xz-zstd sqlite http-server python-etl git phases node-async java-pool postgres text-pipeline pkg-query redis crypto-tools perl-report nginx-static rsync-mirror py-asyncio c-threads tcl-kv"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3   # not a wrapper (pyenv) in the trace

fail() { echo "record.sh: $*" >&2; exit 1; }

# runs $1 on any exit (failure, INT, TERM) until on_exit is emptied: it stops the servers
# and clients still running. Only in runs not traced themselves (the traps are syscalls).
stop_on_exit() {
    on_exit=$1
    trap '[ -z "$on_exit" ] || $on_exit' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# ---- the workloads (run under strace by "record.sh --run NAME DIR") ----

# a C project of 12 files built with make -j1 (gcc driver, cc1, as, ld), run, rebuilt after
# touching a header, then cleaned
run_cc_make() {
    $PY - "$1" <<'EOF'
import os, random, sys
random.seed(7)
d = sys.argv[1]
os.makedirs(d + "/src", exist_ok=True)
n = 12
with open(d + "/src/common.h", "w") as f:
    f.write("#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n")
    for i in range(n): f.write(f"long mod{i}(long x);\n")
for i in range(n):
    with open(f"{d}/src/mod{i}.c", "w") as f:
        f.write('#include "common.h"\n')
        nf = random.randint(5, 15)
        for j in range(nf):
            f.write(f"static long f{j}(long x) {{ long s = 0; for (long k = 0; k < x % {random.randint(3, 50)}; k++) s += k * {random.randint(1, 99)} ^ x; return s; }}\n")
        calls = " + ".join(f"f{j}(x)" for j in range(nf))
        f.write(f"long mod{i}(long x) {{ char b[64]; snprintf(b, sizeof b, \"%ld\", x); return {calls} + (long)strlen(b); }}\n")
with open(d + "/src/main.c", "w") as f:
    f.write('#include "common.h"\nint main(void) { long s = 0;\n')
    for i in range(n): f.write(f"  s += mod{i}({i + 3});\n")
    f.write('  printf("%ld\\n", s); return 0; }\n')
objs = " ".join(f"mod{i}.o" for i in range(n)) + " main.o"
with open(d + "/src/Makefile", "w") as f:
    f.write(f"CFLAGS = -O1 -Wall\nprog: {objs}\n\t$(CC) -o $@ $^\n%.o: %.c common.h\n\t$(CC) $(CFLAGS) -c $<\nclean:\n\trm -f prog *.o\n")
EOF
    make -s -j1 -C "$1/src" CC=gcc
    "$1/src/prog" > /dev/null
    touch "$1/src/common.h"
    make -s -j1 -C "$1/src" CC=gcc
    make -s -C "$1/src" clean
}

# the sqlite3 CLI: a schema, 400 transactions of inserts, an index, joins and
# aggregates, updates, deletes and a VACUUM, on a rollback-journal database file
run_sqlite() {
    $PY - "$1/w.sql" <<'EOF'
import random, sys
random.seed(11)
out = open(sys.argv[1], "w")
w = out.write
w("PRAGMA journal_mode=DELETE;\nCREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT, city TEXT);\n"
  "CREATE TABLE orders(id INTEGER PRIMARY KEY, user INTEGER, amount REAL, note TEXT);\n")
cities = ["Oslo", "Lima", "Pune", "Graz", "Kobe", "Turin"]
uid = oid = 0
for t in range(400):
    w("BEGIN;\n")
    for k in range(random.randint(5, 40)):
        if random.random() < 0.3 or uid == 0:
            uid += 1
            w(f"INSERT INTO users VALUES({uid}, 'user{uid}', '{random.choice(cities)}');\n")
        oid += 1
        w(f"INSERT INTO orders VALUES({oid}, {random.randint(1, uid)}, {random.uniform(1, 500):.2f}, '{'x' * random.randint(0, 200)}');\n")
    w("COMMIT;\n")
    if t % 10 == 9:
        w("SELECT city, count(*), sum(amount) FROM users JOIN orders ON orders.user = users.id GROUP BY city;\n")
    if t == 200:
        w("CREATE INDEX orders_user ON orders(user);\n")
    if t % 25 == 24:
        w(f"UPDATE orders SET amount = amount * 1.1 WHERE user % 7 = {t % 7};\n")
        w(f"DELETE FROM orders WHERE id % 13 = {t % 13};\n")
w("SELECT name, max(amount) FROM users JOIN orders ON orders.user = users.id GROUP BY name ORDER BY 2 DESC LIMIT 20;\n")
w("VACUUM;\nPRAGMA integrity_check;\n")
EOF
    sqlite3 "$1/w.db" < "$1/w.sql" > /dev/null
    rm -f "$1/w.db" "$1/w.sql"
}

# python3's threading http.server on 127.0.0.1 (a free port) under 800 requests from four
# concurrent curl clients (GET of files of several sizes, HEAD, conditional GET answered 304,
# directory listings, missing paths; 40 URLs per curl process). Only the server is traced:
# $2 is the log to write.
run_http_server() {
    d=$1
    mkdir -p "$d/www/docs" "$d/www/img"
    $PY - "$d/www" <<'EOF'
import os, random, sys
random.seed(3)
d = sys.argv[1]
for i in range(40):
    sub = random.choice(["", "docs", "img"])
    with open(os.path.join(d, sub, f"f{i}.{random.choice(['html', 'txt', 'bin', 'json'])}"), "wb") as f:
        f.write(random.randbytes(random.choice([100, 2000, 30000, 200000])))
EOF
    cat > "$d/server.py" <<'EOF'
import functools, http.server, os, sys
root, portfile, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
class H(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(H, directory=root))
srv.daemon_threads = False   # joined by server_close: the last answers are sent before exit
with open(portfile + ".tmp", "w") as f: f.write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
for _ in range(n): srv.handle_request()
srv.server_close()
EOF
    n=800
    strace -f -ttt -T -o "$2" $PY "$d/server.py" "$d/www" "$d/port" $n &
    server=$!
    clients=""
    stop_on_exit stop_http_server
    i=0
    while [ ! -f "$d/port" ]; do
        i=$((i + 1))
        [ $i -lt 300 ] || fail "http-server: the server did not listen within 30 s"
        sleep 0.1
    done
    port=$(cat "$d/port")
    files=$(cd "$d/www" && find . -type f | sed 's|^\./||' | sort)
    set -- $files
    nf=$#
    for c in 0 1 2 3; do
        (
            cur=""
            trap '[ -z "$cur" ] || kill $cur 2> /dev/null; exit 143' TERM
            k=$c
            while [ $k -lt $n ]; do
                urls=""
                j=0
                while [ $j -lt 40 ]; do
                    case $((k % 10)) in
                        7) path=docs/ ;;
                        9) path=missing$k.html ;;
                        *) eval "path=\${$((k * 7 % nf + 1))}" ;;
                    esac
                    urls="$urls -o /dev/null http://127.0.0.1:$port/$path"
                    j=$((j + 1))
                    k=$((k + 4))
                done
                # one kind of request per batch of 40 (k has grown by 160 each batch); in the
                # background, so that TERM stops it at once
                case $((k / 160 % 5)) in
                    1) curl -s -I $urls > /dev/null & ;;
                    3) curl -s -z "2000-01-01" $urls & ;;
                    4) curl -s -H "If-Modified-Since: Sun, 01 Jan 2090 00:00:00 GMT" $urls & ;;
                    *) curl -s $urls & ;;
                esac
                cur=$!
                wait $cur || fail "http-server: curl failed (exit $?) against 127.0.0.1:$port"
                cur=""
            done
        ) &
        clients="$clients $!"
    done
    # a client that fails leaves the server waiting for requests that never come
    for c in $clients; do wait $c || exit 1; done
    clients=""
    wait $server || fail "http-server: the server failed (exit $?)"
    on_exit=""
}

# the server is strace's child: strace ignores TERM, and a strace that is killed leaves what
# it traces running
stop_http_server() {
    for c in $clients; do kill $c 2> /dev/null || true; done
    for c in $clients; do wait $c 2> /dev/null || true; done
    pkill -TERM -P $server 2> /dev/null || true
    wait $server 2> /dev/null || true
}

# four rounds, one source tree each (428 to 763 files: libc headers, libstdc++ headers, Perl
# modules, kernel headers): pack it with tar, compress with xz and with zstd, list the
# archive, unpack both, check the tarballs and compare the trees, clean up
run_archive_xz_zstd() {
    for src in /usr/include/x86_64-linux-gnu /usr/include/c++/12/bits /usr/share/perl5 /usr/include/linux; do
        mkdir -p "$1/out1" "$1/out2"
        tar -cf "$1/t.tar" -C "$(dirname "$src")" "$(basename "$src")"
        xz -T1 -3 -k "$1/t.tar"
        zstd -q -3 "$1/t.tar" -o "$1/t.tar.zst"
        xz -dc "$1/t.tar.xz" | tar -tvf - > /dev/null
        tar -xJf "$1/t.tar.xz" -C "$1/out1"
        zstd -dcq "$1/t.tar.zst" | tar -xf - -C "$1/out2"
        zstd -dcq "$1/t.tar.zst" | cmp -s - "$1/t.tar"
        diff -r "$1/out1" "$1/out2" > /dev/null
        rm -rf "$1/out1" "$1/out2" "$1/t.tar"*
    done
}

# a Python ETL job, three rounds of different sizes: write JSON-lines logs, parse them with
# regexes in a pool of 4 threads (each writes its CSV report: temporary file + rename, some
# copied), aggregate into a gzip'd JSON summary, hash the tree in a pool of 2 processes,
# remove it
run_python_etl() {
    $PY - "$1" <<'EOF'
import concurrent.futures, csv, gzip, hashlib, json, multiprocessing, os, random, re, shutil, sys
pat = re.compile(r"path=(/api/v\d/item/\d+) took (\d+)ms")

def parse(d, name):
    stats = {}
    with open(os.path.join(d, "logs", name)) as f:
        for line in f:
            rec = json.loads(line)
            m = pat.search(rec["msg"])
            if m:
                s = stats.setdefault(m.group(1), [0, 0, 0])
                s[0] += 1; s[1] += int(m.group(2)); s[2] += rec["lvl"] == "ERROR"
    tmp = f"{d}/reports/.{name}.tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f)
        for k in sorted(stats): w.writerow([k, *stats[k]])
    os.replace(tmp, f"{d}/reports/{name}.csv")
    if hash(name) % 5 == 0:
        shutil.copy(f"{d}/reports/{name}.csv", f"{d}/reports/{name}.bak")
    return stats

def digest(path):
    with open(path, "rb") as f: return hashlib.sha256(f.read()).hexdigest()

if __name__ == "__main__":
    random.seed(5)
    top = sys.argv[1]
    for rnd, (nfiles, lo, hi) in enumerate([(150, 20, 120), (60, 200, 600), (120, 10, 200)]):
        d = f"{top}/round{rnd}"
        os.makedirs(d + "/logs")
        os.makedirs(d + "/reports")
        for i in range(nfiles):
            with open(f"{d}/logs/app{i}.jsonl", "w") as f:
                for k in range(random.randint(lo, hi)):
                    f.write(json.dumps({"t": 1700000000 + k, "lvl": random.choice(["INFO", "WARN", "ERROR"]),
                                        "msg": f"req {random.randint(1, 999)} path=/api/v{random.randint(1, 3)}/item/{random.randint(1, 50)} took {random.randint(1, 900)}ms"}) + "\n")
        total = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as ex:
            for stats in ex.map(lambda n: parse(d, n), sorted(os.listdir(d + "/logs"))):
                for k, v in stats.items():
                    t = total.setdefault(k, [0, 0, 0])
                    for j in range(3): t[j] += v[j]
        with gzip.open(d + "/reports/summary.json.gz", "wt") as f:
            json.dump(total, f)
        paths = sorted(os.path.join(r, fn) for r, _, fs in os.walk(d) for fn in fs)
        with multiprocessing.get_context("fork").Pool(2) as pool:
            h = hashlib.sha256("".join(pool.map(digest, paths, chunksize=8)).encode()).hexdigest()
        print(rnd, h[:16])
        shutil.rmtree(d)
EOF
}

# git, three repositories of different sizes: commits on two branches, a merge, log -p,
# status, gc
run_git() {
    export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=t \
           GIT_COMMITTER_EMAIL=t@example.org GIT_CONFIG_NOSYSTEM=1 HOME="$1"
    for n in 14 6 10; do
        git init -q -b main "$1/repo$n"
        cd "$1/repo$n"
        i=0
        while [ $i -lt $n ]; do
            [ $i -eq $((n / 2)) ] && git checkout -q -b topic
            seq $i $((i * 40 + 50)) > "f$((i % 6)).txt"
            echo "change $i" >> README
            git add -A
            git commit -q -m "change $i"
            i=$((i + 1))
        done
        git checkout -q main
        echo merged > merge.txt && git add merge.txt && git commit -q -m "before merge"
        git merge -q --no-edit topic
        git log -p --stat > /dev/null
        git status --short > /dev/null
        git gc -q
        cd /
    done
}

# three programs one after another, the last one alone in the held-out part of a time split:
# tar | gzip of 3,000 C headers, find | xargs grep over Python's library, then a Python
# program writing JSON rows into SQLite (a test part running what the training part never ran)
run_phases() {
    find /usr/include -type f | sort | head -n 3000 | tar cf - -T - 2> /dev/null | gzip -1 > /dev/null
    find /usr/lib/python3* -name "*.py" | sort | head -n 3000 | xargs grep -l import > /dev/null || true
    $PY - "$1/p.db" <<'EOF'
import json, random, sqlite3, sys
random.seed(5)
db = sqlite3.connect(sys.argv[1])
db.execute("create table t (id integer primary key, v text)")
for i in range(300):
    db.execute("insert into t (v) values (?)", (json.dumps([random.random() for _ in range(20)]),))
    db.commit()
print(db.execute("select count(*), sum(length(v)) from t").fetchone())
db.close()
EOF
}

# Node.js: five rounds of files through libuv's thread pool (write, read, gzip, hash, write,
# stat, some copied, unlink) 16 at a time, then its HTTP server on 127.0.0.1 under 120
# requests from the same process, 8 at a time (no keep-alive)
run_node_async() {
    node - "$1" <<'EOF'
// files through libuv's thread pool (read, gzip, hash, write, stat, unlink) in batches,
// then an HTTP server on 127.0.0.1 under concurrent requests from the same process
const fs = require('fs'), fsp = fs.promises, zlib = require('zlib'), crypto = require('crypto');
const http = require('http'), path = require('path'), util = require('util');
const gzip = util.promisify(zlib.gzip), pbkdf2 = util.promisify(crypto.pbkdf2);
let seed = 9;
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const dir = process.argv[2];
async function files(round, n) {
  const d = path.join(dir, 'r' + round);
  await fsp.mkdir(d, { recursive: true });
  for (let i = 0; i < n; i++) {
    const len = 256 + Math.floor(rnd() * 32768);
    const b = Buffer.alloc(len);
    for (let j = 0; j < len; j += 64) b[j] = Math.floor(rnd() * 256);
    await fsp.writeFile(path.join(d, 'f' + i), b);
  }
  const names = (await fsp.readdir(d)).sort();
  for (let i = 0; i < names.length; i += 16) {
    await Promise.all(names.slice(i, i + 16).map(async (nm) => {
      const p = path.join(d, nm);
      const data = await fsp.readFile(p);
      const z = await gzip(data);
      const h = crypto.createHash('sha256').update(z).digest('hex');
      await fsp.writeFile(p + '.gz', z);
      await fsp.stat(p + '.gz');
      if (h.charCodeAt(0) % 4 === 0) await fsp.copyFile(p + '.gz', p + '.bak');
      await fsp.unlink(p);
    }));
  }
  await pbkdf2('secret' + round, 'salt', 2000, 32, 'sha256');
  await fsp.rm(d, { recursive: true });
}
function serve(nreq) {
  return new Promise((resolve) => {
    const body = Buffer.alloc(20000, 'x');
    const srv = http.createServer((req, res) => {
      const n = parseInt(req.url.slice(1)) || 0;
      if (n % 7 === 0) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(body.subarray(0, 100 + (n * 137) % 19000));
    });
    srv.listen(0, '127.0.0.1', async () => {
      const port = srv.address().port, agent = new http.Agent({ keepAlive: false, maxSockets: 4 });
      const get = (i) => new Promise((ok) => http.get({ port, host: '127.0.0.1', path: '/' + i, agent },
        (res) => { res.on('data', () => {}); res.on('end', ok); }));
      for (let i = 0; i < nreq; i += 8) await Promise.all([...Array(8).keys()].map((k) => get(i + k)));
      srv.close(resolve);
    });
  });
}
(async () => {
  for (let r = 0; r < 5; r++) { await files(r, 120 + 60 * r); await serve(120); }
})();
EOF
}

# a JVM (garbage collector and compiler threads of its own) running a pool of 4 worker
# threads over 480 tasks: write a text file, read it back, gzip it, gunzip and hash it,
# delete a third of the texts, sleep on every seventh; then list the directory
run_java_pool() {
    d=$1
    cat > "$d/Work.java" <<'EOF'
import java.io.*;
import java.nio.file.*;
import java.security.MessageDigest;
import java.util.*;
import java.util.concurrent.*;
import java.util.zip.*;

public class Work {
    public static void main(String[] a) throws Exception {
        Path dir = Paths.get(a[0]);
        Files.createDirectories(dir);
        Random r = new Random(11);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<String>> out = new ArrayList<>();
        for (int i = 0; i < 480; i++) {
            final int id = i;
            final int size = 2000 + r.nextInt(60000);
            out.add(pool.submit(() -> {
                Path p = dir.resolve("f" + id + ".txt");
                StringBuilder sb = new StringBuilder();
                Random rr = new Random(id);
                while (sb.length() < size) sb.append("line ").append(rr.nextInt(1000)).append('\n');
                Files.write(p, sb.toString().getBytes());
                byte[] data = Files.readAllBytes(p);
                Path z = dir.resolve("f" + id + ".gz");
                try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(z))) { os.write(data); }
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                try (InputStream is = new GZIPInputStream(Files.newInputStream(z))) {
                    byte[] buf = new byte[4096]; int n;
                    while ((n = is.read(buf)) > 0) md.update(buf, 0, n);
                }
                if (id % 3 == 0) Files.delete(p);
                if (id % 7 == 0) Thread.sleep(2);
                return String.format("%d %x", id, md.digest()[0]);
            }));
        }
        long s = 0;
        for (Future<String> f : out) s += f.get().length();
        pool.shutdown();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) { for (Path p : ds) s += Files.size(p) % 7; }
        System.out.println(s);
    }
}
EOF
    javac -d "$d" "$d/Work.java"
    strace -f -ttt -T -o "$2" java -Xmx256m -cp "$d" Work "$d/w"
}

# PostgreSQL (the server alone, not pgbench): pgbench's tables at scale 2 (200,000 rows
# copied in, vacuum, primary keys), then 1,200 TPC-B-like transactions from 4 clients over
# a Unix socket. The server refuses to run as root: as root it runs as the postgres user.
run_postgres() {
    d=$1
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$bin" ] || bin=$(dirname "$(command -v postgres)")
    as=""
    if [ "$(id -u)" = 0 ]; then
        as="runuser -u postgres --"
        chmod 755 "$(dirname "$d")"
        chown postgres "$d"
    fi
    $as "$bin/initdb" -D "$d/data" -A trust --no-sync > "$d/initdb.log"
    $as strace -f -ttt -T -o "$d/server.strace" "$bin/postgres" -D "$d/data" -p 5499 -k "$d" \
        -c listen_addresses= > "$d/server.log" 2>&1 &
    pid=$!
    client=""
    stop_on_exit stop_postgres
    i=0
    until $as "$bin/pg_isready" -q -h "$d" -p 5499; do
        i=$((i + 1))
        [ $i -lt 300 ] || fail "postgres: the server did not start: $(tail -n 1 "$d/server.log")"
        sleep 0.1
    done
    # the clients in the background, so that TERM stops them at once
    $as "$bin/pgbench" -h "$d" -p 5499 -q -i -s 2 postgres 2> "$d/pgbench.log" &
    client=$!
    wait $client || fail "postgres: pgbench -i failed: $(tail -n 1 "$d/pgbench.log")"
    $as "$bin/pgbench" -h "$d" -p 5499 --random-seed=7 -c 4 -j 2 -t 300 postgres >> "$d/pgbench.log" 2>&1 &
    client=$!
    wait $client || fail "postgres: pgbench failed: $(tail -n 1 "$d/pgbench.log")"
    client=""
    $as "$bin/pg_ctl" -D "$d/data" -m fast stop > /dev/null
    wait $pid || fail "postgres: the server failed (exit $?): $(tail -n 1 "$d/server.log")"
    on_exit=""
    cp "$d/server.strace" "$2"
}

# the postmaster is stopped with its backends, then strace exits: strace ignores TERM, and
# a strace that is killed leaves what it traces running. A server still starting has no
# postmaster.pid yet: a few tries.
stop_postgres() {
    [ -z "$client" ] || { kill $client 2> /dev/null || true; wait $client 2> /dev/null || true; }
    i=0
    until $as "$bin/pg_ctl" -D "$d/data" -m immediate stop > /dev/null 2>&1; do
        i=$((i + 1))
        [ $i -lt 50 ] || { kill $pid 2> /dev/null || true; break; }
        sleep 0.1
    done
    wait $pid 2> /dev/null || true
}

# text processing over Perl's modules: word frequencies (find | xargs perl | sort | uniq -c |
# sort -rn), checksums of 400 files, an awk line count per file for 300, then grep -c over
# every third file
run_text_pipeline() {
    d=$1
    find /usr/share/perl -name '*.pm' | sort > "$d/files.lst"
    xargs perl -ne 'for (split /\W+/) { print lc($_), "\n" if length($_) > 3 }' < "$d/files.lst" |
        sort | uniq -c | sort -rn | head -n 200 > "$d/top.txt"
    head -n 400 "$d/files.lst" | xargs md5sum > "$d/sums.txt"
    head -n 300 "$d/files.lst" | while read -r f; do awk 'END { print NR, FILENAME }' "$f"; done > "$d/lines.txt"
    sed -n '1~3p' "$d/files.lst" | head -n 200 | xargs grep -c 'sub ' > "$d/subs.txt" || true
}

# package database queries in a shell loop: for 24 installed packages (every ninth), sum the
# sizes of the first 50 files dpkg -L lists (stat, awk), read dpkg -s, and for some ask
# apt-cache policy and apt-cache depends | sort -u
run_pkg_query() {
    d=$1
    dpkg-query -W -f '${Package}\n' | sort | awk 'NR % 9 == 1' | head -n 24 > "$d/pkgs.lst"
    n=0
    while read -r p; do
        n=$((n + 1))
        dpkg -L "$p" 2> /dev/null | head -n 50 | while read -r f; do [ -f "$f" ] && stat -c %s "$f"; done |
            awk '{ s += $1 } END { print s + 0 }' > /dev/null
        dpkg -s "$p" | grep -E '^(Version|Depends):' > /dev/null || true
        if [ $((n % 3)) -eq 0 ]; then apt-cache policy "$p" > /dev/null; fi
        if [ $((n % 5)) -eq 0 ]; then apt-cache depends "$p" | sort -u | wc -l > /dev/null; fi
    done < "$d/pkgs.lst"
}

# Redis 7 (the server traced, not its clients): append-only file on (fsync every second),
# no snapshots but those asked for, over a Unix socket: redis-benchmark with 4 clients over
# seven commands, a BGSAVE, 8 clients over LPUSH, LRANGE and MSET, a BGREWRITEAOF, then 2
# clients pipelining 4 SET and GET at a time (which alone fills the held-out part), a
# BGSAVE, and a shutdown
run_redis() {
    d=$1
    strace -f -ttt -T -o "$d/server.strace" redis-server --port 0 --unixsocket "$d/r.sock" --dir "$d" \
        --save "" --appendonly yes --appendfsync everysec --daemonize no --logfile "$d/log" &
    pid=$!
    client=""
    stop_on_exit stop_redis
    i=0
    until [ -S "$d/r.sock" ]; do
        i=$((i + 1))
        [ $i -lt 300 ] || fail "redis: the server did not start: $(tail -n 1 "$d/log" 2> /dev/null)"
        sleep 0.1
    done
    S="-s $d/r.sock"
    # the clients in the background, so that TERM stops them at once
    for step in "redis-benchmark $S -q -c 4 -n 3000 -t set,get,incr,lpush,rpop,sadd,hset -r 1000 -d 64" \
                "redis-cli $S bgsave" \
                "redis-benchmark $S -q -c 8 -n 2000 -t lpush,lrange_100,mset -r 500 -d 256" \
                "redis-cli $S bgrewriteaof" \
                "redis-benchmark $S -q -c 2 -n 2000 -P 4 -t set,get -r 5000 -d 1024" \
                "redis-cli $S bgsave"; do
        $step > "$d/client.log" 2>&1 &
        client=$!
        wait $client || fail "redis: '$step' failed: $(tail -n 1 "$d/client.log")"
        case $step in *cli*) sleep 1 ;; esac   # the child's save or rewrite
    done
    client=""
    redis-cli $S shutdown nosave > /dev/null 2>&1 || true
    wait $pid || fail "redis: the server failed (exit $?): $(tail -n 1 "$d/log")"
    on_exit=""
    cp "$d/server.strace" "$2"
}

# the server is asked to shut down, then strace exits (strace ignores TERM, and a strace
# that is killed leaves what it traces running)
stop_redis() {
    [ -z "$client" ] || { kill $client 2> /dev/null || true; wait $client 2> /dev/null || true; }
    redis-cli -s "$d/r.sock" shutdown nosave > /dev/null 2>&1 || kill $pid 2> /dev/null || true
    wait $pid 2> /dev/null || true
}

# keys, digests, signatures and encryption over a generated tree of 120 files (8 folders,
# 300 B to 60 KB), three rounds: ssh-keygen (ed25519, ECDSA, a fingerprint) and an openssl EC
# key, sha256sum of every file two processes at a time (xargs -P 2), then checked, openssl
# signing and verifying one folder's files with an RSA key, the tree through tar | openssl
# enc into an encrypted archive, decrypted into tar -t, and gpg encrypting and decrypting
# another folder's files (its gpg-agent, which the first gpg starts, traced too: stopped on
# any exit, or strace would wait for it)
run_crypto_tools() {
    d=$1
    $PY - "$d/tree" <<'EOF'
import os, random, sys
random.seed(5)
d = sys.argv[1]
for i in range(120):
    sub = os.path.join(d, f"s{i % 8}")
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, f"f{i}.dat"), "wb") as f:
        f.write(random.randbytes(random.choice([300, 4000, 20000, 60000])))
EOF
    export GNUPGHOME="$d/gnupg"
    mkdir -m 700 "$GNUPGHOME"
    trap 'gpgconf --kill gpg-agent' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$d/rsa.pem" 2> /dev/null
    openssl pkey -in "$d/rsa.pem" -pubout -out "$d/rsa.pub"
    for r in 1 2 3; do
        ssh-keygen -q -t ed25519 -N '' -C "r$r" -f "$d/id$r"
        ssh-keygen -q -t ecdsa -b 256 -N '' -f "$d/ec$r"
        ssh-keygen -l -f "$d/id$r.pub" > /dev/null
        openssl ecparam -name prime256v1 -genkey -noout -out "$d/ec$r.pem"
        find "$d/tree" -type f | sort | xargs -P 2 -n 20 sha256sum > "$d/sums$r.txt"
        sha256sum -c --quiet "$d/sums$r.txt"
        for f in "$d"/tree/s$r/*.dat; do
            openssl dgst -sha256 -sign "$d/rsa.pem" -out "$f.sig" "$f"
            openssl dgst -sha256 -verify "$d/rsa.pub" -signature "$f.sig" "$f" > /dev/null
        done
        tar -cf - -C "$d" tree | openssl enc -aes-256-cbc -pbkdf2 -pass pass:k$r -out "$d/t$r.enc"
        openssl enc -d -aes-256-cbc -pbkdf2 -pass pass:k$r -in "$d/t$r.enc" | tar -tf - | wc -l > /dev/null
        for f in "$d"/tree/s$((r + 3))/*.dat; do
            gpg -q --batch --pinentry-mode loopback --passphrase p$r -c -o "$f.gpg" "$f"
            gpg -q --batch --pinentry-mode loopback --passphrase p$r -d "$f.gpg" | cmp - "$f"
        done
        rm -f "$d"/tree/*/*.sig "$d"/tree/*/*.gpg "$d/t$r.enc"
    done
    rm -rf "$d/tree"
}

# a Perl report over two trees (Perl's library, then the kernel's headers): File::Find walks
# the tree, three forked workers each read every third file and count its lines and words in
# hashes (a part file each), the parent merges the parts into a per-file report (temporary
# file + rename) and a word list, reads the report back through sort -t, -k2 -rn and
# compresses the word list with gzip, both child processes of Perl, then removes the parts
run_perl_report() {
    d=$1
    cat > "$d/report.pl" <<'EOF'
use strict;
use warnings;
use File::Find;
use POSIX ();

my ($top, @trees) = @ARGV;
my $round = 0;
for my $tree (@trees) {
    $round++;
    my @files;
    find({ no_chdir => 1, wanted => sub { push @files, $_ if -f $_ && /\.(pm|pl|pod|h)$/ } }, $tree);
    @files = sort @files;
    my @kids;
    for my $w (0 .. 2) {
        my $pid = fork() // die "fork: $!";
        if ($pid == 0) {
            open(my $out, '>', "$top/part$w.tmp") or die "$top/part$w.tmp: $!";
            for (my $i = $w; $i < @files; $i += 3) {
                open(my $in, '<', $files[$i]) or next;
                my ($lines, %words) = (0);
                while (my $l = <$in>) {
                    $lines++;
                    $words{lc $1}++ while $l =~ /([A-Za-z_]\w{3,})/g;
                }
                close($in);
                my @top = sort { $words{$b} <=> $words{$a} || $a cmp $b } keys %words;
                splice(@top, 5) if @top > 5;
                print $out join("\t", $files[$i], $lines, scalar(keys %words),
                                map { "$_=$words{$_}" } @top), "\n";
            }
            close($out) or die "$top/part$w.tmp: $!";
            POSIX::_exit(0);
        }
        push @kids, $pid;
    }
    for (@kids) { waitpid($_, 0); die "a worker failed\n" if $?; }
    my (%total, @rows);
    for my $w (0 .. 2) {
        open(my $in, '<', "$top/part$w.tmp") or die "$top/part$w.tmp: $!";
        while (my $l = <$in>) {
            chomp $l;
            my ($f, $lines, $n, @top) = split /\t/, $l;
            push @rows, "$f,$lines,$n";
            for (@top) { my ($k, $v) = split /=/; $total{$k} += $v; }
        }
        close($in);
        unlink("$top/part$w.tmp") or die "$top/part$w.tmp: $!";
    }
    open(my $rep, '>', "$top/report$round.tmp") or die "$top/report$round.tmp: $!";
    print $rep "$_\n" for @rows;
    close($rep) or die "$top/report$round.tmp: $!";
    rename("$top/report$round.tmp", "$top/report$round.csv") or die "rename: $!";
    open(my $sorted, '-|', 'sort', '-t,', '-k2', '-rn', "$top/report$round.csv") or die "sort: $!";
    my @longest = <$sorted>;
    close($sorted) or die "sort failed\n";
    open(my $words, '>', "$top/words$round.txt") or die "$top/words$round.txt: $!";
    printf $words "%8d %s\n", $total{$_}, $_ for sort { $total{$b} <=> $total{$a} || $a cmp $b } keys %total;
    close($words) or die "$top/words$round.txt: $!";
    system('gzip', '-f', "$top/words$round.txt") == 0 or die "gzip failed\n";
    my @st = stat("$top/words$round.txt.gz");
    printf "%s: %d files, %d words, %d bytes, longest %s", $tree, scalar @files,
           scalar keys %total, $st[7], $longest[0];
}
EOF
    perl "$d/report.pl" "$d" /usr/share/perl/5.36.0 /usr/include/linux
}

# nginx (the server traced, master and 2 workers, not its clients): 60 generated files (100 B
# to 300 KB; text served gzip'd where asked) on 127.0.0.1, sendfile and an open-file cache;
# eight rounds of a GET, a gzip'd GET, a range GET, a 404, a directory listing, a HEAD or
# 20 keep-alive requests from ab per file in turn, each round closed by 200 requests from 4
# concurrent ab clients; then a graceful stop (QUIT)
run_nginx_static() {
    d=$1
    mkdir -p "$d/www/docs" "$d/www/img" "$d/logs" "$d/tmp"
    chmod 755 "$d/.." "$d" 2> /dev/null || true   # the workers may run as nobody
    $PY - "$d/www" <<'EOF'
import os, random, sys
random.seed(7)
d = sys.argv[1]
words = ["kernel", "trace", "event", "sched", "futex", "read", "write", "page", "cache", "lock"]
for i in range(60):
    sub = random.choice(["", "docs", "img"])
    ext = random.choice(["html", "txt", "bin", "json", "css"])
    with open(os.path.join(d, sub, f"p{i}.{ext}"), "wb") as f:
        if ext == "bin":
            f.write(random.randbytes(random.choice([100, 2000, 30000, 300000])))
        else:
            f.write(" ".join(random.choice(words) for _ in range(random.choice([20, 400, 6000, 40000]))).encode())
EOF
    chmod -R a+rX "$d/www"
    port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cat > "$d/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 2;
pid $d/nginx.pid;
error_log $d/logs/error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    access_log $d/logs/access.log;
    client_body_temp_path $d/tmp/body;
    proxy_temp_path $d/tmp/proxy;
    fastcgi_temp_path $d/tmp/fcgi;
    uwsgi_temp_path $d/tmp/uwsgi;
    scgi_temp_path $d/tmp/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 5;
    gzip on;
    gzip_types text/plain application/json text/css;
    open_file_cache max=16 inactive=2s;
    server {
        listen 127.0.0.1:$port;
        root $d/www;
        location /docs/ { autoindex on; }
    }
}
EOF
    strace -f -ttt -T -o "$d/server.strace" nginx -c "$d/nginx.conf" -p "$d" &
    pid=$!
    client=""
    stop_on_exit stop_nginx
    u=http://127.0.0.1:$port
    i=0
    until curl -s -o /dev/null "$u/docs/"; do
        i=$((i + 1))
        [ $i -lt 300 ] || fail "nginx-static: the server did not answer on $u within 30 s: $(tail -n 1 "$d/logs/error.log" 2> /dev/null)"
        sleep 0.1
    done
    files=$(cd "$d/www" && find . -type f | sed 's|^\./||' | sort)
    i=0
    for round in 1 2 3 4 5 6 7 8; do
        for f in $files; do
            i=$((i + 1))
            # in the background, so that TERM stops it at once
            case $((i % 7)) in
                0) curl -sf -o /dev/null "$u/$f" & ;;
                1) curl -sf -o /dev/null -H "Accept-Encoding: gzip" "$u/$f" & ;;
                2) curl -sf -o /dev/null -r 0-999 "$u/$f" & ;;
                3) curl -s -o /dev/null "$u/missing$i.html" & ;;
                4) curl -sf -o /dev/null "$u/docs/" & ;;
                5) curl -sf -o /dev/null -I "$u/$f" & ;;
                6) ab -q -k -n 20 -c 2 "$u/$f" > /dev/null & ;;
            esac
            client=$!
            wait $client || fail "nginx-static: a request for $f failed (exit $?) against $u"
        done
        ab -q -n 200 -c 4 "$u/p2.css" > /dev/null &
        client=$!
        wait $client || fail "nginx-static: ab failed (exit $?) against $u"
    done
    client=""
    kill -QUIT "$(cat "$d/nginx.pid")"
    wait $pid || fail "nginx-static: the server failed (exit $?): $(tail -n 1 "$d/logs/error.log" 2> /dev/null)"
    on_exit=""
    cp "$d/server.strace" "$2"
}

# a graceful stop, then strace exits (strace ignores TERM, and a strace that is killed leaves
# what it traces running)
stop_nginx() {
    [ -z "$client" ] || { kill $client 2> /dev/null || true; wait $client 2> /dev/null || true; }
    [ -f "$d/nginx.pid" ] && kill -QUIT "$(cat "$d/nginx.pid")" 2> /dev/null || kill $pid 2> /dev/null || true
    wait $pid 2> /dev/null || true
}

# rsync mirroring a changing tree, as a backup or deployment job does: 200 files written from a
# fixed seed and 91 installed headers copied, then changed three times (appends, removals, new
# files, older times); between the changes local copies (plain, itemized, checksummed, with
# backups, dry run, whole files) and copies through a pipe to a second rsync (the "remote
# shell" runs the server here: sender, receiver and generator, compressed), a listing, and a
# last copy checked with diff
run_rsync_mirror() {
    d=$1
    # a tree of 29 folders of 200 files written from a fixed seed (2-60 KB of text each) and
    # Linux's netfilter headers (installed files)
    mkdir -p "$d/src"
    cp -r /usr/include/linux/netfilter "$d/src/include"
    awk -v d="$d/src" 'BEGIN { srand(7)
        for (i = 0; i < 200; i++) {
            dir = d "/data/g" (i % 29); if (i < 29) system("mkdir -p " dir)
            f = dir "/f" i ".txt"; n = int(2 + rand() * 58) * 16
            for (j = 0; j < n; j++) printf "%06d %s %08x\n", j, (rand() < 0.5 ? "alpha" : "omega"), int(rand() * 2^31) > f
            close(f) } }'
    printf '#!/bin/sh\nshift\nexec "$@"\n' > "$d/rsh"   # a "remote shell" that runs the server here
    chmod +x "$d/rsh"
    change() {   # $1: round; appends to, removes, adds and touches files, as a working tree changes
        awk -v d="$d/src/data" -v r="$1" -v rm="$d/rm.lst" -v tc="$d/touch.lst" 'BEGIN { srand(r)
            for (i = 0; i < 200; i++) { f = d "/g" (i % 29) "/f" i ".txt"
                u = rand()
                if (u < 0.12) { print "r" r, rand() >> f; close(f) }
                else if (u < 0.15) print f > rm
                else if (u < 0.21) print f > tc }
            for (i = 0; i < 8; i++) { f = d "/g" (i * 3) "/n" r "_" i ".txt"
                for (j = 0; j < 200; j++) print j, r, rand() > f; close(f) } }'
        xargs rm -f < "$d/rm.lst"
        xargs touch -c -d "@$((1700000000 + $1 * 1000))" < "$d/touch.lst"
        rm -f "$d/rm.lst" "$d/touch.lst"
    }
    rsync -a "$d/src/" "$d/m1/"
    change 1
    rsync -a --delete -i "$d/src/" "$d/m1/" > "$d/items1.txt"
    rsync -a -c --delete "$d/src/" "$d/m1/"
    rsync -az --delete -e "$d/rsh" "$d/src/" "x:$d/m2/"
    change 2
    rsync -az --delete --inplace -e "$d/rsh" "$d/src/" "x:$d/m2/"
    rsync -a --delete --backup --backup-dir="$d/old2" "$d/src/" "$d/m1/"
    change 3
    rsync -an --delete --stats "$d/src/" "$d/m1/" > "$d/dry3.txt"
    rsync -a --delete -W --partial "$d/src/" "$d/m1/"
    rsync -az --delete -c -e "$d/rsh" "$d/src/" "x:$d/m2/"
    rsync --list-only -r "$d/m2/" > "$d/list.txt"
    rm -rf "$d/m1"
    rsync -a --exclude 'include/' "$d/src/" "$d/m1/"
    diff -r "$d/src/data" "$d/m1/data"
}

# a Python asyncio key-value server on 127.0.0.1 and its clients in the same process: one event
# loop, a pool of 3 threads compressing values into files and reading them back (write to a
# temporary name, rename), three rounds of 8, 24 and 4 clients sending puts, gets and pings
# from a fixed seed
run_py_asyncio() {
    $PY - "$1" <<'EOF'
import asyncio, hashlib, json, os, random, sys, zlib
from concurrent.futures import ThreadPoolExecutor

top = sys.argv[1]
random.seed(11)
pool = ThreadPoolExecutor(max_workers=3)

def store(key, data):
    p = os.path.join(top, "kv", key[:2])
    os.makedirs(p, exist_ok=True)
    tmp = os.path.join(p, "." + key)
    with open(tmp, "wb") as f:
        f.write(zlib.compress(data, 6))
    os.replace(tmp, os.path.join(p, key))
    return len(data)

def load(key):
    try:
        with open(os.path.join(top, "kv", key[:2], key), "rb") as f:
            return zlib.decompress(f.read())
    except FileNotFoundError:
        return None

async def handle(reader, writer):
    loop = asyncio.get_running_loop()
    while True:
        line = await reader.readline()
        if not line:
            break
        req = json.loads(line)
        if req["op"] == "put":
            data = req["v"].encode()
            key = hashlib.sha1(data).hexdigest()
            n = await loop.run_in_executor(pool, store, key, data)
            out = {"k": key, "n": n}
        elif req["op"] == "get":
            v = await loop.run_in_executor(pool, load, req["k"])
            out = {"v": None if v is None else v.decode()[:32]}
        else:
            out = {"pong": 1}
            await asyncio.sleep(0.001)
        writer.write((json.dumps(out) + "\n").encode())
        await writer.drain()
    writer.close()
    await writer.wait_closed()

async def client(port, cid, nreq):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    rnd = random.Random(cid)
    keys = []
    for i in range(nreq):
        u = rnd.random()
        if u < 0.45 or not keys:
            req = {"op": "put", "v": " ".join(str(rnd.randint(0, 999)) for _ in range(rnd.randint(5, 400)))}
        elif u < 0.9:
            req = {"op": "get", "k": rnd.choice(keys)}
        else:
            req = {"op": "ping"}
        writer.write((json.dumps(req) + "\n").encode())
        await writer.drain()
        resp = json.loads(await reader.readline())
        if "k" in resp:
            keys.append(resp["k"])
    writer.close()
    await writer.wait_closed()

async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    for rnd, (nclients, nreq) in enumerate([(8, 60), (24, 20), (4, 150)]):
        await asyncio.gather(*(client(port, rnd * 100 + c, nreq) for c in range(nclients)))
    server.close()
    await server.wait_closed()
    n = sum(len(fs) for _, _, fs in os.walk(os.path.join(top, "kv")))
    print("stored", n)

asyncio.run(main())
pool.shutdown()
EOF
}

# a C program's threads (gcc builds it first, not traced): a producer queues 12,000 jobs to 4
# worker threads (a mutex and a condition variable); a job appends a record to one of 6 shard
# files (pwrite, at times fdatasync), reads one to three records back (pread), or compacts
# the shard (its last 256 KB copied to a new file, fsync, rename over); every 50 jobs the
# producer sleeps a little and stats the shards, every 200 it lists the folder
run_c_threads() {
    d=$1
    cat > "$d/work.c" <<'EOF'
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#define SHARDS 6
#define JOBS 12000
static const char *dir;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER, shard_mu[SHARDS];
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int queue[JOBS], head, tail, done;
static off_t shard_end[SHARDS];

static void path(char *p, size_t n, int s, const char *ext) { snprintf(p, n, "%s/shard%d.%s", dir, s, ext); }

static void job(int j, unsigned *seed)
{
    int s = j % SHARDS, kind = rand_r(seed) % 50;
    char p[512];
    path(p, sizeof p, s, "log");
    if (kind < 24) {   /* append a record */
        size_t n = 64 + rand_r(seed) % (kind == 0 ? 300000 : 4000);
        char *b = malloc(n);
        memset(b, 'a' + j % 26, n);
        pthread_mutex_lock(&shard_mu[s]);
        int fd = open(p, O_WRONLY | O_CREAT, 0644);
        pwrite(fd, b, n, shard_end[s]);
        shard_end[s] += n;
        if (j % 17 == 0) fdatasync(fd);
        close(fd);
        pthread_mutex_unlock(&shard_mu[s]);
        free(b);
    } else if (kind < 48) {   /* read one to three records back */
        char b[4096];
        int fd = open(p, O_RDONLY);
        if (fd >= 0) {
            struct stat st;
            fstat(fd, &st);
            for (int r = 1 + rand_r(seed) % 3; r > 0 && st.st_size > 0; r--)
                pread(fd, b, sizeof b, rand_r(seed) % st.st_size);
            close(fd);
        }
    } else {   /* compact: copy the shard to a new file and rename it over */
        char q[512];
        path(q, sizeof q, s, "tmp");
        pthread_mutex_lock(&shard_mu[s]);
        int in = open(p, O_RDONLY), out = open(q, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        char b[65536];
        ssize_t r;
        off_t from = shard_end[s] > 262144 ? shard_end[s] - 262144 : 0;   /* keeps the last 256 KB */
        if (in >= 0) lseek(in, from, SEEK_SET);
        while (in >= 0 && (r = read(in, b, sizeof b)) > 0) write(out, b, (size_t)r);
        shard_end[s] -= from;
        fsync(out);
        close(out);
        if (in >= 0) close(in);
        rename(q, p);
        pthread_mutex_unlock(&shard_mu[s]);
    }
}

static void *worker(void *arg)
{
    unsigned seed = (unsigned)(size_t)arg * 7919u + 1;
    for (;;) {
        pthread_mutex_lock(&mu);
        while (head == tail && !done) pthread_cond_wait(&cv, &mu);
        if (head == tail && done) { pthread_mutex_unlock(&mu); return NULL; }
        int j = queue[head++];
        pthread_mutex_unlock(&mu);
        job(j, &seed);
    }
}

int main(int argc, char **argv)
{
    dir = argc > 1 ? argv[1] : ".";
    mkdir(dir, 0755);
    for (int s = 0; s < SHARDS; s++) pthread_mutex_init(&shard_mu[s], NULL);
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, worker, (void *)(size_t)i);
    srand(3);
    for (int j = 0; j < JOBS; j++) {
        pthread_mutex_lock(&mu);
        queue[tail++] = j;
        pthread_cond_signal(&cv);
        pthread_mutex_unlock(&mu);
        if (j % 50 == 49) {   /* the producer pauses and looks at the store */
            struct timespec ts = {0, 200000 + rand() % 800000};
            nanosleep(&ts, NULL);
            char p[512];
            struct stat st;
            for (int s = 0; s < SHARDS; s++) { path(p, sizeof p, s, "log"); stat(p, &st); }
            if (j % 200 == 199) {   /* and lists it */
                DIR *d = opendir(dir);
                while (d && readdir(d)) {}
                if (d) closedir(d);
            }
        }
    }
    pthread_mutex_lock(&mu);
    done = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    long total = 0;
    for (int s = 0; s < SHARDS; s++) total += shard_end[s];
    printf("%ld\n", total);
    return 0;
}
EOF
    gcc -O2 -pthread -o "$d/work" "$d/work.c"
    strace -f -ttt -T -o "$2" "$d/work" "$d/w"
}

# a Tcl key-value server on 127.0.0.1 and its clients in one event loop (tclsh 8.6, whose
# notifier thread waits in pselect6 and hands events over by futex): four rounds of 4 clients
# sending SET, GET, APPEND and DEL from a fixed seed, with pauses between bursts; every 40th
# request a SAVE writes the store to a temporary file and renames it over; every 150th a
# REPORT also runs children (exec: sort | head, gzip)
run_tcl_kv() {
    d=$1
    cat > "$d/kv.tcl" <<'EOF'
set dir [lindex $argv 0]
set rounds [lindex $argv 1]
expr {srand(11)}
array set store {}
set served 0
proc serve {chan addr port} {
    fconfigure $chan -buffering line -translation lf -blocking 0
    fileevent $chan readable [list handle $chan]
}
proc snapshot {} {
    global store dir
    set f [open $dir/store.tmp w]
    foreach k [lsort [array names store]] { puts $f "$k $store($k)" }
    close $f
    file rename -force $dir/store.tmp $dir/store.db
}
proc handle {chan} {
    global store dir served
    if {[gets $chan line] < 0} {
        if {[eof $chan]} { close $chan }
        return
    }
    incr served
    lassign $line cmd k v
    switch -- $cmd {
        SET    { set store($k) $v; puts $chan OK }
        APPEND { append store($k) $v; puts $chan [string length $store($k)] }
        GET    { puts $chan [expr {[info exists store($k)] ? $store($k) : "NIL"}] }
        DEL    { unset -nocomplain store($k); puts $chan OK }
        SAVE   { snapshot; puts $chan OK }
        REPORT {
            snapshot
            set top [exec sort -k2 $dir/store.db | head -n 3]
            exec gzip -c $dir/store.db > $dir/store.db.gz
            puts $chan [llength $top]
        }
        QUIT   { puts $chan BYE; close $chan }
        default { puts $chan ERR }
    }
}
proc client {id n port} {
    set s [socket 127.0.0.1 $port]
    fconfigure $s -buffering line -translation lf -blocking 0
    set ::left($id) $n
    fileevent $s readable [list reply $id $s]
    ask $id $s
}
proc ask {id s} {
    set i $::left($id)
    set r [expr {int(rand() * 100)}]
    set k key[expr {int(rand() * 60)}]
    if {$i % 150 == 0} { set req "REPORT" } elseif {$i % 40 == 0} { set req "SAVE" } elseif {$r < 35} {
        set req "SET $k v[expr {int(rand() * 1000)}]" } elseif {$r < 50} { set req "APPEND $k x" } elseif {$r < 90} {
        set req "GET $k" } else { set req "DEL $k" }
    puts $s $req
}
proc reply {id s} {
    if {[gets $s line] < 0} {
        if {[eof $s]} { close $s; incr ::running -1 }
        return
    }
    if {$line eq "BYE"} { close $s; incr ::running -1; return }
    incr ::left($id) -1
    if {$::left($id) <= 0} { puts $s QUIT; return }
    if {$::left($id) % 25 == 0} {
        fileevent $s readable {}
        after [expr {2 + int(rand() * 6)}] [list resume $id $s]
        return
    }
    ask $id $s
}
proc resume {id s} {
    fileevent $s readable [list reply $id $s]
    ask $id $s
}
set srv [socket -server serve -myaddr 127.0.0.1 0]
set port [lindex [fconfigure $srv -sockname] 2]
for {set r 0} {$r < $rounds} {incr r} {
    set ::running 4
    for {set c 0} {$c < 4} {incr c} { client $r.$c [expr {300 + 50 * $c}] $port }
    while {$::running > 0} { vwait ::running }
}
close $srv
puts "served $served"
EOF
    tclsh "$d/kv.tcl" "$d" 4 > /dev/null
}

# ---- driver ----
if [ "${1:-}" = "--run" ]; then
    "run_$(echo "$2" | tr - _)" "$3" "${4:-}"
    exit 0
fi
out=$here
# an OUTDIR not there yet is made: a path (a '/' in it; no workload's name has one), which
# was otherwise taken for an unknown workload
case ${1:-} in */*) [ -d "$1" ] || mkdir -p "$1" ;; esac
if [ $# -gt 0 ] && [ -d "$1" ]; then out=$(cd "$1" && pwd); shift; fi
names=${*:-$ALL}
for t in strace gcc make tar xz zstd sqlite3 $PY curl git gzip pkill; do
    command -v $t > /dev/null || { echo "record.sh: '$t' is not installed" >&2; exit 1; }
done
case " $names " in *" node-async "*)
    command -v node > /dev/null || { echo "record.sh: 'node' is not installed (node-async)" >&2; exit 1; } ;;
esac
case " $names " in *" postgres "*)
    for t in pgbench initdb pg_ctl pg_isready postgres; do
        ls /usr/lib/postgresql/*/bin/$t > /dev/null 2>&1 || command -v $t > /dev/null ||
            { echo "record.sh: '$t' is not installed (postgres: Debian's postgresql)" >&2; exit 1; }
    done ;;
esac
case " $names " in *" text-pipeline "*)
    for t in perl md5sum awk; do
        command -v $t > /dev/null || { echo "record.sh: '$t' is not installed (text-pipeline)" >&2; exit 1; }
    done ;;
esac
case " $names " in *" pkg-query "*)
    for t in dpkg dpkg-query apt-cache awk stat; do
        command -v $t > /dev/null || { echo "record.sh: '$t' is not installed (pkg-query)" >&2; exit 1; }
    done ;;
esac
case " $names " in *" redis "*)
    for t in redis-server redis-benchmark redis-cli; do
        command -v $t > /dev/null || { echo "record.sh: '$t' is not installed (redis: Debian's redis)" >&2; exit 1; }
    done ;;
esac
case " $names " in *" crypto-tools "*)
    for t in openssl ssh-keygen gpg gpgconf sha256sum; do
        command -v $t > /dev/null || { echo "record.sh: '$t' is not installed (crypto-tools)" >&2; exit 1; }
    done ;;
esac
case " $names " in *" perl-report "*)
    for t in perl sort; do
        command -v $t > /dev/null || { echo "record.sh: '$t' is not installed (perl-report)" >&2; exit 1; }
    done
    [ -d /usr/share/perl/5.36.0 ] && [ -d /usr/include/linux ] ||
        { echo "record.sh: perl-report reads /usr/share/perl/5.36.0 and /usr/include/linux (Debian 12's perl and linux-libc-dev)" >&2; exit 1; } ;;
esac
case " $names " in *" nginx-static "*)
    for t in nginx ab; do
        command -v $t > /dev/null || { echo "record.sh: '$t' is not installed (nginx-static: Debian's nginx and apache2-utils)" >&2; exit 1; }
    done ;;
esac
case " $names " in *" rsync-mirror "*)
    for t in rsync diff xargs; do
        command -v $t > /dev/null || { echo "record.sh: '$t' is not installed (rsync-mirror)" >&2; exit 1; }
    done
    [ -d /usr/include/linux/netfilter ] ||
        { echo "record.sh: rsync-mirror copies /usr/include/linux/netfilter (Debian 12's linux-libc-dev)" >&2; exit 1; } ;;
esac
case " $names " in *" tcl-kv "*)
    command -v tclsh > /dev/null || { echo "record.sh: 'tclsh' is not installed (tcl-kv: Debian's tcl)" >&2; exit 1; } ;;
esac
case " $names " in *" java-pool "*)
    for t in java javac; do
        command -v $t > /dev/null || { echo "record.sh: '$t' is not installed (java-pool)" >&2; exit 1; }
    done ;;
esac
self=$here/record.sh
W=""
tmp=""
trap '[ -z "$W" ] || rm -rf "$W"; [ -z "$tmp" ] || rm -f "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for name in $names; do
    case " $ALL " in *" $name "*) ;; *) echo "record.sh: unknown workload '$name' ($ALL)" >&2; exit 2 ;; esac
    W=$(mktemp -d)
    mkdir "$W/work"
    st=0
    case $name in
        http-server | java-pool | postgres | redis | nginx-static | c-threads) sh "$self" --run "$name" "$W/work" "$W/$name.strace" > /dev/null || st=$? ;;
        *) strace -f -ttt -T -o "$W/$name.strace" sh "$self" --run "$name" "$W/work" > /dev/null || st=$? ;;
    esac
    [ $st -eq 0 ] || fail "$name failed (exit $st): $out/$name.strace.gz not written"
    tmp=$out/$name.strace.gz.tmp
    gzip -9n < "$W/$name.strace" > "$tmp"
    mv "$tmp" "$out/$name.strace.gz"
    tmp=""
    echo "$name: $(wc -l < "$W/$name.strace") strace lines -> $out/$name.strace.gz"
    rm -rf "$W"
done
