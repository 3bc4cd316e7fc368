#!/usr/bin/env python3
# snapshot.py MACHINE_OUT THREADS_OUT SERVER_PID LOADGEN_PID [POSTGRES_PID ...]
# One reading of the machine's CPU (clock ticks of 10 ms) for ingest-profile.sh, taken by one process at one moment
# (a shell loop forking a reader per thread took 4-8 s on the loaded 2-core machine and slid out of its phase):
#  MACHINE_OUT: seconds (wall clock), machine (all busy time, /proc/stat), server, postgres, loadgen (user + system)
#  THREADS_OUT: one line per server thread, its name (spaces as _) and its ticks (machine_cpu.py, thread_cpu.py)
import os, sys, time

def fields(path):
    """The fields of a /proc stat line after the command name, which may hold spaces and parentheses."""
    with open(path) as f:
        line = f.read()
    return line[line.rindex(')') + 2:].split(), line[line.index('(') + 1:line.rindex(')')]

def ticks(pid):
    try:
        f, _ = fields(f'/proc/{pid}/stat')
        return int(f[11]) + int(f[12])  # utime, stime (fields 14 and 15 of the line)
    except (OSError, ValueError):
        return 0  # gone

machine_out, threads_out, server, loadgen, postgres = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
now = time.time()
with open('/proc/stat') as f:
    cpu = [int(x) for x in f.readline().split()[1:]]
busy = cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6] + cpu[7]  # user nice system irq softirq steal
threads = []
for tid in os.listdir(f'/proc/{server}/task'):
    try:
        f, name = fields(f'/proc/{server}/task/{tid}/stat')
        threads.append(f'{name.replace(" ", "_")} {int(f[11]) + int(f[12])}')
    except (OSError, ValueError):
        pass
with open(machine_out, 'w') as out:
    out.write(f'seconds {now}\nmachine {busy}\nserver {ticks(server)}\n'
              f'postgres {sum(ticks(p) for p in postgres)}\nloadgen {ticks(loadgen) if loadgen else 0}\n')
with open(threads_out, 'w') as out:
    out.write('\n'.join(threads) + '\n')
