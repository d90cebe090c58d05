#!/usr/bin/env bash
# Load test (issue 13): gunicorn on 127.0.0.1 over the seeded database, wrk (Debian's package) driving a mix of
# the three roles' pages — a member, a cell secretary, ward/city/province staff — for a bounded time, at 10 and
# 50 concurrent connections. Prints wrk's summary and one line of throughput and p50/p95/p99 per run.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/kd_scale bash bench/load.sh [seconds=30] [workers=4]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-30}
WORKERS=${2:-4}
PORT=${LOAD_PORT:-8765}
export SECRET_KEY=${SECRET_KEY:-load-test-only} DEBUG=0 ALLOWED_HOSTS=127.0.0.1 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_SSL_REDIRECT=0
export LOG_LEVEL=WARNING
.venv/bin/python manage.py collectstatic --noinput -v0
# The mix: (path, session cookie) per line, written by bench/load_paths.py from the bench personas.
.venv/bin/python bench/load_paths.py > /tmp/kd-load-paths.lua
.venv/bin/gunicorn config.wsgi -b "127.0.0.1:$PORT" -w "$WORKERS" --log-level warning &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null; wait $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 60); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/dang-nhap/" && break; sleep 0.5; done
echo "== warm-up (not counted): every worker compiles its templates"
wrk -t 1 -c "$WORKERS" -d 10s --timeout 30s -s bench/load.lua "http://127.0.0.1:$PORT" | grep RESULT
for CONNECTIONS in 10 50; do
  echo "== $CONNECTIONS concurrent users, ${DURATION}s, $WORKERS gunicorn workers"
  wrk -t 2 -c "$CONNECTIONS" -d "${DURATION}s" --timeout 30s -s bench/load.lua "http://127.0.0.1:$PORT"
done
