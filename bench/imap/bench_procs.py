# SPDX-License-Identifier: GPL-3.0-or-later
"""Processes the IMAP benchmark runs and times: tidings-cli (through the
interface of issue 3: account add, sync --json, watch, folders --json) and
mbsync.  Each run is timed from fork to exit with its own peak RSS
(os.wait4 gives the rusage of exactly that child)."""

import json
import os
import shlex
import subprocess
import time


class BenchError(Exception):
    """Something is broken (not merely slow): the benchmark fails."""


class Missing(Exception):
    """The Tidings side lacks a command or option this benchmark needs."""


class Run:
    def __init__(self, argv, rc, wall, maxrss_kb, stdout, stderr):
        self.argv, self.rc, self.wall = argv, rc, wall
        self.maxrss_kb, self.stdout, self.stderr = maxrss_kb, stdout, stderr

    def tail(self, n=15):
        lines = (self.stderr + self.stdout).decode(errors='replace').splitlines()
        return '\n'.join('    ' + line for line in lines[-n:])


GNU_TIME = '/usr/bin/time'


def run_measured(argv, env, cwd, timeout):
    """Run to completion with stdout/stderr in files (no pipe can stall it);
    wall time, exit status and this child's peak RSS.  The RSS comes from
    GNU time when installed: a child forked from this (big) Python process
    inherits its high-water mark through exec, so wait4's figure would be
    ours, not the command's."""
    out_path = os.path.join(cwd, '.run.out')
    err_path = os.path.join(cwd, '.run.err')
    rss_path = os.path.join(cwd, '.run.rss')
    spawn = argv
    if os.access(GNU_TIME, os.X_OK):
        spawn = [GNU_TIME, '-q', '-f', '%M', '-o', rss_path, *argv]
    with open(out_path, 'wb') as out, open(err_path, 'wb') as err:
        t0 = time.monotonic()
        proc = subprocess.Popen(spawn, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=err)
        deadline = t0 + timeout
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, ru = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        wall = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    with open(out_path, 'rb') as f:
        stdout = f.read()
    with open(err_path, 'rb') as f:
        stderr = f.read()
    if time.monotonic() > deadline:
        raise BenchError(f'{shlex.join(argv)} still ran after {timeout:.0f} s; killed')
    maxrss = ru.ru_maxrss
    if spawn is not argv:
        try:
            with open(rss_path) as f:
                maxrss = int(f.read().split()[-1])
        except (OSError, ValueError, IndexError):
            pass
    return Run(argv, proc.returncode, wall, maxrss, stdout, stderr)


