#!/usr/bin/env bash
# Issue 23's benchmark: a 1 GiB backup pushed by the reference agent to `serve` over loopback (tus, 16 MiB PATCHes
# with SHA-256 each), against `sha256sum` + `cp` of the same file; serve's peak RSS (VmHWM) while receiving.
# usage: bash bench/agent_push.sh [SIZE_MIB] [Release|Debug]   (builds that configuration unless BENCH_NO_BUILD=1;
# prints one line per measure and the load)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
config=${2:-Release}
work=$(mktemp -d /tmp/bm-push-bench.XXXX)
trap 'kill "$serve" 2>/dev/null || true; rm -rf "$work"' EXIT
export NUGET_CERT_REVOCATION_MODE=offline
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then dotnet build -c "$config" src/BackupMonitor >/dev/null && dotnet build -c "$config" src/BackupMonitor.Agent >/dev/null; fi
bm="dotnet src/BackupMonitor/bin/$config/net10.0/backupmonitor.dll"
agent="dotnet src/BackupMonitor.Agent/bin/$config/net10.0/backupmonitor-agent.dll"

head -c "$((size_mib << 20))" /dev/urandom > "$work/backup.bin"
sync
start=$(date +%s.%N); sha256sum "$work/backup.bin" >/dev/null; cp "$work/backup.bin" "$work/copy.bin"; sync; end=$(date +%s.%N)
ref=$(echo "$end - $start" | bc)
rm -f "$work/copy.bin"

export BACKUP_ROOT="$work/data" API_KEYS=bench-key-0123456789abcdef SCAN_INTERVAL_SECONDS=86400 STAGING_MIN_FREE_BYTES=0
$bm agents add BENCH_Site_One > "$work/token" 2>/dev/null
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$bm serve --urls "http://127.0.0.1:$port" >"$work/serve.log" 2>&1 & serve=$!
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.2; done
cat > "$work/agent.json" <<JSON
{"server": "http://127.0.0.1:$port", "agent_id": "BENCH_Site_One", "token_file": "token", "spool_directory": "spool", "retry_minutes": 1,
 "databases": [{"name": "bench", "command": ["cat", "$work/backup.bin"], "compress": "none", "extension": "bin"}]}
JSON
rss_before=$(awk '/VmRSS/{print $2}' /proc/$serve/status)
start=$(date +%s.%N); $agent run --config "$work/agent.json" 2>"$work/agent.log"; end=$(date +%s.%N)
total=$(echo "$end - $start" | bc)
peak=$(awk '/VmHWM/{print $2}' /proc/$serve/status)
printf 'size: %d MiB\nsha256sum + cp: %.2f s (%.0f MB/s)\nagent run (dump to spool + hash + tus upload + report): %.2f s (%.0f MB/s)\n' \
  "$size_mib" "$ref" "$(echo "$size_mib * 1.048576 / $ref" | bc -l)" "$total" "$(echo "$size_mib * 1.048576 / $total" | bc -l)"
printf 'serve RSS before: %d MiB, peak (VmHWM): %d MiB\nload: %s\n' "$((rss_before / 1024))" "$((peak / 1024))" "$(uptime)"
