#!/usr/bin/env bash
# restore.sh BACKUP — put a backup made by backup.sh back (docs/deploy.md, "Backup and restore").
#
# Into the database named by DATABASE_URL and the folder MEDIA_ROOT, both from the environment. It refuses:
#   - a backup whose files do not match their SHA256SUMS (damaged or incomplete);
#   - a database that already has tables, or a MEDIA_ROOT that already holds files, unless RESTORE_OVER=1
#     (restore into a fresh database: `createdb NAME` first; with RESTORE_OVER=1 the existing objects are dropped).
# After the restore it checks every stored file against its SHA-256 and every table's row count against the counts
# taken at backup time, and exits non-zero on any difference. The application's services should be stopped.
set -euo pipefail

BACKUP=${1:?usage: restore.sh BACKUP_FOLDER}
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to restore into}"
HERE="$(cd "$(dirname "$0")/.." && pwd)"
MEDIA_ROOT=${MEDIA_ROOT:-$HERE/media}
OVER=${RESTORE_OVER:-0}

echo "== checking the backup's checksums"
(cd "$BACKUP" && sha256sum --check --quiet SHA256SUMS)

tables=$(psql "$DATABASE_URL" -qAt -c \
  "select count(*) from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')")
if [ "$tables" != "0" ] && [ "$OVER" != "1" ]; then
  echo "restore.sh: the database already has $tables tables; restore into a fresh one, or set RESTORE_OVER=1" >&2
  exit 3
fi
mkdir -p "$MEDIA_ROOT"
if [ -n "$(find "$MEDIA_ROOT" -mindepth 1 -print -quit)" ] && [ "$OVER" != "1" ]; then
  echo "restore.sh: $MEDIA_ROOT is not empty; restore into an empty folder, or set RESTORE_OVER=1" >&2
  exit 3
fi

echo "== database"
clean=()
if [ "$OVER" = "1" ]; then clean=(--clean --if-exists); fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction "${clean[@]}" \
  --dbname="$DATABASE_URL" "$BACKUP/db.dump"

echo "== stored files"
tar --extract --file="$BACKUP/media.tar" --directory="$MEDIA_ROOT"
(cd "$MEDIA_ROOT" && sha256sum --check --quiet "$BACKUP/media.sha256")

echo "== row counts"
psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -qAt -F $'\t' >"${TMPDIR:-/tmp}/restore-counts.$$" <<'SQL'
begin isolation level repeatable read read only;
select format('select %L, count(*) from %I.%I', table_schema || '.' || table_name, table_schema, table_name)
from information_schema.tables
where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
order by 1 \gexec
commit;
SQL
if ! diff "$BACKUP/counts.tsv" "${TMPDIR:-/tmp}/restore-counts.$$"; then
  rm -f "${TMPDIR:-/tmp}/restore-counts.$$"
  echo "restore.sh: the restored row counts differ from the backup's" >&2
  exit 4
fi
rm -f "${TMPDIR:-/tmp}/restore-counts.$$"
echo "restored $(wc -l <"$BACKUP/counts.tsv") tables and $(wc -l <"$BACKUP/media.sha256") files from $BACKUP"
