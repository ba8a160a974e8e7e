#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs `gtk4-builder-tool validate` on one .ui file, with libadwaita's types
registered by a preloaded shim (the tool itself knows only GTK's).
Skips (77) without a display: the tool needs one to build widgets.

usage: validate-ui.py GTK4_BUILDER_TOOL SHIM.so FILE.ui
"""
import os
import subprocess
import sys


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    tool, shim, ui = sys.argv[1:]
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        print("no display: skipping", file=sys.stderr)
        return 77

    env = dict(os.environ)
    # Sanitizer options of the build do not apply to this system binary.
    env.pop("LD_PRELOAD", None)
    env["LD_PRELOAD"] = os.path.abspath(shim)
    env["G_DEBUG"] = "fatal-criticals"
    proc = subprocess.run([tool, "validate", ui], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=60)
    out = proc.stdout.strip()
    if out:
        print(out)
    # A warning is a finding too (e.g. a deprecated or unknown property),
    # except the session bus being absent when run outside dbus-run-session.
    findings = [line for line in out.splitlines()
                if ("WARNING" in line or "CRITICAL" in line)
                and "session bus" not in line]
    if proc.returncode != 0 or findings:
        print(f"{ui}: INVALID (exit {proc.returncode})", file=sys.stderr)
        return 1
    print(f"{ui}: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
