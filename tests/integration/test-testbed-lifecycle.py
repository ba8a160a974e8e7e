#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The test bed leaves nothing behind: after `testbed.py run -- CMD` returns
(CMD passing, failing, or the wrapper getting SIGTERM/SIGINT as meson sends
on a timeout) no server process of that bed is alive, its ports refuse
connections and its temp dir is gone.  Also: exit statuses pass through,
leftovers of CMD are killed, start/stop in the background.

Usage: test-testbed-lifecycle.py PATH/TO/testbed.py
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

TESTBED = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), '..', 'fixtures', 'testbed.py')

# Run by the bed as CMD: records the bed (dir, ports) and every process the
# supervisor (our parent) runs besides us, with start times against pid reuse.
PROBE = r'''
import json, os, sys, time
def stat(pid):
    with open(f'/proc/{pid}/stat') as f:
        s = f.read()
    fields = s[s.rindex(')') + 2:].split()
    return int(fields[1]), fields[0], fields[19]
sup = os.getppid()
procs = {}
for name in os.listdir('/proc'):
    if name.isdigit() and int(name) != os.getpid():
        try:
            ppid, state, start = stat(name)
        except OSError:
            continue
        procs[int(name)] = (ppid, start)
tree, todo = {}, [sup]
while todo:
    parent = todo.pop()
    for pid, (ppid, start) in procs.items():
        if ppid == parent and pid not in tree:
            tree[pid] = start
            todo.append(pid)
ports = [int(v) for k, v in os.environ.items()
         if k.startswith('TIDINGS_TEST_') and k.endswith('_PORT')]
info = {'dir': os.environ['TIDINGS_TESTBED_DIR'], 'ports': ports,
        'procs': tree, 'supervisor': sup}
with open(sys.argv[1] + '.tmp', 'w') as f:
    json.dump(info, f)
os.rename(sys.argv[1] + '.tmp', sys.argv[1])
mode = sys.argv[2]
if mode == 'sleep':
    time.sleep(120)
sys.exit(int(mode))
'''


def alive(pid, start):
    try:
        with open(f'/proc/{pid}/stat') as f:
            s = f.read()
    except OSError:
        return False
    fields = s[s.rindex(')') + 2:].split()
    return fields[19] == start and fields[0] != 'Z'


def processes_mentioning(text):
    """Live processes whose command line names the bed (Dovecot's children
    carry its instance name, which ends with the dir's name)."""
    found = []
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        try:
            with open(f'/proc/{name}/cmdline', 'rb') as f:
                cmdline = f.read().decode(errors='replace')
            with open(f'/proc/{name}/stat') as f:
                state = f.read().rsplit(')', 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if text in cmdline and state != 'Z' and int(name) != os.getpid():
            found.append((int(name), cmdline.replace('\0', ' ')))
    return found


def port_open(port):
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=2):
            return True
    except OSError:
        return False