class TidingsCli:
    """tidings-cli with one data dir."""

    def __init__(self, cli, data_dir, env, cwd):
        self.cli, self.data_dir, self.env, self.cwd = cli, data_dir, env, cwd
        os.makedirs(data_dir, exist_ok=True)

    def argv(self, *args):
        return [self.cli, '--data-dir', self.data_dir, *args]

    def run(self, *args, timeout=3600, check=True):
        r = run_measured(self.argv(*args), self.env, self.cwd, timeout)
        if check and r.rc != 0:
            raise BenchError(f'{shlex.join(r.argv)} exited with {r.rc}:\n{r.tail()}')
        return r

    def help_text(self, *args):
        r = subprocess.run(self.argv(*args, '--help'), env=self.env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=60)
        return r.stdout.decode(errors='replace')

    def check_interface(self):
        """Missing if this tidings-cli has no IMAP account/sync/watch yet."""
        text = self.help_text()
        absent = [c for c in ('account', 'sync', 'watch') if not any(
            line.strip().startswith(c + ' ') or line.strip() == c for line in text.splitlines())]
        if absent:
            raise Missing(f'{self.cli} has no command {", ".join(absent)} yet '
                          f'(issue 3 CLI not landed in this build)')

    def account_add(self, name, user, password, host, port, cert_sha256, offline_days=None):
        args = ['account', 'add', name, '--email', user, '--protocol', 'imap',
                '--host', host, '--port', str(port), '--security', 'tls', '--user', user,
                '--password-command', f'printf %s {shlex.quote(password)}',
                '--accept-certificate', cert_sha256]
        how = None
        if offline_days is not None:
            if '--offline-days' in self.help_text('account', 'add'):
                args += ['--offline-days', str(offline_days)]
                how = '--offline-days'
        self.run(*args, timeout=120)
        if offline_days is not None and how is None:
            how = self.set_offline_days_in_store(name, offline_days)
        return how

    def set_offline_days_in_store(self, name, days):
        """No CLI option: write the account setting ("imap": {"offline_days"})
        of tidings-account-settings.h into the store directly."""
        import sqlite3
        path = None
        for root, _dirs, files in os.walk(self.data_dir):
            for f in files:
                if f.endswith('.db') or f.endswith('.sqlite'):
                    path = os.path.join(root, f)
                    break
        if path is None:
            raise Missing(f'no --offline-days option and no SQLite store found in {self.data_dir}')
        db = sqlite3.connect(path, timeout=30)
        try:
            cur = db.execute("UPDATE accounts SET settings = json_set(settings, "
                             "'$.imap.offline_days', ?) WHERE name = ?", (days, name))
            db.commit()
            if cur.rowcount != 1:
                raise Missing(f'account {name!r} not found in {path} to set offline_days')
        finally:
            db.close()
        return 'the store\'s account settings (no --offline-days option)'

    def sync_json(self, name, *extra, timeout=3600):
        r = self.run('sync', name, *extra, '--json', timeout=timeout)
        try:
            doc = json.loads(r.stdout.decode())
            acc = [a for a in doc['accounts'] if a.get('name') == name][0]
        except (ValueError, KeyError, IndexError, TypeError) as e:
            raise BenchError(f'sync --json printed no account {name!r} ({e}):\n'
                             f'{r.stdout.decode(errors="replace")[:2000]}')
        return r, acc

    def folder_total(self, account, path='INBOX'):
        r = self.run('folders', '--json', timeout=120)
        try:
            doc = json.loads(r.stdout.decode())
        except ValueError as e:
            raise BenchError(f'folders --json is not JSON: {e}')
        for acc in doc:
            if acc.get('name') != account:
                continue
            for f in acc.get('folders', []):
                if f.get('path') == path or f.get('role') == 'inbox' and path == 'INBOX':
                    return int(f.get('total', -1))
        raise BenchError(f'folders --json lists no {account}/{path}')

    def subjects(self, folder, limit):
        r = self.run('list', folder, '--json', '--limit', str(limit), timeout=120)
        try:
            return [row.get('subject', '') for row in json.loads(r.stdout.decode())]
        except (ValueError, AttributeError) as e:
            raise BenchError(f'list --json is not a JSON array: {e}')


def mbsync_config(path, maildir, host, port, user, password, cert_file, fsync):
    """A config pulling INBOX into a Maildir.  isync 1.4.4 spells it SSLType
    (TLSType came in 1.5); it checks the host name against the certificate
    unless the certificate itself is in CertificateFile, and the bed's
    certificate names 127.0.0.1 only as an IP SAN, which 1.4 does not read:
    so CertificateFile is the server certificate."""
    with open(path, 'w') as f:
        f.write(f'''FSync {"yes" if fsync else "no"}

IMAPAccount bed
Host {host}
Port {port}
User {user}
PassCmd "printf %s {password}"
SSLType IMAPS
CertificateFile {cert_file}

IMAPStore remote
Account bed

MaildirStore local
Path {maildir}/
Inbox {maildir}/INBOX

Channel inbox
Far :remote:INBOX
Near :local:INBOX
Create Near
Sync Pull
SyncState *
''')


def maildir_count(path):
    n = 0
    for sub in ('cur', 'new'):
        try:
            n += sum(1 for e in os.scandir(os.path.join(path, sub)) if e.is_file())
        except FileNotFoundError:
            pass
    return n
