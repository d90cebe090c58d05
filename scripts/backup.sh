#!/usr/bin/env bash
# backup.sh [DEST] — a full backup of the database and the stored files (docs/deploy.md, "Backup and restore").
#
# Reads DATABASE_URL (postgres://…) and MEDIA_ROOT from the environment, as the application does. Writes one folder
#   DEST/kiemdiem-YYYYMMDD-HHMMSS/
#     db.dump             pg_dump custom format (pg_restore reads it; compressed; no owners or grants)
#     media.tar           every stored file under MEDIA_ROOT
#     media.sha256        the SHA-256 of every stored file, by its path under MEDIA_ROOT (checked after a restore)
#     counts.tsv          every table's row count at backup time (checked after a restore)
#     SHA256SUMS          the checksums of the four files above (restore.sh refuses a backup that does not match)
# and prints its path. DEST defaults to $BACKUP_DIR, else ./backups. Nothing is written to a finished folder
# until the whole backup succeeded (it is built under a .partial name and renamed at the end).
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database (postgres://user@host:port/name)}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL is not a PostgreSQL URL" >&2; exit 2 ;;
esac
HERE="$(cd "$(dirname "$0")/.." && pwd)"
MEDIA_ROOT=${MEDIA_ROOT:-$HERE/media}
DEST=${1:-${BACKUP_DIR:-./backups}}

STAMP=$(date +%Y%m%d-%H%M%S)
FINAL="$DEST/kiemdiem-$STAMP"
WORK="$FINAL.partial"
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT

# One consistent snapshot of the whole database (pg_dump runs in a single repeatable-read transaction).
pg_dump --format=custom --no-owner --no-privileges --file="$WORK/db.dump" "$DATABASE_URL"

# Row counts, read in one transaction too (a snapshot taken next to the dump: documentation for the check).
psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -qAt -F $'\t' >"$WORK/counts.tsv" <<'SQL'
begin isolation level repeatable read read only;
select format('select %L, count(*) from %I.%I', table_schema || '.' || table_name, table_schema, table_name)
from information_schema.tables
where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
order by 1 \gexec
commit;
SQL

# The stored files, and each one's checksum by its path under MEDIA_ROOT.
mkdir -p "$MEDIA_ROOT"
(cd "$MEDIA_ROOT" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum) >"$WORK/media.sha256"
tar --create --file="$WORK/media.tar" --directory="$MEDIA_ROOT" .

(cd "$WORK" && sha256sum db.dump media.tar media.sha256 counts.tsv >SHA256SUMS)
mv "$WORK" "$FINAL"
trap - EXIT
echo "$FINAL"
