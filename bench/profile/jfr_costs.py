#!/usr/bin/env python3
"""Where a server's CPU and allocation go, from JFR recordings (ingest-profile.sh JFR=1).

usage: jfr_costs.py [N] FILE.jfr...   (several recordings of the same build are added up)

Reads jdk.ExecutionSample (Java stacks on CPU) and jdk.ObjectAllocationSample (allocation,
weighted by the bytes each sample stands for) with `jfr print --stack-depth 96`, and prints their
shares by thread, by cost category (each sample goes to the innermost frame that names one of
CATEGORIES: what a step does), by top frame (self) and inclusively by method of the server,
jdbi, pgjdbc and protobuf.
"""
import collections
import re
import subprocess
import sys

CATEGORIES = [
    ('sequencer: canonical bytes + SHA-256 chain (EventChain.seal)', ['EventChain.seal', 'EventChain.hash']),
    ('sequencer: SQL (IngestStore, pgjdbc, array encoding)', ['IngestStore.']),
    ('sequencer: checks, batch bookkeeping', ['Sequencer.']),
    ('handler: request to submission (parse, validate)', ['Requests.submission', 'RequestParsing$ParsingListener.onMessage', 'RequestParsing$1.parse']),
    ('handler: request digest (Submission.digest)', ['Submission.digest']),
    ('handler: recorder checks (directory, devices, labels, authorization)', ['Recorder.', 'Directory.', 'Devices.', 'Authorization']),
    ('interceptor: caller from certificate (hash, status)', ['CertificateCallerResolver', 'CallerInterceptor', 'IssuedCertificates']),
    ('interceptor: metrics', ['ServerMetrics']),
    ('answer: event to protobuf (ProtoMapper, canonical decode)', ['ProtoMapper.toProto']),
    ('answer: serialise and send', ['EventGrpcService.lambda$recordEvent']),
    ('log: integrator (leaf hashes, tiles, jdbi)', ['Integrator.', 'TileReader']),
    ('log: checkpoint signing', ['Checkpoints.']),
    ('health probe (SELECT 1 each second)', ['DatabaseProbe']),
    ('metrics scrape', ['io.prometheus.metrics.exporter']),
    ('gRPC/Netty transport, HTTP/2, TLS (no Packtrail frame)', ['io.grpc.', 'io.netty', 'grpc.netty']),
]
OURS = ('io.packtrail', 'org.jdbi', 'org.postgresql', 'com.google.protobuf')
UNITS = {'bytes': 1, 'kB': 1 << 10, 'MB': 1 << 20, 'GB': 1 << 30}


def events(files, kind):
    for f in files:
        out = subprocess.run(['jfr', 'print', '--stack-depth', '96', '--events', kind, f],
                             capture_output=True, text=True, check=True).stdout
        for block in out.split('\n' + kind + ' {'):
            m = re.search(r'stackTrace = \[\n(.*?)\n\s*\]', block, re.S)
            if not m:
                continue
            frames = [re.sub(r'\(.*', '', line.strip()) for line in m.group(1).split('\n')
                      if line.strip() and line.strip() != '...']
            w = re.search(r'weight = ([\d.]+) (bytes|kB|MB|GB)', block)
            weight = float(w.group(1)) * UNITS[w.group(2)] if w and kind.endswith('AllocationSample') else 1.0
            t = re.search(r'(?:sampledThread|eventThread) = "([^"]*)"', block)
            yield frames, weight, re.sub(r'[-#]?\d+$', '', t.group(1)) if t else '?'


def category(frames):
    for fr in frames:
        for name, patterns in CATEGORIES:
            if any(p in fr for p in patterns):
                return name
    return 'other'


def report(files, kind, n):
    threads, cats, top, incl = (collections.Counter() for _ in range(4))
    total = 0.0
    for frames, w, thread in events(files, kind):
        total += w
        threads[thread] += w
        cats[category(frames)] += w
        top[frames[0]] += w
        for fr in set(frames):
            if fr.startswith(OURS):
                incl[fr] += w
    unit = 'samples' if kind == 'jdk.ExecutionSample' else 'bytes (sampled weight)'
    print(f'== {kind}: {total:,.0f} {unit}')
    for title, c, k in (('by thread', threads, 12), ('by category', cats, 40),
                        ('top frame (self)', top, n), ('inclusive, server/jdbi/pgjdbc/protobuf', incl, n)):
        print(f'-- {title}')
        for key, v in c.most_common(k):
            print(f'{100 * v / total:6.1f} %  {key}')


if __name__ == '__main__':
    args = sys.argv[1:]
    n = int(args.pop(0)) if args and args[0].isdigit() else 25
    for kind in ('jdk.ExecutionSample', 'jdk.ObjectAllocationSample'):
        report(args, kind, n)
