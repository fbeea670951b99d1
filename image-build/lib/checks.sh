# Check tallies of the image and installer tests (sourced): TAP-like "ok"/"not ok" lines and the closing
# "N passed, N failed" line.
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
# check <what> <command...>: the command's exit status decides
check() { local what="$1"; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
# summary: prints the closing line and returns non-zero when a check failed
summary() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }
