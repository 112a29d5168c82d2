#!/usr/bin/env bash
# `make test`'s last step: the whole suite on SQLite and on PostgreSQL side by side.
#
# One pytest process keeps about one core busy, and much of a browser test is waiting; on a
# two-core machine the two databases' runs together take little more than the longer one alone
# (issue 24: `make test` under 12 minutes). SQLite's run prints as it goes; PostgreSQL's output
# follows when both are done. Fails when either fails.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

started=$SECONDS
# Its own cache dir: two runs writing .pytest_cache at once would race for its files.
# The page walks (every page type through axe, every page in English: tests marked page_walk)
# check what the templates render, which does not depend on the database; they run once, in
# SQLite's run, and PostgreSQL's run is the longer one. `make test-postgresql` runs them too.
"$BIN/pytest" --db postgresql -p no:cacheprovider -m "not page_walk" "$@" >"$logs/postgresql.log" 2>&1 &
postgresql=$!
"$BIN/pytest" --db sqlite "$@" 2>&1 | tee "$logs/sqlite.log"
sqlite_status=${PIPESTATUS[0]}
wait "$postgresql"
postgresql_status=$?

echo
echo "======================= PostgreSQL (ran beside SQLite) ======================="
cat "$logs/postgresql.log"
echo
echo "SQLite: exit ${sqlite_status}; PostgreSQL: exit ${postgresql_status};" \
  "both in $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s"
[ "$sqlite_status" -eq 0 ] && [ "$postgresql_status" -eq 0 ]
