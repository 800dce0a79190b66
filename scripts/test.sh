#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to every test: installs what is
# needed, builds, runs the unit tests, the root integration tests (they skip,
# saying why, where root or /dev/fuse is missing), the VM tests and the
# package test (scripts/package-test.sh: the .deb in a clean bookworm root);
# then the unit and integration tests once more, built with
# AddressSanitizer, LeakSanitizer and UBSan (daemon included) in build-asan/
# (without the [shares] cases: they measure the kernel's split over seconds,
# which the sanitizers do not change, and the daemon's code they run is run
# by the other cases too).
# Idempotent. Prints "N passed, N failed, N skipped" last.
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache (install-deps.sh) hits for a clone in another directory too: paths
# under here count as relative, and debug info does not tie a hit to one.
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=true

bash scripts/install-deps.sh
bash scripts/build.sh

status=0
meson test -C build --print-errorlogs "$@" || status=$?

if [ ! -f build-asan/build.ninja ]; then
  meson setup build-asan -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false
fi
meson configure build-asan -Dbench=false  # also for a build-asan from before the option
meson compile -C build-asan
# A sanitizer report in the daemon makes it exit non-zero, which fails the
# test that stopped it; UBSan reports halt instead of scrolling by.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  meson test -C build-asan --print-errorlogs --test-args '~[shares]' unit integration || status=$?

python3 - build/meson-logs/testlog.json build-asan/meson-logs/testlog.json <<'PY'
# Counts Catch2 test cases (a skipped binary counts once as skipped). A
# binary that failed with every case passed (a daemon under test crashed,
# or a sanitizer reported at its exit) counts one failure more.
import json, re, sys
passed = failed = skipped = 0
failures = []

def failed_cases(out):
    """Catch2's failed test cases (the name between its dashed rules) and
    the FAIL lines of the shell tests."""
    names, header, lines = [], None, out.splitlines()
    for i, line in enumerate(lines):
        # A name between two rules; a long one wraps over several lines.
        if line.startswith("-----"):
            for j in range(i + 2, min(i + 6, len(lines))):
                if lines[j].startswith("-----"):
                    header = " ".join(l.strip() for l in lines[i + 1:j])
                    break
        if (": FAILED:" in line and header) or line.startswith("FAIL"):
            name = header if ": FAILED:" in line else line.strip()
            if name not in names:
                names.append(name)
    return names

for line in (l for f in sys.argv[1:] for l in open(f)):
    r = json.loads(line)
    res, out = r.get("result", ""), r.get("stdout", "")
    ok = res in ("OK", "EXPECTEDFAIL")
    if res == "SKIP":
        skipped += 1
        continue
    m = re.search(r"All tests passed \(\d+ assertions? in (\d+) test cases?\)", out)
    # The last summary line: the VM test prints each guest run's, then the sum.
    f = re.findall(r"test cases:\s*(\d+)\s*\|\s*(\d+) passed\s*\|\s*(\d+) failed", out)
    if f:
        passed += int(f[-1][1])
        failed += int(f[-1][2])
        failed += 1 if not ok and int(f[-1][2]) == 0 else 0
    elif m:
        passed += int(m.group(1))
        failed += 0 if ok else 1
    elif ok:
        passed += 1
    else:
        failed += 1
    if not ok:
        failures.append((r.get("name", "?"), failed_cases(out)))
# What failed, by name, just above the count: a log's tail shows both.
for name, cases in failures:
    print(f"failed: {name}" + "".join(f"\n  {c}" for c in cases[:20]))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
