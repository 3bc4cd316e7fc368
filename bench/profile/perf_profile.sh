#!/bin/bash
# The whole machine under perf during an ingest-profile.sh run (docs/benchmarks.md, "The whole machine under
# perf"): kernel, JVM, TLS library and JIT-compiled Java, for the server, the load generator and PostgreSQL.
# Samples every CPU at 499 Hz with call stacks (`perf record -a -g`) over the step phase and over the bare round
# trips; both JVMs run with frame pointers, and write their perf maps (`jcmd PID Compiler.perfmap`, names of the
# compiled Java methods) once the recording is done. Then perf_costs.py prints the costs of each process.
# usage: bench/profile/perf_profile.sh OUTDIR [serve options...]; the environment as for ingest-profile.sh
# needs: perf (Debian's linux-perf), run as root; frame pointers cost the JVMs a few per cent
set -u
OUT=$1; shift
HERE=$(cd "$(dirname "$0")" && pwd)
MW=${MWARM:-20}; D=${DUR:-30}
export SERVER_JVM="${SERVER_JVM:-} -XX:+PreserveFramePointer" LOADGEN_JVM="${LOADGEN_JVM:-} -XX:+PreserveFramePointer"
rm -rf $OUT; mkdir -p $OUT
$HERE/ingest-profile.sh $OUT "$@" > $OUT/profile.out 2>&1 &
P=$!
phase() { for i in $(seq 1 4800); do grep -q "$1" $OUT/run.txt 2>/dev/null && return; sleep 0.25; done; }
# each phase: its warm-up, then perf over the middle of its measured seconds
phase 'durable steps (RecordEvent):'; sleep $((MW + 3))
perf record -a -g -F 499 -e cpu-clock -o $OUT/steps.perf -- sleep $((D - 8)) > $OUT/perf-steps.log 2>&1
phase 'bare round trip (Health/Check):'; sleep $((MW + 3))
perf record -a -g -F 499 -e cpu-clock -o $OUT/bare.perf -- sleep $((D - 8)) > $OUT/perf-bare.log 2>&1
SPID=$(pgrep -f 'packtrail-server.jar serve --port 50061'); LPID=$(cat $OUT/loadgen.pid)
jcmd $SPID Compiler.perfmap > /dev/null; jcmd $LPID Compiler.perfmap > /dev/null
echo "server $SPID loadgen $LPID" > $OUT/pids
wait $P
cat $OUT/profile.out
for ph in steps bare; do
  perf script -i $OUT/$ph.perf -F comm,pid,tid,ip,sym,dso > $OUT/$ph.txt 2> /dev/null
  echo "== $ph: server"; python3 $HERE/perf_costs.py $OUT/$ph.txt $SPID --top 15
  echo "== $ph: load generator"; python3 $HERE/perf_costs.py $OUT/$ph.txt $LPID --top 10
done
