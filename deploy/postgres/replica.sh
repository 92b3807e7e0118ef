#!/bin/sh
# The replica's entrypoint: a base backup of the primary the first time (pg_basebackup -R
# writes standby.signal and primary_conninfo), then the server as a hot standby.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h db-primary -U "$POSTGRES_USER"; do sleep 1; done
  PGPASSWORD="$POSTGRES_PASSWORD" pg_basebackup -h db-primary -U "$POSTGRES_USER" \
    -D "$PGDATA" -R -X stream -c fast
  chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on
