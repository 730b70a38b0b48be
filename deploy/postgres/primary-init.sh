#!/bin/bash
# Runs once, when the primary's data folder is created: a replication role for postgres-replica, allowed from
# the compose network.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '$REPLICATION_PASSWORD';"
echo "host replication replicator 172.28.0.0/16 scram-sha-256" >> "$PGDATA/pg_hba.conf"
