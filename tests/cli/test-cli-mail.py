#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""tidings-cli against the private Dovecot and SMTP server of the test bed.

IMAP: account add/list/remove, sync, show (body on demand), flag/move/copy/
delete reaching the server, actions made while the server is down replayed
after it is back, watch (IDLE push), search --server, clear errors (wrong
password, untrusted certificate with its fingerprint, unreachable host).
POP3: a check downloads into the account's Inbox. SMTP: send from stdin and
from options through the outbox, the Sent copy made.

Run through the bed: testbed.py run -- test-cli-mail.py TIDINGS_CLI
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

CLI = None
ENV = os.environ
CTL = ENV.get("TIDINGS_TESTBED_CTL")
HOST = ENV.get("TIDINGS_TEST_HOST", "127.0.0.1")
PW = {"alice@example.test": "alicepw", "bob@example.test": "bobpw", "carol@example.test": "carolpw"}


def run(*args, data_dir, check=True, stdin=None, timeout=120):
    proc = subprocess.run([CLI, "--data-dir", data_dir, *args], capture_output=True,
                          timeout=timeout, input=stdin)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} failed ({proc.returncode}): {proc.stderr.decode()}")
    return proc


def ctl(*args, stdin=None):
    return subprocess.run([sys.executable if False else "/usr/bin/python3", CTL, *args],
                          capture_output=True, check=True, timeout=60, input=stdin).stdout.decode()


def message(subject, to="alice@example.test", body="Hello there.\n", mid=None):
    mid = mid or f"<{subject.replace(' ', '.')}.{time.monotonic_ns()}@example.test>"
    return (f"From: Bob <bob@example.test>\r\nTo: {to}\r\nSubject: {subject}\r\n"
            f"Message-ID: {mid}\r\nDate: Sun, 22 Nov 2026 08:00:00 +0000\r\n\r\n{body}").encode()


def inject(user, subject, mailbox="INBOX", body="Hello there.\n"):
    ctl("inject", "--user", user, "--mailbox", mailbox, stdin=message(subject, to=user, body=body))


def server(user, mailbox="INBOX"):
    """{subject: flags} of a server mailbox."""
    out = ctl("fetch", "--user", user, "--json", "--mailbox", mailbox, "uid flags hdr.subject")
    rows = json.loads(out)
    return {r["hdr.subject"].strip(): r["flags"] for r in rows}


class MailCliTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tidings-cli-mail-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def add_imap(self, name, user, port=None, pw=None, pin=True, extra=()):
        args = ["account", "add", name, "--email", user, "--protocol", "imap", "--host", HOST,
                "--port", port or ENV["TIDINGS_TEST_IMAPS_PORT"],
                "--password-command", f"printf %s {pw or PW[user]}",
                "--smtp-host", HOST, "--smtp-port", ENV["TIDINGS_TEST_SMTPS_PORT"], *extra]
        if pin:
            args += ["--accept-certificate", ENV["TIDINGS_TEST_CERT_SHA256"]]
        run(*args, data_dir=self.dir)

    def rows(self, folder):
        return {r["subject"]: r for r in json.loads(run("list", folder, "--json", "--limit", "0",
                                                        data_dir=self.dir).stdout)}

    def test_imap_sync_actions_and_offline_replay(self):
        user = "alice@example.test"
        for s in ("one", "two", "three", "four"):
            inject(user, f"cli {s}", body=f"The word zebra{s} is in here.\n")
        self.add_imap("Work", user)
        listed = json.loads(run("account", "list", "--json", data_dir=self.dir).stdout)
        self.assertEqual([a["name"] for a in listed], ["Work"])

        summary = json.loads(run("sync", "Work", "--json", data_dir=self.dir).stdout)
        self.assertGreaterEqual(summary["accounts"][0]["new"], 4)
        rows = self.rows("INBOX")
        self.assertTrue({"cli one", "cli two", "cli three", "cli four"} <= set(rows))

        # Body on demand through show.
        text = run("show", str(rows["cli one"]["id"]), data_dir=self.dir).stdout.decode()
        self.assertIn("zebraone", text)

        # Actions go to the server at once.
        run("flag", str(rows["cli one"]["id"]), "+flagged", data_dir=self.dir)
        run("flag", str(rows["cli one"]["id"]), "+seen", data_dir=self.dir)
        run("move", str(rows["cli two"]["id"]), "Archive", data_dir=self.dir)
        run("copy", str(rows["cli three"]["id"]), "Archive", data_dir=self.dir)
        run("delete", str(rows["cli four"]["id"]), data_dir=self.dir)
        inbox, archive, trash = server(user), server(user, "Archive"), server(user, "Trash")
        self.assertIn("\\Flagged", inbox["cli one"])
        self.assertIn("\\Seen", inbox["cli one"])
        self.assertNotIn("cli two", inbox)
        self.assertIn("cli two", archive)
        self.assertIn("cli three", archive)
        self.assertIn("cli three", inbox)
        self.assertNotIn("cli four", inbox)
        self.assertIn("cli four", trash)

        # Server down: the actions are kept here, then replayed.
        ctl("stop-servers", "mail")
        try:
            p = run("flag", str(rows["cli three"]["id"]), "+flagged", data_dir=self.dir)
            self.assertIn(b"could not be reached", p.stderr)
            run("delete", str(rows["cli one"]["id"]), data_dir=self.dir)
            p = run("sync", "Work", data_dir=self.dir, check=False)
            self.assertEqual(p.returncode, 1)
        finally:
            ctl("start-servers", "mail")
        run("sync", "Work", data_dir=self.dir)
        inbox, trash = server(user), server(user, "Trash")
        self.assertIn("\\Flagged", inbox["cli three"])
        self.assertNotIn("cli one", inbox)
        self.assertIn("cli one", trash)
        self.assertEqual(set(self.rows("INBOX")), set(inbox))

        # Another device's change arrives with the next sync.
        inject(user, "cli five")
        run("sync", "Work", data_dir=self.dir)
        self.assertIn("cli five", self.rows("INBOX"))

        # Server search finds what is only on the server's side of the text.
        found = run("search", "--server", "zebrathree", "--json", data_dir=self.dir).stdout
        self.assertIn("cli three", {r["subject"] for r in json.loads(found)})

        run("account", "remove", "Work", data_dir=self.dir)
        self.assertEqual(json.loads(run("account", "list", "--json", data_dir=self.dir).stdout), [])

    def test_watch_prints_new_mail_from_idle(self):
        user = "bob@example.test"
        self.add_imap("Home", user)
        run("sync", "Home", data_dir=self.dir)
        proc = subprocess.Popen([CLI, "--data-dir", self.dir, "watch", "Home"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            # Wait until it is online (state line on stderr), bounded.
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                line = proc.stderr.readline().decode()
                if line.startswith("online"):
                    break
            time.sleep(0.3)
            start = time.monotonic()
            ctl("lmtp", "--user", user, stdin=message("pushed by lmtp", to=user))
            line = ""
            while time.monotonic() < start + 15:
                line = proc.stdout.readline().decode()
                if line.startswith("new "):
                    break
            self.assertTrue(line.startswith("new INBOX "), line)
            self.assertIn("pushed by lmtp", line)
            print(f"# IDLE push: {time.monotonic() - start:.2f} s from LMTP to the line", file=sys.stderr)

            # A second device (another data dir) flags it: the watcher hears.
            other = tempfile.mkdtemp(dir=self.dir)
            mine, self.dir = self.dir, other
            try:
                self.add_imap("Phone", user)
                run("sync", "Phone", data_dir=other)
                theirs = self.rows("INBOX")["pushed by lmtp"]["id"]
                run("flag", str(theirs), "+flagged", data_dir=other)
            finally:
                self.dir = mine
            start = time.monotonic()
            while time.monotonic() < start + 15:
                line = proc.stdout.readline().decode()
                if line.startswith("changed "):
                    break
            self.assertTrue(line.startswith("changed INBOX "), line)
            self.assertIn("pushed by lmtp", line)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
        self.assertTrue(self.rows("INBOX")["pushed by lmtp"]["flagged"])

    def test_errors_speak_to_people(self):
        user = "carol@example.test"
        self.add_imap("Wrong", user, pw="not-the-password")
        p = run("sync", "Wrong", data_dir=self.dir, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"rejected the password for carol@example.test", p.stderr)

        self.add_imap("Untrusted", user, pin=False)
        p = run("sync", "Untrusted", data_dir=self.dir, check=False)
        self.assertEqual(p.returncode, 1)
        fp = ENV["TIDINGS_TEST_CERT_SHA256"].lower()
        shown = p.stderr.decode().lower().replace(":", "")
        self.assertIn(fp, shown)
        self.assertIn("--accept-certificate", p.stderr.decode())

        self.add_imap("Nowhere", user, port="1")
        p = run("sync", "Nowhere", data_dir=self.dir, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"refused the connection", p.stderr)

        p = run("account", "add", "X", "--email", "x", "--protocol", "imap", "--host", "h",
                data_dir=self.dir, check=False)
        self.assertEqual(p.returncode, 2)

    def test_pop3_check_and_send_through_outbox(self):
        user = "carol@example.test"
        for s in ("p1", "p2"):
            inject(user, f"pop {s}")
        run("account", "add", "Pop", "--email", user, "--protocol", "pop3", "--host", HOST,
            "--port", ENV["TIDINGS_TEST_POP3S_PORT"], "--password-command", f"printf %s {PW[user]}",
            "--accept-certificate", ENV["TIDINGS_TEST_CERT_SHA256"], "--leave-on-server", "delete",
            "--smtp-host", HOST, "--smtp-port", ENV["TIDINGS_TEST_SMTP_PORT"],
            "--smtp-security", "starttls", data_dir=self.dir)
        summary = json.loads(run("sync", "Pop", "--json", data_dir=self.dir).stdout)
        self.assertEqual(summary["accounts"][0]["new"], 2)
        self.assertTrue({"pop p1", "pop p2"} <= set(self.rows("Pop/INBOX")))
        self.assertEqual(server(user), {}, "delete after download")

        # From stdin: Bcc goes to the envelope, not into the message.
        raw = (b"From: Carol <carol@example.test>\r\nTo: alice@example.test\r\n"
               b"Bcc: bob@example.test\r\nSubject: sent from stdin\r\n"
               b"Message-ID: <stdin.1@example.test>\r\n\r\nHi.\r\n")
        p = run("send", "Pop", data_dir=self.dir, stdin=raw)
        self.assertIn(b"sent", p.stdout)
        body_file = os.path.join(self.dir, "body.txt")
        with open(body_file, "w") as f:
            f.write("Grüße aus dem Test.\n")
        run("send", "Pop", "--to", "alice@example.test", "--subject", "sent with options",
            "--body-file", body_file, "--attach", body_file, data_dir=self.dir)
        sent = self.rows("Pop/Sent")
        self.assertTrue({"sent from stdin", "sent with options"} <= set(sent))
        self.assertIn(b"empty", run("outbox", data_dir=self.dir).stdout)
        accepted = json.loads(ctl("smtp-messages", "--json"))
        stdin_msg = [m for m in accepted if b"sent from stdin" in m["message"].encode()]
        self.assertEqual(len(stdin_msg), 1)
        self.assertEqual(sorted(stdin_msg[0]["rcpt_to"]), ["alice@example.test", "bob@example.test"])
        self.assertNotIn("Bcc:", stdin_msg[0]["message"])

        # Server down: the message waits in the outbox, then goes.
        ctl("stop-servers", "smtp")
        try:
            p = run("send", "Pop", "--to", "alice@example.test", "--subject", "waited",
                    "--body-file", body_file, data_dir=self.dir, check=False)
            self.assertIn(b"waits in the outbox", p.stderr)
            listed = json.loads(run("outbox", "--json", data_dir=self.dir).stdout)
            self.assertEqual([i["state"] for i in listed], ["queued"])
        finally:
            ctl("start-servers", "smtp")
        run("outbox", "--retry", data_dir=self.dir)
        self.assertEqual(json.loads(run("outbox", "--json", data_dir=self.dir).stdout), [])
        self.assertIn("waited", self.rows("Pop/Sent"))


if __name__ == "__main__":
    if "TIDINGS_TESTBED_CTL" not in os.environ:
        print("not run through the test bed", file=sys.stderr)
        sys.exit(77)
    CLI = sys.argv.pop(1)
    unittest.main(verbosity=2)
