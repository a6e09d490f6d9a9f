#!/usr/bin/env python3
"""Trunk post_build hook: pins the page's inline scripts in its Content-Security-Policy.

index.html declares a policy that forbids inline script (`script-src 'self' 'wasm-unsafe-eval'`),
so a link or markup that slipped into the page could never run. Trunk, though, writes its own
small inline loader (and, under `trunk serve`, an auto-reload script). This hook computes the
SHA-256 of each inline script Trunk wrote and adds exactly those hashes to `script-src`: the
loader runs, nothing else inline does. Runs on every `trunk build` and `trunk serve` rebuild.

A hash, not a nonce: the built page is static, so a nonce would be one public value for every
visitor and protect nothing. One catch under `trunk serve`: its reload script holds two
placeholders, `'{{__TRUNK_ADDRESS__}}'` and `{{__TRUNK_WS_BASE__}}`, that the server fills in per
request (the address from the request's Host header), after this hook ran, which would change
the script and break its hash. So this hook fills them in first, with what needs no request:
`window.location.host` (Trunk's own fallback when a request has no Host) and the public URL's
path (Trunk's WebSocket base unless `ws_base` is set, which Trunk.toml does not). The server then
finds nothing to replace, and the page it sends is the page hashed here.
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
    base = os.environ.get("TRUNK_PUBLIC_URL") or "/"
    if not base.startswith("/"):
        base = "/"
    if not base.endswith("/"):
        base += "/"
    page = (page.replace("'{{__TRUNK_ADDRESS__}}'", "window.location.host")
                .replace("`{{__TRUNK_ADDRESS__}}`", "window.location.host")
                .replace("{{__TRUNK_WS_BASE__}}", base))
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
