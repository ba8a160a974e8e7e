# SPDX-License-Identifier: GPL-3.0-or-later
"""P8 of the IMAP benchmark: push latency.  A raw IDLE connection and
`tidings-cli watch` listen at the same time; each delivery over LMTP is
timed from the end of the LMTP transaction (the message is on the server)
to the raw EXISTS and to watch's "new" line carrying the message."""

import os
import queue
import signal
import statistics
import subprocess
import threading
import time
import uuid

from bench_procs import BenchError

EVENT_TIMEOUT = 15.0   # seconds a delivery may take to show: longer is broken
FIRST_TIMEOUT = 120.0  # watch's first event (it may sync first)
WARMUP_STEP = 5.0      # then another warm-up delivery


def message(user, token, i):
    return (f'From: Bench Sender <bench@example.test>\r\n'
            f'To: <{user}>\r\n'
            f'Subject: bench idle {i} {token}\r\n'
            f'Date: {time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())}\r\n'
            f'Message-ID: <{token}@bench.example.test>\r\n'
            f'MIME-Version: 1.0\r\n'
            f'Content-Type: text/plain; charset=utf-8\r\n'
            f'\r\n'
            f'Delivered by bench-imap to time IDLE ({i}).\r\n').encode()


def _reader(stream, q):
    for line in iter(stream.readline, b''):
        q.put((time.monotonic(), line.decode(errors='replace').rstrip('\n')))
    q.put((time.monotonic(), None))


def _wait_line(q, token, deadline, seen):
    """The first queued line carrying token; every line goes to seen."""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        try:
            t, line = q.get(timeout=left)
        except queue.Empty:
            return None
        if line is None:
            raise BenchError('tidings-cli watch exited; its last lines:\n    ' +
                             '\n    '.join(seen[-10:]))
        seen.append(line)
        if token in line:
            if not line.startswith('new '):
                raise BenchError(f'watch printed {line!r} for a new message, not a "new" line')
            return t


class RawIdler(threading.Thread):
    """The floor: a minimal client IDLE on INBOX that, like any client
    showing new mail, leaves IDLE on EXISTS, fetches the new messages'
    UID and ENVELOPE, and IDLEs again; timestamped when the FETCH is done.
    (Dovecot sends EXISTS to a client that stays in IDLE sooner when the
    previous notification is recent: re-entering IDLE makes the rounds
    alike for both clients.)"""

    def __init__(self, bench, user):
        super().__init__(daemon=True)
        self.c = bench.raw(user)
        self.exists = self.c.select('INBOX').get('exists', 0)
        self.q = queue.Queue()
        self.stop = threading.Event()
        self.error = None
        self.c.idle_start()

    def run(self):
        try:
            known = self.exists
            while not self.stop.is_set():
                n = self.c.idle_wait_exists(time.monotonic() + 0.2)
                if n is not None and n > known:
                    self.c.idle_done()
                    self.c.command(f'FETCH {known + 1}:{n} (UID ENVELOPE)')
                    self.q.put((time.monotonic(), n))
                    known = n
                    self.c.idle_start()
        except Exception as e:  # reported by the main thread
            self.error = e
            self.q.put((time.monotonic(), None))

    def wait_exists(self, count, deadline):
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                t, n = self.q.get(timeout=left)
            except queue.Empty:
                return None
            if n is None:
                raise BenchError(f'the raw IDLE connection failed: {self.error}')
            if n >= count:
                return t

    def close(self):
        self.stop.set()
        self.join(5)
        try:
            self.c.idle_done()
        except Exception:
            pass
        self.c.logout()


def idle_rounds(bench, user, watch_cli, rounds):
    raw = RawIdler(bench, user)
    raw.start()
    expected = raw.exists
    proc = None
    q = queue.Queue()
    seen = []
    tokens = []
    lat_raw, lat_tid, lmtp = [], [], []
    res = {}
    err_path = os.path.join(bench.work, 'watch.stderr')
    try:
        if watch_cli:
            with open(err_path, 'wb') as err:
                proc = subprocess.Popen(watch_cli.argv('watch', 'carol'), env=bench.env,
                                        cwd=bench.work, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=err)
            threading.Thread(target=_reader, args=(proc.stdout, q), daemon=True).start()
        if proc:
            # watch may still be starting (connecting, a first sync): a
            # message delivered before it listens may never be "new" to it.
            # Deliver warm-up messages until one is announced.
            t_first = time.monotonic()
            while True:
                token = uuid.uuid4().hex
                bench.deliver(user, message(user[0], token, 0))
                t1 = time.monotonic()
                expected += 1
                if raw.wait_exists(expected, t1 + EVENT_TIMEOUT) is None:
                    raise BenchError('warm-up delivery: no EXISTS on the raw IDLE connection')
                if _wait_line(q, token, t1 + WARMUP_STEP, seen) is not None:
                    res['first_event_s'] = time.monotonic() - t_first
                    tokens.append(token)
                    break
                if time.monotonic() - t_first > FIRST_TIMEOUT:
                    raise BenchError(f'tidings-cli watch announced no new message in '
                                     f'{FIRST_TIMEOUT:.0f} s; it printed:\n    ' +
                                     '\n    '.join(seen[-10:]))
        for i in range(1, rounds + 1):
            token = uuid.uuid4().hex
            t0 = time.monotonic()
            bench.deliver(user, message(user[0], token, i))
            t1 = time.monotonic()
            expected += 1
            tokens.append(token)
            tr = raw.wait_exists(expected, t1 + EVENT_TIMEOUT)
            if tr is None:
                raise BenchError(f'delivery {i}: no EXISTS on the raw IDLE connection in '
                                 f'{EVENT_TIMEOUT:.0f} s')
            if proc:
                tt = _wait_line(q, token, t1 + EVENT_TIMEOUT, seen)
                if tt is None:
                    raise BenchError(f'delivery {i}: no "new" line from tidings-cli watch in '
                                     f'{EVENT_TIMEOUT:.0f} s; it printed:\n    ' +
                                     '\n    '.join(seen[-10:]))
                lat_tid.append(tt - t1)
            lmtp.append(t1 - t0)
            lat_raw.append(tr - t1)
            time.sleep(0.3)   # separate events: no coalescing of two deliveries
    finally:
        if proc:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            with open(os.path.join(bench.work, 'watch.stdout'), 'w') as f:
                f.write('\n'.join(seen) + '\n')
        raw.close()
    res.update(rounds=rounds, lmtp_median_s=statistics.median(lmtp),
               raw_median_s=statistics.median(lat_raw), raw_max_s=max(lat_raw),
               raw_all_s=lat_raw)
    if proc:
        subjects = '\n'.join(watch_cli.subjects('carol/INBOX', 10 * (rounds + 10)))
        missing = [tok for tok in tokens if tok not in subjects]
        if missing:
            raise BenchError(f'P8: {len(missing)} delivered message(s) announced by watch are '
                             f'not in the store (list carol/INBOX)')
        res.update(tidings_median_s=statistics.median(lat_tid), tidings_max_s=max(lat_tid),
                   tidings_all_s=lat_tid, in_store=len(tokens))
    return res
