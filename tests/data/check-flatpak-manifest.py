#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifest offline: it parses, names the app, runtime and
permissions Tidings needs, and pins every downloaded source by sha256.

usage: check-flatpak-manifest.py MANIFEST APP_ID
"""
import json
import os
import re
import sys

REQUIRED_FINISH_ARGS = {
    "--share=network",
    "--share=ipc",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
    "--talk-name=org.freedesktop.secrets",
    "--talk-name=org.freedesktop.Notifications",
}
SHA256 = re.compile(r"^[0-9a-f]{64}$")

errors = []


def error(msg):
    errors.append(msg)


def check_source(module, index, source, manifest_dir):
    where = f"module {module!r} source {index}"
    kind = source.get("type")
    if kind in ("archive", "file"):
        if "url" not in source and "path" not in source:
            error(f"{where}: {kind} source without url or path")
        url = source.get("url", "")
        if url and not url.startswith("https://"):
            error(f"{where}: url is not https: {url}")
        if not SHA256.match(source.get("sha256", "")):
            error(f"{where}: {kind} source needs a sha256 (64 lowercase hex digits)")
    elif kind == "git":
        if "commit" not in source and "tag" not in source:
            error(f"{where}: git source pinned by neither commit nor tag")
    elif kind == "dir":
        path = os.path.normpath(os.path.join(manifest_dir, source.get("path", "")))
        if not os.path.isdir(path):
            error(f"{where}: dir {path} does not exist")
        return path
    elif kind in ("patch", "shell", "script"):
        pass
    else:
        error(f"{where}: unknown source type {kind!r}")
    return None


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    manifest_path, app_id = sys.argv[1], sys.argv[2]
    manifest_dir = os.path.dirname(os.path.abspath(manifest_path))

    try:
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{manifest_path}: {e}", file=sys.stderr)
        return 1

    if manifest.get("id", manifest.get("app-id")) != app_id:
        error(f"id is not {app_id}")
    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        error("runtime/sdk must be org.gnome.Platform/org.gnome.Sdk")
    version = str(manifest.get("runtime-version", ""))
    if not re.match(r"^\d+$", version) or int(version) < 47:
        error(f"runtime-version {version!r} is not a GNOME release >= 47")
    if manifest.get("command") != "tidings":
        error("command is not tidings")
    missing = REQUIRED_FINISH_ARGS - set(manifest.get("finish-args", []))
    for arg in sorted(missing):
        error(f"finish-args lacks {arg}")

    modules = manifest.get("modules", [])
    if not modules:
        error("no modules")
    names = []
    for module in modules:
        if isinstance(module, str):
            error(f"module file {module!r}: keep modules inline so they are checked here")
            continue
        name = module.get("name")
        names.append(name)
        sources = module.get("sources", [])
        if not sources:
            error(f"module {name!r} has no sources")
        for i, source in enumerate(sources):
            path = check_source(name, i, source, manifest_dir)
            if name == "tidings" and path is not None:
                try:
                    with open(os.path.join(path, "meson.build"), encoding="utf-8") as f:
                        if "project('tidings'" not in f.read():
                            error(f"tidings dir source {path} is not the Tidings source tree")
                except OSError as e:
                    error(f"tidings dir source: {e}")

    if not names or names[-1] != "tidings":
        error("the last module must be tidings itself")
    else:
        if modules[-1].get("buildsystem") != "meson":
            error("tidings must build with meson")
    gmime = [m for m in modules if isinstance(m, dict) and m.get("name") == "gmime"]
    if not gmime:
        error("no gmime module (GMime 3 is not in the GNOME runtime)")
    elif not any("gmime-3.2." in s.get("url", "") for s in gmime[0].get("sources", [])):
        error("gmime module is not a GMime 3.2.x release tarball")

    for e in errors:
        print(f"{manifest_path}: {e}", file=sys.stderr)
    if not errors:
        print(f"{manifest_path}: OK ({len(modules)} modules: {', '.join(map(str, names))})")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
