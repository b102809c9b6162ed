# The malformed scenario corpus: each file is refused with exit 104 and one line naming
# file:line (tests/e2e/malformed does the work).
. tests/e2e/lib.sh
tests/e2e/malformed "$LOGJAM"
assert_nothing_left
