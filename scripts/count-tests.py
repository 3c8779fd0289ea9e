#!/usr/bin/env python3
"""Sums the results of meson test logs into one line: `N passed, N failed`.

A TAP test counts each `ok` / `not ok` line (skips apart); any other test counts
once by its result. A TAP test that crashed after some `ok` lines still counts
as one failure, so a crash can never hide behind earlier passes."""
import json, re, sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except FileNotFoundError:
        continue
    for line in lines:
        if not line.strip():
            continue
        t = json.loads(line)
        result = t.get("result", "")
        out = t.get("stdout") or ""
        oks = nots = skips = 0
        for l in out.splitlines():
            if re.match(r"^ok\b", l):
                if "# SKIP" in l.upper():
                    skips += 1
                else:
                    oks += 1
            elif re.match(r"^not ok\b", l):
                if "# TODO" in l.upper():
                    skips += 1
                else:
                    nots += 1
        if oks + nots + skips:
            passed += oks
            failed += nots
            skipped += skips
            if result not in ("OK", "SKIP", "EXPECTEDFAIL") and nots == 0:
                failed += 1
        elif result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
extra = sys.stdin.read() if not sys.stdin.isatty() else ""
for m in re.finditer(r"^EXTRA (\d+) (\d+) (\d+)$", extra, re.M):
    passed += int(m.group(1)); failed += int(m.group(2)); skipped += int(m.group(3))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
