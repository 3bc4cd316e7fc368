#!/usr/bin/env python3
# pg_stacks.py STACKS FUNCTION...: the share of samples with each function anywhere on the stack
# (inclusive), from `perf script -F comm,tid,ip,sym` of pg_perf.sh's recording.
import sys
samples = [s for s in open(sys.argv[1]).read().split('\n\n') if s.strip()]
stacks = [[l.split(None, 1)[1] if len(l.split(None, 1)) > 1 else '?'
           for l in s.strip().split('\n')[1:]] for s in samples]
print('samples', len(stacks))
for name in sys.argv[2:]:
    n = sum(1 for frames in stacks if any(f == name or f.startswith(name + ' ') for f in frames))
    print(f'{100 * n / len(stacks):6.1f} %  {name}')
