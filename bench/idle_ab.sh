#!/bin/bash
# Issue 22's before/after table on an idle machine (bench/README, "Issue 22 (third session)").
# Usage: bench/idle_ab.sh BEFORE_DLL AFTER_DLL WORK_DIR
#   BEFORE_DLL / AFTER_DLL: backupmonitor.dll of two Release ReadyToRun publishes (as bench.py makes them:
#   dotnet publish src/BackupMonitor -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o DIR).
#   WORK_DIR: trees are generated there once (large, small, dumps, a 5,000-job x 180-night history: ~5 GB), then every
#   run gets its own fresh copy, before and after alternating; nothing is deleted before the end (bench/README, top).
set -e
before=$(realpath "$1"); after=$(realpath "$2"); work=$(realpath -m "$3"); here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work/data" "$work/runs"; cd "$work"
[ -d data/large ] || /usr/bin/python3 $here/generate.py data/large --agents 2 --databases 4 --size $((96<<20)) --corrupt-every 50
[ -d data/small ] || /usr/bin/python3 $here/generate.py data/small --agents 2500 --databases 4 --size 8192 --corrupt-every 50
[ -d data/dumps ] || /usr/bin/python3 $here/generate.py data/dumps --agents 4 --databases 2 --size $((64<<20)) --corrupt-every 50 --dumps
[ -d data/history ] || /usr/bin/python3 $here/history.py data/history --jobs 5000 --days 180 --end "$(date -u -d yesterday +%F)"
scan() { # scan LABEL DLL TREE: copy, jobs import, timed scan
  local run=$work/runs/$1-$(date +%s%N); cp -r data/$3 $run
  env BACKUP_ROOT=$run SCAN_MIN_FILE_AGE_SECONDS=0 DATABASE_PROVIDER=sqlite dotnet $2 jobs import $run/jobs.csv >/dev/null 2>&1
  local out=$(env BACKUP_ROOT=$run SCAN_MIN_FILE_AGE_SECONDS=0 DATABASE_PROVIDER=sqlite /usr/bin/time -f "TIME %e %U %S %M" dotnet $2 scan --format json 2>&1 >$run/summary.json | grep '^TIME')
  read _ wall user sys rss <<< "$out"
  echo "$1 wall $wall cpu $(/usr/bin/python3 -c "print(round($user+$sys,2))") rss_kb $rss own_ms $(/usr/bin/python3 -c "import json;print(json.load(open('$run/summary.json'))['duration_ms'])") load $(cut -d' ' -f1 /proc/loadavg)"
}
ref() { # ref LABEL TREE SCRIPT: a reference script on its own fresh copy
  local run=$work/runs/$1-$(date +%s%N); cp -r data/$2 $run
  local out=$( { /usr/bin/time -f "TIME %e %U %S %M" /usr/bin/python3 $here/$3 $run >/dev/null; } 2>&1 | grep '^TIME')
  read _ wall user sys rss <<< "$out"
  echo "$1 wall $wall cpu $(/usr/bin/python3 -c "print(round($user+$sys,2))") rss_kb $rss load $(cut -d' ' -f1 /proc/loadavg)"
}
for wl in large small dumps; do
  n=3; [ $wl = dumps ] && n=2
  for i in $(seq $n); do scan before-$wl $before $wl; scan after-$wl $after $wl; done
  if [ $wl = dumps ]; then ref hash_inflate-dumps dumps hash_inflate.py; ref hash_inflate-dumps dumps hash_inflate.py
  else ref minimal-$wl $wl minimal.py; ref minimal-$wl $wl minimal.py; fi
done
# History ingestion (read.py's build_history): jobs registered, dated back before the history, one timed scan.
since="$(date -u -d '182 days ago' +%F) 00:00:00"
for c in before after; do rm -rf hist-$c; cp -r data/history hist-$c; done
for c in before after; do
  dll=$before; [ $c = after ] && dll=$after
  env BACKUP_ROOT=$work/hist-$c SCAN_MIN_FILE_AGE_SECONDS=0 DATABASE_PROVIDER=sqlite dotnet $dll jobs import hist-$c/jobs.csv >/dev/null 2>&1
  /usr/bin/python3 -c "import sqlite3,sys; db=sqlite3.connect(sys.argv[1]); db.execute('UPDATE expected_backup_jobs SET created_at_utc = ?', (sys.argv[2],)); db.commit()" hist-$c/backupmonitor.db "$since"
  out=$(env BACKUP_ROOT=$work/hist-$c SCAN_MIN_FILE_AGE_SECONDS=0 DATABASE_PROVIDER=sqlite /usr/bin/time -f "TIME %e %U %S %M" dotnet $dll scan --format json 2>&1 >hist-$c/summary.json | grep '^TIME')
  read _ wall user sys rss <<< "$out"
  /usr/bin/python3 -c "
import json,sys; s=json.load(open('hist-$c/summary.json')); e=s['entries_created']
print(f'history-$c entries {e} wall $wall s ({e/float($wall):.0f}/s) cpu {$user+$sys:.1f} user $user sys $sys rss_kb $rss own_ms {s[\"duration_ms\"]}')"
done
# The floor on the same tree: minimal.py's file work (hash, rename) and one executemany, single-threaded.
rm -rf hist-minimal; cp -r data/history hist-minimal
out=$( { /usr/bin/time -f "TIME %e %U %S %M" /usr/bin/python3 $here/minimal.py hist-minimal >/dev/null; } 2>&1 | grep '^TIME')
read _ wall user sys rss <<< "$out"
echo "history-minimal wall $wall s user $user sys $sys rss_kb $rss"
/usr/bin/python3 $here/metrics.py $before $after hist-before/backupmonitor.db 9
