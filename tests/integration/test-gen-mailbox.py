#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""gen-mailbox.py against real readers: N messages written into a test bed
user's INBOX must be N messages for Dovecot (doveadm mailbox status), N
messages as mbox for Python's mailbox module, the same seed must give the
same bytes, and the mailbox must hold what it promises (threads, charsets,
attachments, malformed messages).

Usage: test-gen-mailbox.py PATH/TO/testbed.py PATH/TO/gen-mailbox.py
"""

import email
import email.policy
import hashlib
import mailbox
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

TESTBED, GEN = sys.argv.pop(1), sys.argv.pop(1)
N = 500


def gen(*args):
    r = subprocess.run([GEN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    if r.returncode != 0:
        raise AssertionError(f'gen-mailbox.py {args} failed: {r.stderr.decode()}')
    return r.stdout.decode()


class GenMailbox(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='tidings-gen-mailbox-')

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_into_bed_inbox(self):
        # The bed user's INBOX and a new folder: Dovecot counts every message.
        script = (f'set -e; {GEN} -n {N} --bed-user bob@example.test; '
                  f'{GEN} -n 50 --seed 7 --bed-user bob@example.test --bed-mailbox Lists/Devel; '
                  '$TIDINGS_TESTBED_CTL status --user bob@example.test messages; '
                  '$TIDINGS_TESTBED_CTL status --user bob@example.test --mailbox Lists/Devel messages; '
                  '$TIDINGS_TESTBED_CTL fetch --user bob@example.test uid flags '
                  '--search "uid 1:3"')
        r = subprocess.run([TESTBED, 'run', '--', 'sh', '-c', script],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        lines = r.stdout.decode().splitlines()
        print('\n'.join(lines))
        self.assertIn(f'messages={N}', lines)
        self.assertIn('messages=50', lines)
        self.assertIn(f'Dovecot indexed bob@example.test INBOX: {N} messages', r.stdout.decode())
        # UIDs in write order, flags from the file names.
        self.assertEqual(lines[-4], 'uid\tflags')
        self.assertEqual([ln.split('\t')[0] for ln in lines[-3:]], ['1', '2', '3'])

    def test_mbox_reparses(self):
        path = os.path.join(self.tmp, 'mbox')
        out = gen('-n', str(N), '--mbox', path)
        self.assertIn(f'{N} messages', out)
        box = mailbox.mbox(path, create=False)
        self.assertEqual(len(box), N)
        box.close()
        # mboxrd: no body line may start with a bare "From ".
        with open(path, 'rb') as f:
            starts = sum(1 for line in f if line.startswith(b'From '))
        self.assertEqual(starts, N)

    def test_deterministic(self):
        a, b, c = (os.path.join(self.tmp, x) for x in 'abc')
        gen('-n', '300', '--seed', '5', '--mbox', a)
        gen('-n', '300', '--seed', '5', '--mbox', b)
        gen('-n', '300', '--seed', '6', '--mbox', c)

        def digest(p):
            with open(p, 'rb') as f:
                return hashlib.sha256(f.read()).hexdigest()
        self.assertEqual(digest(a), digest(b))
        self.assertNotEqual(digest(a), digest(c))

    def test_content(self):
        md = os.path.join(self.tmp, 'md')
        gen('-n', '2000', '--maildir', md)
        names = sorted(os.listdir(os.path.join(md, 'cur')))
        self.assertEqual(len(names), 2000)
        types, charsets, encodings = set(), set(), set()
        replies = flowed = rfc2231 = encoded_subject = lists = cc = 0
        malformed = {}
        ids = set()
        for name in names:
            with open(os.path.join(md, 'cur', name), 'rb') as f:
                raw = f.read()
            self.assertIn(f',S={len(raw)}:2,', name)
            msg = email.message_from_bytes(raw, policy=email.policy.compat32)
            ids.add(msg['Message-ID'])
            replies += bool(msg['In-Reply-To'] or msg['References'])
            lists += bool(msg['List-Id'])
            cc += bool(msg['Cc'])
            encoded_subject += '=?' in str(msg['Subject'] or '')
            rfc2231 += b"filename*=UTF-8''" in raw or b'filename*0*=' in raw
            head = raw.split(b'\n\n', 1)[0]
            for kind, found in (
                    ('no close boundary', any(type(d).__name__ == 'CloseBoundaryNotFoundDefect'
                                              for p in msg.walk() for d in p.defects)),
                    ('unknown charset', b'charset="x-unknown-' in raw),
                    ('8-bit header', not head.isascii()),
                    ('broken encoded word', b'=?bogus?' in head),
                    ('bad base64', b'!!not*base64%%' in raw),
                    ('line over 998', any(len(ln) > 998 for ln in raw.split(b'\n'))),
                    ('no MIME-Version', b'MIME-Version:' not in head)):
                if found:
                    malformed[kind] = malformed.get(kind, 0) + 1
            for part in msg.walk():
                types.add(part.get_content_type())
                if part.get_param('charset'):
                    charsets.add(part.get_param('charset').lower())
                encodings.add(str(part.get('Content-Transfer-Encoding', '')).lower())
                flowed += part.get_param('format') == 'flowed'
        self.assertEqual(len(ids), 2000)
        self.assertGreater(replies, 500)
        self.assertGreater(lists, 100)
        self.assertGreater(cc, 300)
        self.assertGreater(flowed, 50)
        self.assertGreater(rfc2231, 10)
        self.assertGreater(encoded_subject, 20)
        print('malformed:', malformed, file=sys.stderr)
        self.assertGreaterEqual(len(malformed), 6)
        self.assertGreater(sum(malformed.values()), 10)
        for t in ('text/plain', 'text/html', 'multipart/alternative', 'multipart/mixed',
                  'multipart/related', 'message/rfc822', 'application/pdf', 'image/png'):
            self.assertIn(t, types)
        for cs in ('utf-8', 'iso-8859-1', 'iso-8859-15', 'windows-1252', 'koi8-r',
                   'shift_jis', 'iso-2022-jp'):
            self.assertIn(cs, charsets)
        for cte in ('7bit', '8bit', 'quoted-printable', 'base64'):
            self.assertIn(cte, encodings)


if __name__ == '__main__':
    unittest.main(verbosity=2)
