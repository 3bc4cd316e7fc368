#!/bin/bash
# The busiest PostgreSQL backend of an ingest-profile.sh run under perf (docs/benchmarks.md,
# "PostgreSQL's share of a step"): started next to it with the same OUTDIR, it waits for the step
# phase's warm-up, picks the backend that has used the most CPU (the sequencer's connection), and
# records 12 s of its call stacks (DWARF unwinding: Debian's PostgreSQL has no frame pointers).
# Then: perf script -i OUTDIR/pg.perf -F comm,tid,ip,sym > OUTDIR/pg-stacks.txt
#       python3 bench/profile/pg_stacks.py OUTDIR/pg-stacks.txt ExecInsertIndexTuples ...
# needs perf (Debian's linux-perf), root
OUT=$1; MW=${MWARM:-20}; DB=${DB:-packtrail_profile}
for i in $(seq 1 4800); do grep -q 'durable steps (RecordEvent):' $OUT/run.txt 2>/dev/null && break; sleep 0.25; done
sleep $((MW + 3))
best=; most=0
for p in $(pgrep -f "postgres: .* $DB "); do
  s=$(cat /proc/$p/stat 2>/dev/null) || continue
  s=${s##*) }; set -- $s; t=$((${12} + ${13})); [ $t -gt $most ] && { most=$t; best=$p; }
done
echo $best > $OUT/pg-backend
perf record --call-graph dwarf,16384 -F 499 -p $best -o $OUT/pg.perf -- sleep 12 > $OUT/pg-perf.log 2>&1
