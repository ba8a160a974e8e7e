#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""tidings-cli end to end: import, list, show, search, export, errors.

Runs the real binary on generated mailboxes in temporary data dirs.
Usage: test-cli.py TIDINGS_CLI GEN_MAILBOX
"""
import json
import mailbox
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

CLI = None
GEN = None


def run(*args, data_dir, check=True, stdin=None):
    proc = subprocess.run([CLI, "--data-dir", data_dir, *args], capture_output=True,
                          timeout=300, stdin=stdin)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} failed ({proc.returncode}): {proc.stderr.decode()}")
    return proc


def gen(*args):
    subprocess.run([sys.executable, GEN, *args], check=True, capture_output=True, timeout=300)


class CliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tidings-cli-test-")
        cls.mbox = os.path.join(cls.tmp, "Archive.mbox")
        cls.maildir = os.path.join(cls.tmp, "Maildir")
        gen("-n", "600", "--seed", "7", "--mbox", cls.mbox)
        gen("-n", "200", "--seed", "8", "--maildir", cls.maildir)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def data_dir(self):
        return tempfile.mkdtemp(dir=self.tmp)

    def folders(self, data_dir):
        out = run("folders", "--json", data_dir=data_dir).stdout
        return {f["path"]: f for a in json.loads(out) for f in a["folders"]}

    def test_import_mbox_is_idempotent(self):
        d = self.data_dir()
        p = run("import", "mbox", self.mbox, data_dir=d)
        self.assertIn(b"Imported 600 messages into Local Folders/Archive", p.stdout)
        self.assertIn(b"100%", p.stderr)
        p = run("import", "mbox", self.mbox, data_dir=d)
        self.assertIn(b"Imported 0 messages", p.stdout)
        self.assertIn(b"600 were already there", p.stdout)
        self.assertEqual(self.folders(d)["Archive"]["total"], 600)

    def test_list_order_paging_and_json(self):
        d = self.data_dir()
        run("import", "mbox", self.mbox, "--folder", "Old Mail", data_dir=d)
        rows = json.loads(run("list", "Old Mail", "--json", "--limit", "0", data_dir=d).stdout)
        self.assertEqual(len(rows), 600)
        dates = [r["date"] for r in rows]
        self.assertEqual(dates, sorted(dates, reverse=True), "newest first")
        page = json.loads(run("list", "Old Mail", "--json", "--limit", "10", "--offset", "5",
                              data_dir=d).stdout)
        self.assertEqual([r["id"] for r in page], [r["id"] for r in rows[5:15]])
        text = run("list", "Old Mail", "-n", "3", data_dir=d).stdout.decode()
        self.assertEqual(len(text.strip().splitlines()), 3)

    def test_show_raw_is_byte_exact(self):
        d = self.data_dir()
        run("import", "mbox", self.mbox, data_dir=d)
        # The stored message is the mbox entry without its From_ line and
        # with mboxrd's ">From " quoting undone, byte for byte.
        originals = {}
        box = mailbox.mbox(self.mbox)
        for key in box.keys():
            raw = re.sub(rb"(?m)^>(>*From )", rb"\1", box.get_bytes(key))
            m = re.search(rb"(?mi)^Message-ID:\s*<([^>]+)>", raw)
            if m:
                originals[m.group(1).decode()] = raw
        rows = json.loads(run("list", "Archive", "--json", "--limit", "60", data_dir=d).stdout)
        compared = 0
        for row in rows:
            shown = json.loads(run("show", str(row["id"]), "--json", data_dir=d).stdout)
            self.assertEqual(shown["subject"], row["subject"])
            text = run("show", str(row["id"]), data_dir=d).stdout.decode()
            self.assertIn("Subject:", text)
            if shown["message_id"] in originals:
                raw = run("show", str(row["id"]), "--raw", data_dir=d).stdout
                self.assertEqual(raw, originals[shown["message_id"]])
                compared += 1
        self.assertGreater(compared, 40)

    def test_search_finds_subjects_and_prefixes(self):
        d = self.data_dir()
        run("import", "mbox", self.mbox, data_dir=d)
        rows = json.loads(run("list", "Archive", "--json", "--limit", "0", data_dir=d).stdout)
        # A word from some subject must find that message; its prefix too.
        word = None
        for r in rows:
            for w in (r["subject"] or "").split():
                if w.isalpha() and len(w) >= 7 and w.isascii():
                    word = w
                    break
            if word:
                break
        self.assertIsNotNone(word)
        hits = json.loads(run("search", word, "--json", "--limit", "1000", data_dir=d).stdout)
        self.assertTrue(any(word.lower() in (h["subject"] or "").lower() for h in hits))
        prefix = json.loads(run("search", word[:4], "--json", "--limit", "1000", data_dir=d).stdout)
        self.assertGreaterEqual(len(prefix), len(hits))
        # Words of the body are found as soon as the import returns.
        found_body_word = False
        for r in rows[:40]:
            shown = json.loads(run("show", str(r["id"]), "--json", data_dir=d).stdout)
            subject_words = set((shown["subject"] or "").lower().split())
            words = [w for w in shown["text"].split()
                     if w.isalpha() and w.isascii() and len(w) >= 6 and w.lower() not in subject_words]
            if not words:
                continue
            ids = [h["id"] for h in json.loads(run("search", words[0], "--json", "--limit", "1000",
                                                   data_dir=d).stdout)]
            self.assertIn(r["id"], ids, f"body word {words[0]!r} of message {r['id']}")
            found_body_word = True
            break
        self.assertTrue(found_body_word)
        # Hostile input is a search, never a syntax error.
        for q in ['"', "AND OR NOT", "NEAR(", "*", "a:b", "'; DROP TABLE messages; --"]:
            run("search", q, data_dir=d)

    def test_export_round_trip(self):
        d = self.data_dir()
        run("import", "mbox", self.mbox, data_dir=d)
        out = os.path.join(d, "out.mbox")
        p = run("export", "mbox", "Archive", out, data_dir=d)
        self.assertIn(b"Exported 600 messages", p.stdout)
        self.assertEqual(len(mailbox.mbox(out)), 600)
        d2 = self.data_dir()
        run("import", "mbox", out, "--folder", "Again", data_dir=d2)
        a = json.loads(run("list", "Archive", "--json", "--limit", "0", data_dir=d).stdout)
        b = json.loads(run("list", "Again", "--json", "--limit", "0", data_dir=d2).stdout)
        self.assertEqual([(r["subject"], r["date"]) for r in a], [(r["subject"], r["date"]) for r in b])
        for ra, rb in list(zip(a, b))[:20]:
            xa = run("show", str(ra["id"]), "--raw", data_dir=d).stdout
            xb = run("show", str(rb["id"]), "--raw", data_dir=d2).stdout
            self.assertEqual(xa, xb, "export then import keeps every byte")

    def test_import_maildir_flags(self):
        d = self.data_dir()
        p = run("import", "maildir", self.maildir, data_dir=d)
        self.assertIn(b"Imported 200 messages into Local Folders/Inbox", p.stdout)
        unseen_files = 0
        for sub in ("cur", "new"):
            for name in os.listdir(os.path.join(self.maildir, sub)):
                info = name.split(":2,")[1] if ":2," in name else ""
                if sub == "new" or "S" not in info:
                    unseen_files += 1
        self.assertEqual(self.folders(d)["Inbox"]["unread"], unseen_files)
        p = run("import", "maildir", self.maildir, data_dir=d)
        self.assertIn(b"200 were already there", p.stdout)

    def test_killed_import_resumes_without_duplicates(self):
        big = os.path.join(self.tmp, "big.mbox")
        gen("-n", "3000", "--seed", "9", "--mbox", big)
        d = self.data_dir()
        proc = subprocess.Popen([CLI, "--data-dir", d, "import", "mbox", big],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Kill it once some batches are committed (bounded wait).
        deadline = time.monotonic() + 60
        killed = False
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            try:
                out = run("folders", "--json", data_dir=d, check=False).stdout
                total = sum(f["total"] for a in json.loads(out or b"[]") for f in a["folders"])
            except (ValueError, AssertionError):
                total = 0
            if total >= 500:
                proc.send_signal(signal.SIGKILL)
                killed = True
                break
        proc.wait(timeout=60)
        p = run("import", "mbox", big, data_dir=d)
        self.assertEqual(self.folders(d)["big"]["total"], 3000, p.stdout)
        if killed:
            self.assertNotIn(b"Imported 3000 messages", p.stdout, "the first run had committed some")

    def test_errors_are_clear(self):
        d = self.data_dir()
        p = run("import", "mbox", "/nonexistent/file", data_dir=d, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"Could not import", p.stderr)
        p = run("import", "maildir", self.mbox, data_dir=d, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"not a Maildir", p.stderr)
        p = run("import", "zip", "x", data_dir=d, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"Usage:", p.stderr)
        p = run("list", "No Such Folder", data_dir=d, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("There is no folder “No Such Folder”".encode(), p.stderr)
        p = run("show", "abc", data_dir=d, check=False)
        self.assertEqual(p.returncode, 2)
        p = run("show", "99999", data_dir=d, check=False)
        self.assertEqual(p.returncode, 1)
        p = run("frobnicate", data_dir=d, check=False)
        self.assertEqual(p.returncode, 2)
        p = subprocess.run([CLI, "--help"], capture_output=True, timeout=30)
        self.assertEqual(p.returncode, 0)
        self.assertIn(b"import", p.stdout)
        # A file that is not mail at all imports nothing and says so.
        junk = os.path.join(d, "junk.mbox")
        with open(junk, "wb") as f:
            f.write(os.urandom(4096))
        p = run("import", "mbox", junk, data_dir=d, check=False)
        self.assertIn(p.returncode, (0, 1))
        self.assertTrue(p.stdout or p.stderr)


if __name__ == "__main__":
    CLI, GEN = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0], "-v"])
