#!/usr/bin/env python3
"""Trunk post_build hook: pins the page's inline scripts in its Content-Security-Policy.

index.html declares a policy that forbids inline script (`script-src 'self' 'wasm-unsafe-eval'`),
so a link or markup that slipped into the page could never run. Trunk, though, writes its own
small inline loader (and, under `trunk serve`, an auto-reload script). This hook computes the
SHA-256 of each inline script Trunk wrote and adds exactly those hashes to `script-src`: the
loader runs, nothing else inline does. Runs on every `trunk build` and `trunk serve` rebuild.
"""
import base64
import hashlib
import os
import re
import sys

MARKER = "script-src 'self' 'wasm-unsafe-eval'"


def main() -> int:
    staging = os.environ.get("TRUNK_STAGING_DIR")
    if not staging:
        print("csp.py: TRUNK_STAGING_DIR is not set (run me as a Trunk post_build hook)", file=sys.stderr)
        return 2
    page_path = os.path.join(staging, "index.html")
    with open(page_path, encoding="utf-8") as f:
        page = f.read()
    if MARKER not in page:
        print(f"csp.py: {page_path} has no Content-Security-Policy with {MARKER!r}", file=sys.stderr)
        return 2
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", page, flags=re.S)
    hashes = sorted({
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"
        for body in inline
    })
    page = page.replace(MARKER, " ".join([MARKER, *hashes]), 1)
    with open(page_path, "w", encoding="utf-8") as f:
        f.write(page)
    print(f"csp.py: {len(hashes)} inline script(s) pinned in the Content-Security-Policy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
