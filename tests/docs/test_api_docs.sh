#!/usr/bin/env bash
# The API reference builds from include/tern/ without a doxygen warning:
# every public call, struct member and macro documented, every @param
# named. Runs doxygen with docs/Doxyfile.in into a temporary folder.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d /tmp/tern-apidocs.XXXXXX)
trap 'rm -rf "$out"' EXIT
pass=0
fail=0
check() {
	if eval "$2"; then
		echo "ok: $1"
		pass=$((pass + 1))
	else
		echo "FAIL: $1"
		fail=$((fail + 1))
	fi
}
if ! command -v doxygen >/dev/null; then
	echo "FAIL: doxygen is not installed (tools/install-deps.sh installs it)"
	echo "checks: 0 passed, 1 failed"
	exit 1
fi
sed -e "s|@VERSION@|test|" -e "s|@TOPSRC@|$top|g" -e "s|@OUTDIR@|$out/api|" \
	-e "s|@LOGFILE@|$out/warnings.log|" "$top/docs/Doxyfile.in" > "$out/Doxyfile"
doxygen "$out/Doxyfile" > "$out/doxygen.out" 2>&1
check "doxygen exits 0" "[ $? -eq 0 ]"
check "the HTML index is made" "[ -s '$out/api/html/index.html' ]"
n=$(wc -l < "$out/warnings.log" 2>/dev/null || echo 1)
[ "$n" -eq 0 ] || sed "s|$top/||" "$out/warnings.log" | head -20
check "no doxygen warning ($n lines)" "[ $n -eq 0 ]"
for h in "$top"/include/tern/*.h; do
	b=$(basename "$h" .h | sed 's/_/__/g')
	check "$(basename "$h") has a page" "[ -s '$out/api/html/${b}_8h.html' ]"
done
echo "checks: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
