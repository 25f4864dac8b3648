#!/usr/bin/env bash
# Backup and restore drill for Talent Bridge on PostgreSQL: pg_dump -Fc, restore, compare.
#
#   scripts/pg_backup_restore_check.sh [options] [DATABASE_URL]
#
# 1. pg_dump -Fc the database to a file, and check the archive with pg_restore --list;
# 2. count the rows of every table (exact counts, one query);
# 3. restore with pg_restore --exit-on-error into a fresh database <name>_restore_check
#    (dropped afterwards), or with --drop NAME, drop the database itself, create it again
#    and restore into it (the whole drill: nothing but the dump is left to restore from);
# 4. count again and compare table by table; exit 1 on any difference, 2 on bad usage.
#
# Options:
#   --dump FILE   write the dump here and keep it (default: a temporary file, removed)
#   --drop NAME   restore in place: drop and recreate the database; NAME must repeat the
#                 database's name, so that a pasted URL cannot drop the wrong one
#   --jobs N      pg_restore parallel jobs (default 2)
# DATABASE_URL defaults to $DATABASE_URL; SQLAlchemy's postgresql+psycopg:// works too.
# Needs pg_dump, pg_restore and psql of the server's major version or newer (Debian:
# apt-get install postgresql-client-15), and a role that may create databases.
set -euo pipefail

dump="" keep_dump=0 drop_name="" jobs=2 url="${DATABASE_URL:-}"
while (($#)); do
  case "$1" in
    --dump) dump="$2" keep_dump=1; shift 2 ;;
    --drop) drop_name="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) url="$1"; shift ;;
  esac
done
[[ -n "$url" ]] || { echo "give a DATABASE_URL (argument or environment)" >&2; exit 2; }
url="${url/postgresql+psycopg:\/\//postgresql://}"
url="${url/postgres:\/\//postgresql://}"
if [[ ! "$url" =~ ^(postgresql://[^/]*)/([^?]+)(\?.*)?$ ]]; then
  echo "not a postgresql://host/database URL: $url" >&2; exit 2
fi
base="${BASH_REMATCH[1]}" db="${BASH_REMATCH[2]}" query="${BASH_REMATCH[3]:-}"
url_for() { printf '%s/%s%s' "$base" "$1" "$query"; }
admin="$(url_for postgres)"
if [[ -n "$drop_name" && "$drop_name" != "$db" ]]; then
  echo "--drop $drop_name does not name the database of the URL ($db)" >&2; exit 2
fi
target="${drop_name:-${db}_restore_check}"
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
if [[ -z "$dump" ]]; then
  dump="$(mktemp --suffix=.dump)"
fi
cleanup() {
  ((keep_dump)) || rm -f "$dump"
  if [[ -z "$drop_name" ]]; then
    psql -X -q -d "$admin" -c "DROP DATABASE IF EXISTS \"$target\"" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

# Exact row counts of every table, as "schema.table|count" lines in a stable order.
COUNTS_SQL="SELECT table_schema || '.' || table_name || '|' ||
  (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I',
    table_schema, table_name), false, true, '')))[1]::text
FROM information_schema.tables
WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
ORDER BY table_schema, table_name"
counts() { psql -X -At -v ON_ERROR_STOP=1 -d "$1" -c "$COUNTS_SQL"; }
now() { date +%s%N; }
since() { local ms=$((($(now) - $1) / 1000000)); printf '%d.%d s' $((ms / 1000)) $((ms % 1000 / 100)); }

server="$(psql -X -At -d "$url" -c 'SHOW server_version' | cut -d' ' -f1)"
client="$(pg_dump --version | awk '{print $3}')"
echo "database $db on PostgreSQL $server; pg_dump $client"
if ((${client%%.*} < ${server%%.*})); then
  echo "pg_dump $client is older than the server ($server): install postgresql-client-${server%%.*}" >&2
  exit 2
fi

t="$(now)"
before="$(counts "$url")"
pg_dump --format=custom --compress=6 --file="$dump" --dbname="$url"
pg_restore --list "$dump" >/dev/null
echo "dumped $(wc -l <<<"$before") tables to $dump ($(du -h "$dump" | cut -f1)) in $(since "$t")"

t="$(now)"
if [[ -n "$drop_name" ]]; then
  psql -X -q -v ON_ERROR_STOP=1 -d "$admin" -c "DROP DATABASE \"$target\" WITH (FORCE)"
  echo "dropped database $target"
else
  psql -X -q -d "$admin" -c "DROP DATABASE IF EXISTS \"$target\"" >/dev/null
fi
psql -X -q -v ON_ERROR_STOP=1 -d "$admin" -c "CREATE DATABASE \"$target\" TEMPLATE template0"
pg_restore --exit-on-error --jobs="$jobs" --dbname="$(url_for "$target")" "$dump"
after="$(counts "$(url_for "$target")")"
echo "restored into $target in $(since "$t")"

if diff_out="$(diff <(echo "$before") <(echo "$after"))"; then
  total="$(awk -F'|' '{s += $2} END {print s}' <<<"$before")"
  echo "row counts match: $(wc -l <<<"$before") tables, $total rows"
else
  echo "ROW COUNTS DIFFER (< before, > after restore):" >&2
  echo "$diff_out" >&2
  exit 1
fi
