#!/usr/bin/env bash
# Adds a migration NAME for both providers (PostgreSQL and SQLite keep separate migration histories).
# Usage: tools/add-migration.sh NAME
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: tools/add-migration.sh NAME}
dotnet tool restore >/dev/null
for provider in Postgres Sqlite; do
  dotnet ef migrations add "$name" --project src/Concord.Server --context "${provider}ConcordDbContext" \
    --output-dir "Infrastructure/Data/Migrations/$provider"
done
