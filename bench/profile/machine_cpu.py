#!/usr/bin/env python3
# machine_cpu.py OUTDIR (of ingest-profile.sh): where the machine's CPU went per call in each phase, from the
# c-step0/c-step1 and c-bare0/c-bare1 snapshots (clock ticks of 10 ms): the server, this database's PostgreSQL
# processes, the load generator, and the rest of the machine; and how busy the machine's cores were
import os, re, sys
d = sys.argv[1]
run = open(d + '/run.txt').read()
rates = {'step': r'durable steps \(RecordEvent\)\s+(\d+)', 'bare': r'bare round trip \(Health/Check\)\s+(\d+)'}
cores = os.cpu_count()
def load(f):
    return {k: float(v) for k, v in (l.split() for l in open(f) if l.strip())}
for phase, pattern in rates.items():
    if not os.path.exists(f'{d}/c-{phase}1'):
        continue
    a, b = load(f'{d}/c-{phase}0'), load(f'{d}/c-{phase}1')
    secs = b['seconds'] - a['seconds']
    calls = float(re.search(pattern, run).group(1)) * secs
    ms = {k: (b[k] - a[k]) * 10.0 for k in ('machine', 'server', 'postgres', 'loadgen')}
    ms['rest'] = ms['machine'] - ms['server'] - ms['postgres'] - ms['loadgen']
    print(f'{phase} phase {secs:.0f} s: cores busy {ms["machine"] / secs / 1000:.2f} of {cores}; CPU us per call: '
          + '  '.join(f'{k} {1000 * ms[k] / calls:.0f}' for k in ('server', 'postgres', 'loadgen', 'rest', 'machine')))
