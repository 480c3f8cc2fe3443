#!/usr/bin/env bash
# Restore drill of a pg_dump custom archive vs pg_restore of the same file by hand (bench/README.md, "Restore drills").
# Usage: bench/drill_bench.sh ARCHIVE 'Host=…;Port=…;Username=<drill role>;Database=postgres' [ROUNDS]
# The drill role must be LOGIN CREATEDB NOSUPERUSER. Alternates by hand / the drill's steps by hand / drill so all see the same load.
set -euo pipefail
archive=$(realpath "$1"); conn=$2; rounds=${3:-2}
dll=${BACKUPMONITOR_DLL:-$(dirname "$0")/../src/BackupMonitor/bin/Release/net10.0/backupmonitor.dll}
field() { echo "$conn" | tr ';' '\n' | sed -n "s/^$1=//Ip" | head -1; }
export PGHOST=$(field Host) PGPORT=$(field Port) PGUSER=$(field Username)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export BACKUP_ROOT=$work/data DRILL_POSTGRES_CONNECTION_STRING=$conn SCAN_MIN_FILE_AGE_SECONDS=0
agent=Bench_Site_One; now=$(date -u +%Y-%m-%dT%H:%M:00Z)
mkdir -p "$BACKUP_ROOT/staging/$agent/database" "$BACKUP_ROOT/staging/$agent/log"
cp "$archive" "$BACKUP_ROOT/staging/$agent/database/bench.custom"
hash=$(/usr/bin/python3 -c "import hashlib,sys;h=hashlib.sha256();f=open(sys.argv[1],'rb');[h.update(b) for b in iter(lambda:f.read(1<<20),b'')];print(h.hexdigest())" "$archive")
size=$(stat -c %s "$archive")
cat >"$BACKUP_ROOT/staging/$agent/log/STATUS.json" <<JSON
{"agent_id":"$agent","report_timestamp_utc":"$now","databases":[{"db_name":"bench","status":"success","operation_timestamp_utc":"$now","staged_file_name":"bench.custom","hash_sha256":"$hash","size_bytes":$size}]}
JSON
hour=$(date -u +%H); minute=$(date -u +%M)
dotnet "$dll" jobs add --company Bench --city Site --neighborhood One --database bench --hour "$hour" --minute "$minute" >/dev/null 2>&1
dotnet "$dll" scan >/dev/null 2>&1
# Before every timed step: the previous restore's dirty pages (over a GiB) written back, so no step pays for another's.
settle() { sync; sleep 3; }
for round in $(seq "$rounds"); do
  echo "round $round, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  createdb bm_bench_hand
  settle
  start=$(date +%s.%N)
  pg_restore --exit-on-error --no-owner --no-acl --dbname=bm_bench_hand <"$archive"
  echo "  pg_restore by hand (stdin): $(echo "$(date +%s.%N) - $start" | bc) s"
  dropdb bm_bench_hand
  # The same steps the drill takes, by hand: create from template0, restore, count(*) of every table, drop.
  settle
  start=$(date +%s.%N)
  createdb --template=template0 bm_bench_hand
  pg_restore --exit-on-error --no-owner --no-acl --dbname=bm_bench_hand <"$archive"
  for table in $(psql -d bm_bench_hand -Atc "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')"); do
    psql -d bm_bench_hand -Atc "SELECT count(*) FROM $table" >/dev/null
  done
  dropdb bm_bench_hand
  echo "  by hand, the drill's steps (createdb, pg_restore, count(*) each table, dropdb): $(echo "$(date +%s.%N) - $start" | bc) s"
  settle
  start=$(date +%s.%N)
  out=$(dotnet "$dll" drills run --format json 2>/dev/null)
  total=$(echo "$(date +%s.%N) - $start" | bc)
  echo "  drill: $(echo "$out" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin)[0]; print("%s %.1f s, %s tables, %s rows" % (d["status"], d["duration_ms"]/1000, d["tables"], d["rows"]))') (command: $total s)"
done
