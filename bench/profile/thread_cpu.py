#!/usr/bin/env python3
# thread_cpu.py OUTDIR (of ingest-profile.sh): the server's CPU by thread over the measured step phase (t0 -> t1
# snapshots of /proc/PID/task/*/stat, in clock ticks of 10 ms), grouped: JIT compiler, GC, the rest; and from the
# metrics at t0 and t1 the process CPU and the bytes allocated (G1 Eden, counted at each GC) per step
import sys, re, collections
d = sys.argv[1]
def load(f):
    r = collections.Counter()
    for l in open(f):
        n, v = l.rsplit(' ', 1); r[n] += int(v)
    return r
a, b = load(d + '/t0'), load(d + '/t1')
def seconds(a, b):  # between two readings of snapshot.py (c-step0 -> c-step1, c-bare0 -> c-bare1)
    at = lambda f: float(next(l.split()[1] for l in open(d + '/' + f) if l.startswith('seconds ')))
    return at(b) - at(a)
secs = seconds('c-step0', 'c-step1')
run = open(d + '/run.txt').read()
rate = float(re.search(r'durable steps \(RecordEvent\)\s+(\d+)', run).group(1))
groups = collections.Counter()
per = collections.Counter()
for n in b:
    ms = (b[n] - a.get(n, 0)) * 10.0
    g = 'jit' if 'Compiler' in n else 'gc' if re.match(r'(GC_|G1_|VM_Thread)', n) else 'app'
    groups[g] += ms; per[n] += ms
steps = rate * secs
print(f'step phase {secs:.0f} s, {rate:.0f} steps/s: server CPU ms/s  app {groups["app"]/secs:.0f}  jit {groups["jit"]/secs:.0f}  gc {groups["gc"]/secs:.0f}')
print(f'per step (us): app {1000*groups["app"]/steps:.0f}  jit {1000*groups["jit"]/steps:.0f}  gc {1000*groups["gc"]/steps:.0f}  all {1000*sum(groups.values())/steps:.0f}')
for n, v in per.most_common(10): print(f'   {1000*v/steps:7.0f} us/step  {n}')

import os
# the same over the bare round trips (tb0 -> tb1), where the script took those snapshots
if os.path.exists(d + '/tb1'):
    ta, tb = load(d + '/tb0'), load(d + '/tb1')
    bsecs = seconds('c-bare0', 'c-bare1')
    calls = float(re.search(r'bare round trip \(Health/Check\)\s+(\d+)', run).group(1)) * bsecs
    bper = collections.Counter({n: (tb[n] - ta.get(n, 0)) * 10.0 for n in tb})
    print(f'bare phase {bsecs:.0f} s: server CPU per round trip {1000*sum(bper.values())/calls:.0f} us')
    for n, v in bper.most_common(5): print(f'   {1000*v/calls:7.0f} us/round trip  {n}')

if os.path.exists(d + '/m1'):
    def metric(f, pat):
        for l in open(f):
            if l.startswith(pat): return float(l.split()[-1])
    eden = metric(d + '/m1', 'jvm_memory_pool_allocated_bytes_total{pool="G1 Eden Space"}') - metric(d + '/m0', 'jvm_memory_pool_allocated_bytes_total{pool="G1 Eden Space"}')
    cpu = metric(d + '/m1', 'process_cpu_seconds_total') - metric(d + '/m0', 'process_cpu_seconds_total')
    print(f'process CPU {1e6*cpu/steps:.0f} us/step; allocated (G1 Eden, counted at each GC) {eden/steps/1024:.1f} kB/step')
    # the sequencer: one batch (one transaction) at a time, so the share of the phase it spent in
    # batches says whether it bounds the rate (near 100 %: every step waits for it)
    def d_metric(name):  # 0 where a server does not export the metric
        before, after = metric(d + '/m0', name), metric(d + '/m1', name)
        return 0 if before is None or after is None else after - before
    batches = d_metric('packtrail_sequencer_commit_seconds_count')
    if batches:
        busy = d_metric('packtrail_sequencer_commit_seconds_sum')
        print(f'sequencer: {batches / secs:.0f} batches/s of {d_metric("packtrail_sequencer_batch_size_sum") / batches:.1f} '
              f'steps, {1000 * busy / batches:.2f} ms each; in batches {100 * busy / secs:.0f} % of the phase')

# PostgreSQL's WAL over the step phase (w0 -> w1, pg_stat_wal and pg_stat_bgwriter, read with m0 and m1)
def wal(f):
    try:
        return [float(x) for x in open(d + '/' + f).read().split()]
    except (OSError, ValueError):
        return None
w0, w1 = wal('w0'), wal('w1')
if w0 and w1 and len(w0) == len(w1) == 3:
    print(f'WAL {(w1[0] - w0[0]) / steps / 1000:.1f} kB/step, {(w1[1] - w0[1]) / steps:.2f} full-page images/step, '
          f'{w1[2] - w0[2]:.0f} checkpoints in the phase')
