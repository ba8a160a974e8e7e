#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""IMAP benchmarks of issue 3, each against a reference measured in the
same run, on the private test bed (Dovecot over implicit TLS on 127.0.0.1):

  P1  initial header sync of an INBOX of --count messages:
      `tidings-cli sync NAME --folder INBOX` vs the raw floor (one UID FETCH
      of the same items over the same TLS, bytes discarded); peak RSS.
  P2  `tidings-cli sync NAME --folder INBOX --bodies` of --bodies-count
      messages vs mbsync (isync) pulling the same INBOX into a Maildir.
  P3  no-change resync of the P1 folder (QRESYNC): time and bytes on the
      wire vs a raw login + SELECT (QRESYNC ...).
  P8  IDLE latency: LMTP delivery -> the "new" line of `tidings-cli watch`,
      vs a raw IDLE client seeing EXISTS and fetching the new message's
      ENVELOPE for the same delivery; the new rows must be in the store.

  bench-imap.py [--cli PATH] [--count N] [--bodies-count N] [--idle-rounds N]
                [--only P1,P2,P3,P8] [--work-dir DIR] [--keep] [--json-out FILE]

Without a bed in the environment (TIDINGS_TESTBED_DIR) it runs itself under
tests/fixtures/testbed.py, which always stops the servers.  It prints figures
and ends with one line of ratios; it fails (exit 1) only when something is
broken (counts differ, a command fails, an event never comes), never for
being slow; exit 77 (skipped) when tidings-cli lacks the IMAP commands, after
measuring the references.
"""

import sys
sys.dont_write_bytecode = True

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import smtplib  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bench_procs import (BenchError, Missing, TidingsCli, maildir_count,  # noqa: E402
                         mbsync_config, run_measured)
from imap_floor import RawImap  # noqa: E402

HEADER_ITEMS = ('UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE '
                'BODY.PEEK[HEADER.FIELDS (REFERENCES IN-REPLY-TO)]')
OFFLINE_DAYS = 36500  # every generated message (2015 on) is in the window
MB = 1e6


def log(msg=''):
    print(msg, flush=True)


def fmt_s(t):
    return f'{t * 1000:.0f} ms' if t < 1 else f'{t:.2f} s'


class Bench:
    def __init__(self, args):
        self.args = args
        e = os.environ
        self.host = e['TIDINGS_TEST_HOST']
        self.port = int(e['TIDINGS_TEST_IMAPS_PORT'])
        self.lmtp_port = int(e['TIDINGS_TEST_LMTP_PORT'])
        self.ca = e['TIDINGS_TEST_CA_FILE']
        self.cert_file = os.path.join(e['TIDINGS_TESTBED_DIR'], 'tls', 'cert.pem')
        self.sha = e['TIDINGS_TEST_CERT_SHA256']
        self.users = [tuple(u.split(':', 1)) for u in e['TIDINGS_TEST_USERS'].split()]
        self.work = args.work_dir or tempfile.mkdtemp(prefix='tidings-bench-imap-')
        os.makedirs(self.work, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ('TIDINGS_DEBUG', 'G_DEBUG', 'MALLOC_CHECK_', 'MALLOC_PERTURB_',
                                 'G_SLICE', 'G_MESSAGES_DEBUG')}
        for xdg in ('XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME'):
            self.env[xdg] = os.path.join(self.work, 'xdg', xdg.lower())
            os.makedirs(self.env[xdg], exist_ok=True)
        self.results = {}
        self.ratios = []
        self.missing = None   # why the Tidings side could not run

    # ------------------------------------------------------------- helpers

    def user(self, i):
        return self.users[i % len(self.users)]

    def cli(self, name):
        return TidingsCli(self.args.cli, os.path.join(self.work, f'tidings-{name}'),
                          self.env, self.work)

    def tidings_ready(self):
        if self.missing:
            return False
        try:
            self.cli('probe').check_interface()
            return True
        except Missing as e:
            self.missing = str(e)
            log(f'  Tidings side skipped: {e}')
            return False
        except (OSError, subprocess.SubprocessError) as e:
            self.missing = f'cannot run {self.args.cli}: {e}'
            log(f'  Tidings side skipped: {self.missing}')
            return False

    def fill(self, user, count, seed):
        gen = os.path.join(self.args.fixtures, 'gen-mailbox.py')
        t0 = time.monotonic()
        r = subprocess.run(['/usr/bin/python3', gen, '-n', str(count), '--seed', str(seed),
                            '--bed-user', user], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=dict(os.environ))
        if r.returncode != 0:
            raise BenchError(f'gen-mailbox.py failed:\n{r.stdout.decode(errors="replace")}')
        log(f'  mailbox {user}: {count} messages written and indexed in '
            f'{time.monotonic() - t0:.1f} s')

    def raw(self, user):
        c = RawImap(self.host, self.port, self.ca)
        c.login(*user)
        return c

    def raw_fetch(self, user, items, expect, compress=False):
        """Connect, log in, SELECT, one UID FETCH 1:*, LOGOUT: wall time,
        FETCH responses, bytes received."""
        t0 = time.monotonic()
        c = self.raw(user)
        if compress:
            c.compress()
        info = c.select('INBOX')
        n, _lit = c.uid_fetch('1:*', items)
        c.logout()
        wall = time.monotonic() - t0
        if n != expect or info.get('exists') != expect:
            raise BenchError(f'raw FETCH of {user[0]} INBOX: {n} FETCH responses, '
                             f'{info.get("exists")} EXISTS, expected {expect}')
        return wall, c.bytes_in, c.bytes_out

    def ratio(self, key, value, goal=None, unit='x'):
        self.ratios.append((key, value, goal, unit))

    # ------------------------------------------------------------------ P1

    def p1(self):
        n = self.args.count
        user = self.user(0)
        log(f'P1  initial header sync of an INBOX of {n} messages')
        self.fill(user[0], n, 1)
        # Dovecot parses every message for ENVELOPE/BODYSTRUCTURE once and
        # fills its cache over the first passes: warm it so that no client
        # pays for it.
        # Passes until one is not much faster than the one before (the
        # cache file is purged and rewritten as it grows), at most five.
        passes = [self.raw_fetch(user, HEADER_ITEMS, n)[0]]
        while len(passes) < 5:
            passes.append(self.raw_fetch(user, HEADER_ITEMS, n)[0])
            if passes[-1] > 0.85 * passes[-2]:
                break
        cold = passes[0]
        log(f'  raw FETCH passes warming Dovecot\'s cache (not counted): '
            f'{", ".join(fmt_s(p) for p in passes)}')
        # Two floors: with COMPRESS=DEFLATE, as Tidings' IMAP client asks
        # for it when offered (the ratio's reference), and without.
        floors = {True: [], False: []}

        def floor_runs():
            for comp in (True, False):
                floors[comp].append(self.raw_fetch(user, HEADER_ITEMS, n, comp))
        floor_runs()
        res = {'count': n, 'cold_fetch_s': cold}
        tid = None
        # Floors and Tidings interleaved, each the best of its runs: the
        # server and the machine drift (load, Dovecot's cache file).
        runs = []
        for i in range(self.args.p1_runs if self.tidings_ready() else 0):
            # The first data dir stays for P3.  A header sync: no bodies for
            # offline reading (none of the generated messages is recent).
            t = self.cli('alice' if i == 0 else f'alice-{i + 1}')
            t.account_add('alice', user[0], user[1], self.host, self.port, self.sha,
                          offline_days=0)
            r, acc = t.sync_json('alice', '--folder', 'INBOX')
            total = t.folder_total('alice')
            if total != n:
                raise BenchError(f'P1: the store has {total} messages in INBOX, the server {n}')
            if int(acc.get('new', n)) != n:
                raise BenchError(f'P1: sync --json says new={acc.get("new")}, expected {n}')
            runs.append((r, acc))
            floor_runs()
        if runs:
            tid, acc = min(runs, key=lambda x: x[0].wall)
            res.update(tidings_s=tid.wall, tidings_elapsed_ms=acc.get('elapsed_ms'),
                       tidings_runs_s=[x[0].wall for x in runs],
                       tidings_rss_mb=max(x[0].maxrss_kb for x in runs) / 1024,
                       tidings_bytes_received=acc.get('bytes_received'),
                       tidings_bytes_sent=acc.get('bytes_sent'))
        for comp in (True, False):
            best = min(floors[comp], key=lambda f: f[0])
            key = 'floor' if comp else 'floor_plain'
            res.update({key + '_s': best[0], key + '_runs_s': [f[0] for f in floors[comp]],
                        key + '_bytes_received': best[1], key + '_bytes_sent': best[2]})
            log(f'  raw floor{" with COMPRESS=DEFLATE" if comp else ", no COMPRESS"} (login, '
                f'SELECT, one UID FETCH 1:*, {best[1] / MB:.1f} MB received): {fmt_s(best[0])}  '
                f'(runs: {", ".join(fmt_s(f[0]) for f in floors[comp])})')
        if tid:
            rx = res['tidings_bytes_received']
            log(f'  tidings-cli sync --folder INBOX: {fmt_s(tid.wall)} '
                f'(runs: {", ".join(fmt_s(x) for x in res["tidings_runs_s"])}; '
                f'its elapsed_ms {res["tidings_elapsed_ms"]}, '
                f'{(rx or 0) / MB:.1f} MB received), peak RSS {res["tidings_rss_mb"]:.1f} MB '
                f'(goal <= 64 MB)')
            res['ratio'] = tid.wall / res['floor_s']
            res['ratio_plain'] = tid.wall / res['floor_plain_s']
            log(f'  P1 ratio {res["ratio"]:.2f}x (goal <= 1.3x); {res["ratio_plain"]:.2f}x of '
                f'the floor without COMPRESS')
            self.ratio('P1', res['ratio'], 1.3)
            self.ratio('P1-vs-plain', res['ratio_plain'])
            self.ratio('P1-RSS', res['tidings_rss_mb'], 64, ' MB')
        self.results['P1'] = res
        self.p1_done = True

    # ------------------------------------------------------------------ P3

    def p3(self):
        n = self.args.count
        user = self.user(0)
        log(f'P3  no-change resync of the P1 INBOX ({n} messages), QRESYNC')
        if not getattr(self, 'p1_done', False):
            raise BenchError('P3 needs P1 (the synced folder): run --only P1,P3')
        c = self.raw(user)
        c.enable('QRESYNC')
        info = c.select('INBOX')
        c.logout()
        uv, ms = info['uidvalidity'], info['highestmodseq']
        floors = []
        for _ in range(self.args.resync_runs):
            t0 = time.monotonic()
            c = self.raw(user)
            c.compress()
            c.enable('QRESYNC')
            c.select('INBOX', f'QRESYNC ({uv} {ms})')
            c.logout()
            floors.append((time.monotonic() - t0, c.bytes_in + c.bytes_out))
        fl = statistics.median(f[0] for f in floors)
        fb = statistics.median(f[1] for f in floors)
        res = {'floor_s': fl, 'floor_bytes': fb}
        log(f'  raw floor (TLS, LOGIN, COMPRESS, ENABLE QRESYNC, SELECT (QRESYNC ...), LOGOUT): '
            f'{fmt_s(fl)}, {fb:.0f} bytes (TLS payload, greeting and login included)')
        if self.tidings_ready() and 'tidings_s' in self.results.get('P1', {}):
            t = self.cli('alice')
            runs = []
            for _ in range(self.args.resync_runs):
                r, acc = t.sync_json('alice', '--folder', 'INBOX')
                changes = [int(acc.get(k, 0)) for k in ('new', 'changed', 'vanished')]
                if any(changes):
                    raise BenchError(f'P3: a no-change resync reported new/changed/vanished '
                                     f'{changes}')
                runs.append((r.wall, acc.get('elapsed_ms'),
                             int(acc.get('bytes_received', 0)) + int(acc.get('bytes_sent', 0))))
            wall = statistics.median(x[0] for x in runs)
            el = [x[1] for x in runs if x[1] is not None]
            el = statistics.median(el) if el else None
            nbytes = statistics.median(x[2] for x in runs)
            res.update(tidings_s=wall, tidings_elapsed_ms=el, tidings_bytes=nbytes,
                       runs=runs, ratio=wall / fl)
            log(f'  tidings-cli sync --folder INBOX (median of {len(runs)}): {fmt_s(wall)} '
                f'process, elapsed_ms {el} (goal <= 100 ms), {nbytes:.0f} bytes on the wire '
                f'(goal: a few hundred)')
            log(f'  P3 ratio {res["ratio"]:.2f}x of the raw floor')
            self.ratio('P3', res['ratio'])
            if el is not None:
                self.ratio('P3-elapsed', el, 100, ' ms')
            self.ratio('P3-process', wall * 1000, None, ' ms')
            self.ratio('P3-bytes', nbytes, None, ' B')
        self.results['P3'] = res

    # ------------------------------------------------------------------ P2

    def p2(self):
        n = self.args.bodies_count
        user = self.user(1)
        log(f'P2  sync with bodies of an INBOX of {n} messages')
        self.fill(user[0], n, 2)
        # Warm the page cache and Dovecot's cache for both clients alike.
        self.raw_fetch(user, 'UID FLAGS RFC822.SIZE BODY.PEEK[]', n)
        self.raw_fetch(user, HEADER_ITEMS, n)
        raw_wall, raw_rx, _ = self.raw_fetch(user, 'UID FLAGS BODY.PEEK[]', n)
        log(f'  raw floor (one UID FETCH 1:* BODY.PEEK[], {raw_rx / MB:.1f} MB): {fmt_s(raw_wall)}')
        res = {'count': n, 'floor_s': raw_wall, 'floor_bytes_received': raw_rx}
        for fsync in (True, False):
            d = os.path.join(self.work, f'mbsync-{"fsync" if fsync else "nofsync"}')
            os.makedirs(os.path.join(d, 'mail'), exist_ok=True)
            conf = os.path.join(d, 'mbsyncrc')
            mbsync_config(conf, os.path.join(d, 'mail'), self.host, self.port, user[0],
                          user[1], self.cert_file, fsync)
            r = run_measured(['mbsync', '-c', conf, 'inbox'], self.env, d, 3600)
            got = maildir_count(os.path.join(d, 'mail', 'INBOX'))
            if r.rc != 0 or got != n:
                raise BenchError(f'mbsync (FSync {fsync}) exited {r.rc} with {got} of {n} '
                                 f'messages:\n{r.tail()}')
            key = 'mbsync' if fsync else 'mbsync_nofsync'
            res[key + '_s'] = r.wall
            res[key + '_rss_mb'] = r.maxrss_kb / 1024
            log(f'  mbsync, {"default FSync yes" if fsync else "FSync no"}: {fmt_s(r.wall)}, '
                f'peak RSS {r.maxrss_kb / 1024:.1f} MB')
            shutil.rmtree(os.path.join(d, 'mail'), ignore_errors=True)
        if self.tidings_ready():
            t = self.cli('bob')
            how = t.account_add('bob', user[0], user[1], self.host, self.port, self.sha,
                                offline_days=OFFLINE_DAYS)
            log(f'  offline days {OFFLINE_DAYS} (all messages) set through {how}')
            r, acc = t.sync_json('bob', '--folder', 'INBOX', '--bodies')
            total = t.folder_total('bob')
            bodies = int(acc.get('bodies', -1))
            if total != n or bodies != n:
                raise BenchError(f'P2: the store has {total} messages and sync fetched {bodies} '
                                 f'bodies; the server has {n}')
            res.update(tidings_s=r.wall, tidings_rss_mb=r.maxrss_kb / 1024,
                       tidings_elapsed_ms=acc.get('elapsed_ms'),
                       tidings_bytes_received=acc.get('bytes_received'),
                       ratio=r.wall / res['mbsync_s'],
                       ratio_nofsync=r.wall / res['mbsync_nofsync_s'])
            log(f'  tidings-cli sync --folder INBOX --bodies: {fmt_s(r.wall)}, peak RSS '
                f'{res["tidings_rss_mb"]:.1f} MB, {(acc.get("bytes_received") or 0) / MB:.1f} '
                f'MB received')
            log(f'  P2 ratio {res["ratio"]:.2f}x of mbsync (goal <= 1.0x); '
                f'{res["ratio_nofsync"]:.2f}x of mbsync with FSync no')
            self.ratio('P2', res['ratio'], 1.0)
            self.ratio('P2-vs-nofsync', res['ratio_nofsync'])
        self.results['P2'] = res

    # ------------------------------------------------------------------ P8

    def p8(self):
        from bench_idle import idle_rounds
        user = self.user(2)
        log(f'P8  IDLE latency, LMTP delivery -> event ({self.args.idle_rounds} deliveries)')
        watch = None
        if self.tidings_ready():
            t = self.cli('carol')
            t.account_add('carol', user[0], user[1], self.host, self.port, self.sha)
            t.run('sync', 'carol', timeout=300)
            watch = t
        res = idle_rounds(self, user, watch, self.args.idle_rounds)
        self.results['P8'] = res
        log(f'  raw IDLE client, delivery -> EXISTS and a FETCH of the new message done: '
            f'median {fmt_s(res["raw_median_s"])}, max {fmt_s(res["raw_max_s"])}')
        if watch:
            log(f'  tidings-cli watch, delivery -> "new" line: median '
                f'{fmt_s(res["tidings_median_s"])}, max {fmt_s(res["tidings_max_s"])} '
                f'(goal <= 1 s); all {res["in_store"]} messages in the store; the first '
                f'event (warm-up, not counted) {fmt_s(res["first_event_s"])} after watch started')
            res['ratio'] = res['tidings_median_s'] / res['raw_median_s']
            log(f'  P8 ratio {res["ratio"]:.2f}x of the raw IDLE client')
            self.ratio('P8', res['ratio'])
            self.ratio('P8-median', res['tidings_median_s'] * 1000, 1000, ' ms')
            self.ratio('P8-max', res['tidings_max_s'] * 1000, 1000, ' ms')

    def deliver(self, user, raw):
        with smtplib.LMTP(self.host, self.lmtp_port, timeout=30) as lmtp:
            lmtp.sendmail('bench@example.test', [user[0]], raw)


def bed_running():
    """Whether the environment names a bed whose IMAPS port answers."""
    import socket
    e = os.environ
    d = e.get('TIDINGS_TESTBED_DIR')
    if not d or not os.path.exists(os.path.join(d, 'testbed.json')):
        return False
    try:
        socket.create_connection((e['TIDINGS_TEST_HOST'], int(e['TIDINGS_TEST_IMAPS_PORT'])),
                                 timeout=5).close()
        return True
    except (KeyError, ValueError, OSError):
        return False


def ratio_line(bench):
    parts = []
    for key, value, goal, unit in bench.ratios:
        v = f'{value:.2f}x' if unit == 'x' else f'{value:.0f}{unit.strip()}'
        g = '' if goal is None else (f'(<={goal}x)' if unit == 'x' else
                                     f'(<={goal}{unit.strip()})')
        parts.append(f'{key}={v}{g}')
    if bench.missing:
        parts.append('tidings=n/a (' + bench.missing + ')')
    return 'imap ratios: ' + ' '.join(parts)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--cli', default=os.environ.get('TIDINGS_CLI', 'tidings-cli'))
    ap.add_argument('--fixtures', default=os.path.join(HERE, '..', '..', 'tests', 'fixtures'))
    ap.add_argument('--count', type=int, default=100000, help='P1/P3 INBOX size')
    ap.add_argument('--bodies-count', type=int, default=10000, help='P2 INBOX size')
    ap.add_argument('--idle-rounds', type=int, default=10)
    ap.add_argument('--resync-runs', type=int, default=5)
    ap.add_argument('--p1-runs', type=int, default=2, help='initial syncs (fresh data dirs)')
    ap.add_argument('--only', default='P1,P3,P2,P8')
    ap.add_argument('--work-dir')
    ap.add_argument('--keep', action='store_true', help='keep the work dir')
    ap.add_argument('--json-out', metavar='FILE')
    args = ap.parse_args(argv)
    args.fixtures = os.path.abspath(args.fixtures)
    if shutil.which(args.cli):
        args.cli = os.path.abspath(shutil.which(args.cli))

    if not bed_running():
        # No bed (or a stale environment): run under one of our own.
        for k in [k for k in os.environ if k.startswith(('TIDINGS_TEST_', 'TIDINGS_TESTBED_'))]:
            del os.environ[k]
        bed = os.path.join(args.fixtures, 'testbed.py')
        os.execv(bed, [bed, 'run', '--', '/usr/bin/python3', os.path.abspath(__file__), *argv])

    bench = Bench(args)
    only = [p.strip().upper() for p in args.only.split(',') if p.strip()]
    log(f'bench-imap: Dovecot on {bench.host}:{bench.port} (implicit TLS), '
        f'tidings-cli {args.cli}, work dir {bench.work}')
    log('  load average at start: %.2f %.2f %.2f (figures are noisy when the machine is busy)'
        % os.getloadavg())
    rc = 0
    try:
        for p in ('P1', 'P3', 'P2', 'P8'):
            if p in only:
                t0 = time.monotonic()
                getattr(bench, p.lower())()
                log(f'  ({p} took {time.monotonic() - t0:.0f} s)')
    except BenchError as e:
        log(f'BROKEN: {e}')
        rc = 1
    except Exception:  # a bug or a server problem: broken, with its trace
        import traceback
        log('BROKEN: ' + traceback.format_exc())
        rc = 1
    finally:
        if args.json_out:
            with open(args.json_out, 'w') as f:
                json.dump({'results': bench.results, 'missing': bench.missing}, f, indent=1)
        if not args.keep and not args.work_dir:
            shutil.rmtree(bench.work, ignore_errors=True)
        elif args.keep:
            log(f'kept {bench.work}')
    log('load average at end: %.2f %.2f %.2f' % os.getloadavg())
    log(ratio_line(bench))
    if rc == 0 and bench.missing:
        return 77
    return rc


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
