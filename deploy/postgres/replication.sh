#!/bin/sh
# Run once by the postgres image when the primary's data folder is new: lets the replica's
# base backup and streaming connect as the archive's role.
set -eu
echo "host replication ${POSTGRES_USER} all scram-sha-256" >> "$PGDATA/pg_hba.conf"
