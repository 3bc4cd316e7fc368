#!/bin/bash
# Profiles the server under the load generator (docs/benchmarks.md, "Server CPU per durable step"):
# a fresh database and deployment CA (or, with KEEP_DB=1, a database you loaded), the server with
# metrics, a warm-up pass, then the measured
# run (32 clients, mutual TLS, log on unless you pass --checkpoint-interval 0) with
#  - the load generator's own figures (calls/s, latency, server CPU us per call from the metrics),
#  - the server's CPU by thread over the step phase and over the round trips (/proc/PID/task, JIT
#    and GC apart; snapshot.py reads it with the machine's, at times fixed from the phase's start),
#  - allocated bytes per step (jvm_memory_pool_allocated_bytes_total, G1 Eden), RSS, and the
#    sequencer's batches (size, time, the share of the phase spent in them),
#  - the machine's CPU by process (server, PostgreSQL, load generator, the rest) per call in both
#    phases (machine_cpu.py),
#  - PostgreSQL's WAL per step (pg_stat_wal: bytes, full-page images) and its checkpoints over
#    the step phase,
#  - with JFR=1, a Flight Recording of the step phase (jfr_costs.py reads it).
# usage: bench/profile/ingest-profile.sh OUTDIR [serve options...]
# env: REPO (default: this checkout), DB (default packtrail_profile; dropped and made again),
#      KEEP_DB=1 (measure on DB as it is, e.g. the bulk loader's, instead of dropping it; PT_HOME
#      is then required: that database's deployment home, whose CA and operator certificate are
#      made on the first run; never a deployment's database: each run records about 0.7 million
#      steps into its log, for good),
#      WARM (s, default 60), DUR (s, default 30), MWARM (s, default 20: the measured run's own
#      warm-up in each phase, so that the load generator's JVM, a new one, has compiled its side
#      before the measured seconds), JFR=1, SERVER_JVM (e.g. -Xmx256m), LOADGEN_JVM (the load
#      generator's JVM options, e.g. a flight recording of its own), CLIENTS (the measured run's
#      clients, default 32), LOADGEN_ARGS (more options for the measured run, e.g. --bare-paced)
set -u
OUT=${1:?usage: ingest-profile.sh OUTDIR [serve options...]}; shift; mkdir -p "$OUT"
REPO=${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}
DB=${DB:-packtrail_profile}
MW=${MWARM:-20}
HERE=$(cd "$(dirname "$0")" && pwd)
J=$REPO/server/target/packtrail-server.jar
case "${KEEP_DB:-0}" in
  1) H=${PT_HOME:?KEEP_DB=1 needs PT_HOME, the deployment home of database $DB} ;;
  0) # a new database each run: only one of the names this script makes is dropped
     case "$DB" in packtrail_profile*) ;; *) echo "DB=$DB: only packtrail_profile* databases are dropped and made again; KEEP_DB=1 measures on one as it is" >&2; exit 2 ;; esac
     H=$OUT/home
     psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
     rm -rf -- "$H" ;;
  *) echo "KEEP_DB must be 0 or 1, not ${KEEP_DB}" >&2; exit 2 ;;
esac
export PACKTRAIL_DB_URL=jdbc:postgresql://127.0.0.1:5432/$DB PACKTRAIL_DB_USER=postgres PACKTRAIL_HOME=$H
if [ ! -f "$H/bench.pem" ]; then
  java -jar $J pki init > $OUT/pki.txt 2>&1 && java -jar $J pki issue operator --out "$H/bench" >> $OUT/pki.txt 2>&1 || { cat $OUT/pki.txt; exit 1; }
