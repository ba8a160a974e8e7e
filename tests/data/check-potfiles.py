#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that po/POTFILES lists every file with translatable strings, and
that every file it lists exists.

A file needs listing when it is
  - a C source or header under src/ that marks strings with _(), N_(), C_()
    or NC_();
  - a .ui file with translatable="yes";
  - a .desktop(.in) file, a .metainfo.xml(.in) file, or a .gschema.xml file
    with a gettext-domain (their names, summaries and descriptions are
    translatable).

usage: check-potfiles.py SOURCE_ROOT
"""
import os
import re
import sys

SKIP_DIRS = {".git", "po", "subprojects", "tests", "bench", ".flatpak-builder"}
C_MARK = re.compile(r'(?<![\w])(?:N|C|NC)?_\s*\(\s*"')


def wants_translation(rel, path):
    name = os.path.basename(rel)
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return False
    if rel.startswith("src" + os.sep) and name.endswith((".c", ".h")):
        return C_MARK.search(text) is not None
    if name.endswith(".ui"):
        return 'translatable="yes"' in text
    if name.endswith((".desktop", ".desktop.in")):
        return True
    if name.endswith((".metainfo.xml", ".metainfo.xml.in", ".appdata.xml", ".appdata.xml.in")):
        return True
    if name.endswith(".gschema.xml"):
        return "gettext-domain" in text
    return False


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = os.path.abspath(sys.argv[1])
    potfiles = os.path.join(root, "po", "POTFILES")

    listed = []
    with open(potfiles, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                listed.append(line)

    problems = 0
    for rel in listed:
        if not os.path.isfile(os.path.join(root, rel)):
            print(f"po/POTFILES lists {rel}, which does not exist", file=sys.stderr)
            problems += 1

    # Skip build trees wherever they are (they hold generated copies).
    needed = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames
                             if d not in SKIP_DIRS and not d.startswith(("build", "_build"))
                             and not os.path.exists(os.path.join(dirpath, d, "meson-private")))
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            if wants_translation(rel, path):
                needed.append(rel)

    listed_set = set(listed)
    missing = [rel for rel in needed if rel not in listed_set]
    if missing:
        print("po/POTFILES lacks these files with translatable strings; add:", file=sys.stderr)
        for rel in missing:
            print(rel, file=sys.stderr)
        problems += len(missing)

    if problems == 0:
        print(f"po/POTFILES: OK ({len(listed)} files listed, {len(needed)} need translation)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
