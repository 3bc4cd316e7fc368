#!/bin/bash
# PostgreSQL's CPU by process over the step phase of an ingest-profile.sh run (docs/benchmarks.md,
# "PostgreSQL's share of a step"): started next to it with the same OUTDIR, it waits for the step
# phase, reads every postgres process's CPU ticks (/proc/PID/stat, 10 ms) 1 s after the phase's
# warm-up and 2 s before its end, with pg_stat_activity's view of each backend at the end.
# usage: bench/profile/pg_backends.sh OUTDIR & bench/profile/ingest-profile.sh OUTDIR ...
#        then: python3 bench/profile/pg_backends.py OUTDIR
# env: DB (default packtrail_profile), MWARM, DUR: as for ingest-profile.sh
OUT=$1; DB=${DB:-packtrail_profile}; MW=${MWARM:-20}; D=${DUR:-30}
for i in $(seq 1 4800); do grep -q 'durable steps (RecordEvent):' $OUT/run.txt 2>/dev/null && break; sleep 0.25; done
reading() {
  # the time the reading starts, so that the window is measured, not assumed
  date +%s.%N > $OUT/pg-$1.time
  for p in $(pgrep -x postgres); do
    s=$(cat /proc/$p/stat 2>/dev/null) || continue
    s=${s##*) }; set -- $s; echo "$p $((${12} + ${13})) $(tr '\0' ' ' < /proc/$p/cmdline | cut -c1-60)"
  done > $OUT/pg-$1
}
sleep $((MW + 1)); reading 0; sleep $((D - 3)); reading 1
psql -h 127.0.0.1 -U postgres -d $DB -AtF'|' -c "SELECT pid, backend_type, left(regexp_replace(query, '\s+', ' ', 'g'), 80) FROM pg_stat_activity" > $OUT/pg-activity
