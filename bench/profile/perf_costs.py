#!/usr/bin/env python3
# perf_costs.py SCRIPT.txt PID [--top N] [--thread PREFIX] [--incl REGEX ...]
# Reads `perf script -F comm,pid,tid,ip,sym,dso` of a whole-machine `perf record -a -g` (perf_profile.sh)
# and prints, for one process: its share of the machine's samples, its threads (grouped by name), the share of
# kernel, JIT-compiled Java, the JVM and libraries, the system calls its kernel samples were in, and the hottest
# leaf symbols (self time). With --thread only that thread group's samples count; --incl adds the share of samples
# whose stack holds a frame matching each regex (inclusive time). Java frames are named from the JVM's perf map
# (jcmd PID Compiler.perfmap), kernel frames by perf; frame pointers (-XX:+PreserveFramePointer) give whole stacks.
import sys, re, collections

args = sys.argv[1:]
path, pid = args[0], args[1]
top, thread, incl = 30, None, []
i = 2
while i < len(args):
    if args[i] == '--top': top = int(args[i + 1]); i += 2
    elif args[i] == '--thread': thread = args[i + 1]; i += 2
    elif args[i] == '--incl':
        i += 1
        while i < len(args) and not args[i].startswith('--'): incl.append(args[i]); i += 1
    else: sys.exit('unknown argument ' + args[i])

def frame(line):
    """(symbol, dso) of one stack line: '    addr symbol+off (dso)'."""
    parts = line.strip().split(' ', 1)
    rest = (parts[1] if len(parts) > 1 else parts[0]).replace(' (deleted)', '')
    m = re.match(r'(.*?)\s*\(([^()]*)\)$', rest)
    sym, dso = (m.group(1), m.group(2)) if m else (rest, '?')
    return re.sub(r'\+0x[0-9a-f]+$', '', sym), dso

total = mine = 0
threads, kinds, calls, leaves, inclusive = (collections.Counter() for _ in range(5))
for block in open(path).read().split('\n\n'):
    lines = block.strip('\n').split('\n')
    if not lines or not lines[0].strip():
        continue
    total += 1
    m = re.search(r'\s(\d+)/(\d+)\s*$', lines[0]) or re.search(r'\s(\d+)/(\d+)\s', lines[0])
    if not m or m.group(1) != pid:
        continue
    group = re.sub(r'[-#_ ]?\d+$', '', lines[0][:m.start()].strip())
    if thread and not group.startswith(thread):
        continue
    mine += 1
    threads[group] += 1
    frames = [frame(l) for l in lines[1:]]
    if not frames:
        continue
    sym, dso = frames[0]
    kind = ('kernel' if 'kernel' in dso else 'Java (JIT)' if '/tmp/perf-' in dso
            else 'JVM (libjvm)' if 'libjvm' in dso else 'TLS (netty-tcnative)' if 'tcnative' in dso
            else 'libc' if 'libc.so' in dso else 'other')
    kinds[kind] += 1
    if kind == 'kernel':
        # the system call the sample was in, or how the kernel was entered without one
        call = next((s for s, _ in frames if s.startswith(('__x64_sys_', '__do_sys_'))), None)
        if call is None:
            call = next((s for s, _ in frames if s.startswith('asm_')), 'other (scheduler, no call on the stack)')
        calls[re.sub(r'^__(x64|do)_sys_', '', call)] += 1
    leaves[sym[:140]] += 1
    stack = '\n'.join(s for s, _ in frames)
    for r in incl:
        if re.search(r, stack):
            inclusive[r] += 1

def pct(n, of): return f'{100.0 * n / max(of, 1):5.1f} %'
print(f'process {pid}{" thread " + thread if thread else ""}: {mine} samples, {pct(mine, total)} of the machine ({total})')
print('threads:');         [print(' ', pct(v, mine), k) for k, v in threads.most_common(12)]
print('where:');           [print(' ', pct(v, mine), k) for k, v in kinds.most_common()]
print('kernel, by call:'); [print(' ', pct(v, mine), k) for k, v in calls.most_common(10)]
print('leaf symbols:');    [print(' ', pct(v, mine), k) for k, v in leaves.most_common(top)]
if incl:
    print('inclusive:');   [print(' ', pct(inclusive[r], mine), r) for r in incl]