class Lifecycle(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='tidings-lifecycle-')
        self.info_path = os.path.join(self.tmp, 'info.json')

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def probe_cmd(self, mode):
        return [sys.executable, '-c', PROBE, self.info_path, str(mode)]

    def info(self):
        with open(self.info_path) as f:
            return json.load(f)

    def assert_clean(self, info):
        # The servers (Dovecot's master and children, smtp-sink) were found...
        self.assertGreaterEqual(len(info['procs']), 6, info)
        self.assertEqual(len(info['ports']), 7)
        # ...and none is left, no port answers, the dir is gone.
        left = [pid for pid, start in info['procs'].items() if alive(pid, start)]
        self.assertEqual(left, [], 'processes of the bed survive')
        self.assertEqual(processes_mentioning(os.path.basename(info['dir'])), [])
        self.assertEqual([p for p in info['ports'] if port_open(p)], [])
        self.assertFalse(os.path.exists(info['dir']))

    def run_bed(self, cmd, **kw):
        return subprocess.run([TESTBED, 'run', '--', *cmd], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=60, **kw)

    def test_run_true(self):
        r = self.run_bed(['true'])
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.run_bed(self.probe_cmd(0))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_clean(self.info())

    def test_exit_status_passes_through(self):
        for code in (1, 3, 77):
            r = self.run_bed(self.probe_cmd(code))
            self.assertEqual(r.returncode, code, r.stderr)
            self.assert_clean(self.info())
            os.unlink(self.info_path)
        r = self.run_bed(['sh', '-c', 'kill -USR1 $$'])  # no core file
        self.assertEqual(r.returncode, 128 + signal.SIGUSR1)

    def test_bed_error_is_99(self):
        users = os.path.join(self.tmp, 'users')
        with open(users, 'w') as f:
            f.write('no password here\n')
        r = subprocess.run([TESTBED, 'run', '--users', users, '--', 'true'],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(r.returncode, 99)
        self.assertIn(b'user:password', r.stderr)

    def signal_wrapper(self, sig, whole_group):
        # As meson runs a test: in its own session, signalled as a group.
        p = subprocess.Popen([TESTBED, 'run', '--', *self.probe_cmd('sleep')],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
        deadline = time.monotonic() + 30
        while not os.path.exists(self.info_path):
            self.assertIsNone(p.poll(), 'the bed ended early')
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.02)
        info = self.info()
        self.assertTrue(all(port_open(port) for port in info['ports']))
        t0 = time.monotonic()
        if whole_group:
            os.killpg(p.pid, sig)
        else:
            os.kill(p.pid, sig)
        _, err = p.communicate(timeout=30)
        elapsed = time.monotonic() - t0
        self.assertEqual(p.returncode, 128 + sig, err)
        # meson SIGKILLs the group 0.5 s after its SIGTERM: the servers must
        # be gone well before (the rest, removing the dir, may take longer
        # on a loaded machine).
        m = re.search(rb'servers stopped in ([0-9.]+) s', err)
        self.assertIsNotNone(m, err)
        print(f'signal {sig}: servers stopped in {float(m[1]):.3f} s, '
              f'wrapper exited after {elapsed:.3f} s', file=sys.stderr)
        self.assertLess(float(m[1]), 0.5)
        self.assertLess(elapsed, 5)
        self.assert_clean(info)

    def test_sigterm_to_group(self):
        self.signal_wrapper(signal.SIGTERM, whole_group=True)

    def test_sigterm_to_wrapper_only(self):
        self.signal_wrapper(signal.SIGTERM, whole_group=False)

    def test_sigint(self):
        self.signal_wrapper(signal.SIGINT, whole_group=True)

    def test_leftover_of_command_is_killed(self):
        # A background child that keeps stdout open would hang meson.
        pidfile = os.path.join(self.tmp, 'pid')
        t0 = time.monotonic()
        r = self.run_bed(['sh', '-c', f'sleep 100 & echo $! > {pidfile}'])
        self.assertEqual(r.returncode, 0)
        self.assertLess(time.monotonic() - t0, 20)
        with open(pidfile) as f:
            pid = int(f.read())
        self.assertFalse(alive(pid, self.start_time_or_none(pid)))

    @staticmethod
    def start_time_or_none(pid):
        try:
            with open(f'/proc/{pid}/stat') as f:
                s = f.read()
            return s[s.rindex(')') + 2:].split()[19]
        except OSError:
            return None

    def test_stop_start_servers_keep_ports(self):
        script = ('set -e; C=$TIDINGS_TESTBED_CTL; '
                  'echo "Subject: kept" | $C inject --user alice@example.test >/dev/null; '
                  '$C stop-servers mail; '
                  '! $C status --user alice@example.test 2>/dev/null; '
                  '$C start-servers mail; '
                  '$C stop-servers --kill; $C start-servers; '
                  '$C fetch --user alice@example.test hdr.subject')
        r = self.run_bed(['sh', '-c', script])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.decode().splitlines()[-1], 'kept')

    def test_keep(self):
        env = dict(os.environ, TIDINGS_TESTBED_KEEP='1')
        r = self.run_bed(self.probe_cmd(0), env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        d = self.info()['dir']
        try:
            self.assertTrue(os.path.exists(os.path.join(d, 'log', 'dovecot.log')))
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_start_stop_background(self):
        d = os.path.join(self.tmp, 'bed')
        r = subprocess.run([TESTBED, 'start', '--dir', d], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        env = {}
        for line in r.stdout.decode().splitlines():
            key, _, value = line.removeprefix('export ').partition('=')
            env[key] = value.strip("'")
        ports = [int(v) for k, v in env.items() if k.endswith('_PORT')]
        self.assertEqual(len(ports), 7)
        self.assertTrue(all(port_open(p) for p in ports))
        with open(os.path.join(d, 'testbed.json')) as f:
            supervisor = json.load(f)['supervisor_pid']
        sup_start = self.start_time_or_none(supervisor)
        r = subprocess.run([TESTBED, 'stop', '--dir', d], timeout=60)
        self.assertEqual(r.returncode, 0)
        self.assertFalse(alive(supervisor, sup_start))
        self.assertEqual([p for p in ports if port_open(p)], [])


if __name__ == '__main__':
    unittest.main(verbosity=2)
