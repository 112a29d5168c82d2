#!/usr/bin/env bash
# `make test`'s last step: the whole suite on SQLite and on PostgreSQL, in three processes side
# by side.
#
# One pytest process keeps less than one core busy: much of a browser test is waiting. Two
# processes left a fifth of this two-core machine idle (issue 24: `make test` under 12 minutes),
# so the page walks (every page type through axe, every page in English: tests marked
# page_walk) run in a third. They check what the templates render, which does not depend on
# the database, so they run once, on SQLite; `make test-postgresql` runs them too. SQLite's run
# prints as it goes; the others' output follows when all are done. Fails when any fails.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

started=$SECONDS
# Their own cache dirs off: runs writing .pytest_cache at once would race for its files.
"$BIN/pytest" --db postgresql -p no:cacheprovider -m "not page_walk" "$@" >"$logs/postgresql.log" 2>&1 &
postgresql=$!
"$BIN/pytest" --db sqlite -p no:cacheprovider -m page_walk "$@" >"$logs/page_walks.log" 2>&1 &
page_walks=$!
"$BIN/pytest" --db sqlite -m "not page_walk" "$@" 2>&1 | tee "$logs/sqlite.log"
sqlite_status=${PIPESTATUS[0]}
wait "$postgresql"
postgresql_status=$?
wait "$page_walks"
page_walks_status=$?

# pytest answers 5 when it collected nothing: with arguments (`-k …`) that selected no test of
# one of the runs, that run did nothing wrong; without arguments every run must have tests, and
# arguments that select no test at all still fail.
all_empty=$([ "$sqlite_status" -eq 5 ] && [ "$postgresql_status" -eq 5 ] && [ "$page_walks_status" -eq 5 ] && echo yes)
if [ "$#" -gt 0 ] && [ -z "$all_empty" ]; then
  [ "$sqlite_status" -eq 5 ] && sqlite_status=0
  [ "$postgresql_status" -eq 5 ] && postgresql_status=0
  [ "$page_walks_status" -eq 5 ] && page_walks_status=0
fi

for part in "PostgreSQL:postgresql" "The page walks (SQLite):page_walks"; do
  echo
  echo "======================= ${part%%:*} (ran beside SQLite) ======================="
  cat "$logs/${part##*:}.log"
done
echo
echo "SQLite: exit ${sqlite_status}; PostgreSQL: exit ${postgresql_status};" \
  "page walks: exit ${page_walks_status};" \
  "all in $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s"
[ "$sqlite_status" -eq 0 ] && [ "$postgresql_status" -eq 0 ] && [ "$page_walks_status" -eq 0 ]
