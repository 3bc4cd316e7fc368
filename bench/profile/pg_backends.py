#!/usr/bin/env python3
# pg_backends.py OUTDIR: the postgres processes' CPU over the step phase (pg_backends.sh), busiest
# first, in µs per step (steps/s from the load generator's run.txt), over the time between the
# two readings' starts as pg_backends.sh wrote them (pg-0.time, pg-1.time; a run made before
# those files existed: about DUR - 3 s, 27 s with DUR=30, or the seconds given as a second
# argument), with the last statement of each backend that pg_stat_activity showed.
import re, sys
out = sys.argv[1]
def started(name):
    try:
        return float(open(f'{out}/{name}.time').read())
    except OSError:
        return None
t0, t1 = started('pg-0'), started('pg-1')
window = float(sys.argv[2]) if len(sys.argv) > 2 else (t1 - t0 if t0 and t1 else 27.0)
def ticks(name):
    d = {}
    for line in open(f'{out}/{name}'):
        a = line.split(None, 2)
        d[a[0]] = (int(a[1]), a[2].strip() if len(a) > 2 else '')
    return d
before, after = ticks('pg-0'), ticks('pg-1')
activity = {}
try:
    for line in open(f'{out}/pg-activity'):
        a = line.rstrip('\n').split('|', 2)
        if len(a) == 3:
            activity[a[0]] = f'{a[1]}: {a[2]}'
except OSError:
    pass
steps = int(re.search(r'durable steps \(RecordEvent\)\s+(\d+)', open(f'{out}/run.txt').read()).group(1))
rows = sorted(((after[p][0] - before.get(p, (0,))[0], p) for p in after), reverse=True)
total = sum(t for t, _ in rows)
print(f'{steps} steps/s; PostgreSQL {total * 1e4 / (steps * window):.0f} µs/step over {window:.0f} s')
for t, p in rows:
    if t > 0:
        print(f'{t * 1e4 / (steps * window):7.1f} µs/step {100 * t / total:5.1f} %  {p} {activity.get(p, after[p][1])[:90]}')