fi
# --rate-limit 0: the load generator calls with one certificate, and the default limit (1,000
# calls/s per certificate) would throttle it
java ${SERVER_JVM:-} -jar $J serve --port 50061 --metrics-port 9471 --rate-limit 0 "$@" > $OUT/server.log 2>&1 &
SPID=$!
for i in $(seq 1 600); do curl -s -o /dev/null http://127.0.0.1:9471/metrics && break; sleep 1; done
B="java ${LOADGEN_JVM:-} -jar $REPO/bench/target/packtrail-bench.jar --target 127.0.0.1:50061 --ca-cert "$H/pki/ca.pem" --cert "$H/bench.pem" --key "$H/bench.key" --metrics http://127.0.0.1:9471/metrics"
# the warm-up pass: long enough for the JIT to compile the step path on a loaded machine
$B --clients 32 --duration ${WARM:-60} --warmup 5 --bare-duration 5 > $OUT/warm.txt 2>&1
# statistics, as a deployment has them once autovacuum has visited: in a database a few seconds
# old none exist yet, and PostgreSQL's plans then depend on when each connection made them
psql -q -h 127.0.0.1 -U postgres -d $DB -c "ANALYZE"
( while kill -0 $SPID 2>/dev/null; do echo "$(date -u +%T) $(grep VmRSS /proc/$SPID/status) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 2; done ) > $OUT/rss.txt &
RPID=$!
if [ "${JFR:-0}" = 1 ]; then
  # JDK's "profile" settings, sampling Java stacks every 5 ms and up to 1,000 allocations/s;
  # jdbi's own per-statement events off (they cost more than what they would show here)
  sed -e '/<event name="jdk.ExecutionSample">/,/<\/event>/ s/10 ms/5 ms/' \
      -e '/<event name="jdk.ObjectAllocationSample">/,/<\/event>/ s|300/s|1000/s|' \
      -e 's|</configuration>|<event name="jdbi.statement"><setting name="enabled">false</setting></event></configuration>|' \
      "$(dirname "$(readlink -f "$(which java)")")/../lib/jfr/profile.jfc" > $OUT/profile.jfc
  # record the durable-step phase only (its 5 s warm-up and the measured seconds), not the set-up
  ( for i in $(seq 1 1200); do grep -q 'durable steps (RecordEvent):' $OUT/run.txt 2>/dev/null && break; sleep 0.5; done
    jcmd $SPID JFR.start name=steps settings=$OUT/profile.jfc duration=$((MW + ${DUR:-30}))s filename=$OUT/steps.jfr > /dev/null ) &
fi
# the machine's CPU by process group: all busy time, the server (and its threads), this database's
# PostgreSQL backends with the shared WAL writer, checkpointer and background writer, and the load
# generator; what is left is everything else on the machine (machine_cpu.py). snapshot.py reads
# them all at one moment, in one process.
pgpids() { for p in $(pgrep -x postgres); do { tr '\0' ' ' < /proc/$p/cmdline; } 2>/dev/null | grep -qE "^postgres: [^ ]+ (postgres $DB |walwriter|checkpointer|background writer)" && echo $p; done; }
# (a Python of the system's if there is one: pyenv's shim took over a second to start here)
PY=/usr/bin/python3; [ -x $PY ] || PY=python3
# the cluster's WAL so far (PostgreSQL 14 and later) and its checkpoints: bytes, full-page images, checkpoints
wal() { psql -h 127.0.0.1 -U postgres -Atc "SELECT w.wal_bytes, w.wal_fpi, b.checkpoints_timed + b.checkpoints_req FROM pg_stat_wal w, pg_stat_bgwriter b" 2>/dev/null | tr '|' ' '; }
reading() { $PY $HERE/snapshot.py $OUT/c-$1 $OUT/$2 $SPID "$(cat $OUT/loadgen.pid 2>/dev/null)" $PGPIDS; }
# sleeps until $1 seconds after the step phase began (T): the readings are scheduled from that one
# moment, so that a slow reading on a loaded machine does not push the next one out of its phase
at() { sleep "$($PY -c "print(max(0, $T + $1 - $(date +%s.%N)))")"; }
# the server's threads and metrics 1 s after the step phase's warm-up and 2 s before its end; the
# same over the bare round trips, which follow at once (MW of warm-up, DUR measured)
( for i in $(seq 1 2400); do grep -q 'durable steps (RecordEvent):' $OUT/run.txt 2>/dev/null && break; sleep 0.25; done
  T=$(date +%s.%N); PGPIDS=$(pgpids); D=${DUR:-30}
  at $((MW + 1)); reading step0 t0; curl -s http://127.0.0.1:9471/metrics > $OUT/m0; wal > $OUT/w0
  at $((MW + D - 2)); reading step1 t1; curl -s http://127.0.0.1:9471/metrics > $OUT/m1; wal > $OUT/w1
  at $((2 * MW + D + 1)); reading bare0 tb0
  at $((2 * MW + 2 * D - 2)); reading bare1 tb1 ) &
TPID=$!
uptime > $OUT/load-before.txt
$B --clients ${CLIENTS:-32} --duration ${DUR:-30} --warmup $MW --bare-duration ${DUR:-30} ${LOADGEN_ARGS:-} > $OUT/run.txt 2>&1 &
echo $! > $OUT/loadgen.pid; wait $(cat $OUT/loadgen.pid)
uptime > $OUT/load-after.txt
wait $TPID
kill $SPID; wait $SPID 2>/dev/null; kill $RPID 2>/dev/null
cat $OUT/load-before.txt $OUT/run.txt $OUT/load-after.txt
echo "largest RSS sample (time, kB, load average): $(sort -k3 -n $OUT/rss.txt | tail -1)"
python3 $HERE/thread_cpu.py $OUT
python3 $HERE/machine_cpu.py $OUT
