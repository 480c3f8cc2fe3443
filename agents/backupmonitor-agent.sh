#!/usr/bin/env bash
# backupmonitor-agent.sh — BackupMonitor's agent in bash, for hosts without .NET (SPEC §10). Needs bash 4+, curl,
# sha256sum, gzip and GNU dd (coreutils).
#
#   backupmonitor-agent.sh run CONFIG      dump every database, upload with tus (resumable), post the report
#   backupmonitor-agent.sh check CONFIG    reach the server and compare its jobs with the configured databases
#
# CONFIG is a bash file of variables (it is sourced: keep it as private as the token file):
#   BM_SERVER=https://monitor.example.org      # serve's base URL
#   BM_AGENT_ID=ACME_Paris_Centre              # made by `backupmonitor agents add ACME_Paris_Centre`
#   BM_TOKEN_FILE=/etc/backupmonitor/token     # the token printed by `agents add` (mode 0600)
#   BM_SPOOL=/var/spool/backupmonitor          # dumps wait here until the server accepted their report
#   BM_RETRY_MINUTES=30                        # how long uploads are retried (with backoff)
#   BM_CA_CERT=/etc/backupmonitor/ca.pem       # optional: a private CA for the server's certificate
#   BM_DATABASES=(sales)                       # the databases, each with:
#   BM_COMMAND_sales=(pg_dump -Fc sales)       #   its command, an argument list (run as is, never through a shell)
#   BM_EXTENSION_sales=dump                    #   the staged file's extension
#   BM_COMPRESS_sales=none                     #   none or gzip
#
# Each backup is spooled as <name>_<yyyyMMddTHHmmssZ>.<extension>[.gz], hashed while written; a failing command gives a
# `failed` line with the end of its stderr. A run first finishes what an earlier run left in the spool. Exit 0 when the
# report is accepted (check: when the jobs match), 1 otherwise, 2 for bad usage or configuration.
set -uo pipefail
CHUNK=$((64 * 1024 * 1024))

die() { echo "error: $*" >&2; exit "${2:-1}"; }
log() { echo "$*" >&2; }
[ $# -eq 2 ] && [[ $1 == run || $1 == check ]] || die "usage: $0 run|check CONFIG" 2
# shellcheck disable=SC1090
source "$2" || die "cannot read $2" 2
for v in BM_SERVER BM_AGENT_ID BM_TOKEN_FILE BM_SPOOL; do [ -n "${!v:-}" ] || die "$v: required in $2" 2; done
[[ $BM_AGENT_ID =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$ ]] || die "BM_AGENT_ID: must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\$" 2
TOKEN=$(tr -d ' \t\r\n' < "$BM_TOKEN_FILE") && [ -n "$TOKEN" ] || die "BM_TOKEN_FILE: cannot read a token from $BM_TOKEN_FILE" 2
API="${BM_SERVER%/}/api/agent/v1"
RETRY_SECONDS=$(( ${BM_RETRY_MINUTES:-30} * 60 ))
# The token goes to curl through a header file, never on a command line other processes can read.
HEADERS=$(mktemp) && chmod 600 "$HEADERS" && printf 'Authorization: Bearer %s\nTus-Resumable: 1.0.0\n' "$TOKEN" > "$HEADERS"
trap 'rm -f "$HEADERS"' EXIT
CURL=(curl -sS --connect-timeout 30 -H "@$HEADERS")
[ -n "${BM_CA_CERT:-}" ] && CURL+=(--cacert "$BM_CA_CERT")
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
stamp() { date -u -d "@$1" +%Y%m%dT%H%M%SZ; }
json_string() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; s=$(printf '%s' "$s" | tr '\000-\037' ' '); printf '"%s"' "$s"; }

if [ "$1" = check ]; then
  jobs=$("${CURL[@]}" -f "$API/jobs") || die "cannot reach $BM_SERVER with this token"
  server=$(grep -o '"database_name": *"[^"]*"' <<<"$jobs" | sed 's/.*"\([^"]*\)"$/\1/' | sort)
  mine=$(printf '%s\n' "${BM_DATABASES[@]}" | sort)
  echo "server $BM_SERVER reached as agent $BM_AGENT_ID"
  [ "$server" = "$mine" ] && { echo "configuration matches the server's jobs"; exit 0; }
  echo "configuration does not match the server's jobs: server has [$(echo $server)], configured [$(echo $mine)]"; exit 1
fi

offset_of() {  # HEAD: the server's offset, or nothing when the upload is unknown
  "${CURL[@]}" -I "$1" | tr -d '\r' | awk -F': ' 'tolower($1)=="upload-offset"{print $2}'
}
upload() {  # upload FILE NAME: creates once (location kept beside the file), resumes from the server's offset, retries with backoff
  local file=$1 name=$2 size location offset deadline=$(( $(date +%s) + RETRY_SECONDS )) delay=1
  size=$(stat -c %s "$file")
  while :; do
    location=$(cat "$file.upload" 2>/dev/null); offset=""
    [ -n "$location" ] && offset=$(offset_of "$location")
    if [ -z "$offset" ]; then
      location=$("${CURL[@]}" -i -X POST -H "Upload-Length: $size" -H "Upload-Metadata: filename $(printf '%s' "$name" | base64 -w0)" "$API/uploads" \
        | tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')
      if [ -n "$location" ]; then [[ $location == http* ]] || location="${BM_SERVER%/}$location"; echo "$location" > "$file.upload"; offset=0; fi
    fi
    while [ -n "$offset" ] && [ "$offset" -lt "$size" ]; do
      local count=$(( size - offset < CHUNK ? size - offset : CHUNK ))
      local code
      code=$(dd if="$file" bs=1M iflag=skip_bytes,count_bytes skip="$offset" count="$count" status=none \
        | "${CURL[@]}" -o /dev/null -w '%{http_code}' -X PATCH -H 'Content-Type: application/offset+octet-stream' \
            -H "Upload-Offset: $offset" -H "Content-Length: $count" -T - "$location") || code=000
      [ "$code" = 204 ] || break
      offset=$(( offset + count ))
    done
    [ -n "$offset" ] && [ "$offset" -eq "$size" ] && { log "uploaded $name: $size bytes"; return 0; }
    [ "$(date +%s)" -lt "$deadline" ] || { log "upload of $name failed (gave up after $BM_RETRY_MINUTES minutes)"; return 1; }
    log "upload of $name interrupted; trying again in $delay s"; sleep "$delay"; delay=$(( delay < 60 ? delay * 2 : 60 ))
  done
}
finish() {  # finish RUN: upload its files, post its report (the same bytes on every try), remove it once accepted
  local run=$1 name code
  if [ ! -f "$run/report.json" ]; then
    for name in $(cat "$run/files"); do upload "$run/$name" "$name" || return 1; done
    { printf '{"agent_id": "%s", "report_timestamp_utc": "%s", "databases": [' "$BM_AGENT_ID" "$(iso "$(date +%s)")"
      paste -sd, "$run/lines"; printf ']}\n'; } > "$run/report.json.tmp" && mv "$run/report.json.tmp" "$run/report.json"
  fi
  code=$("${CURL[@]}" -o "$run/answer" -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary @"$run/report.json" "$API/reports") || code=000
  case $code in
    200|202) log "report accepted: $(cat "$run/answer")"; rm -rf "$run" ;;
    *) log "report not accepted ($code): $(cat "$run/answer" 2>/dev/null)"; return 1 ;;
  esac
}

mkdir -p "$BM_SPOOL" || die "cannot create $BM_SPOOL"
for run in "$BM_SPOOL"/*/; do
  [ -d "$run" ] || continue
  if [ -f "$run/sealed" ]; then log "finishing the earlier run $(basename "$run") first"; finish "${run%/}" || exit 1
  else log "removing $(basename "$run"): interrupted while dumping"; rm -rf "$run"; fi
done

run="$BM_SPOOL/$(stamp "$(date +%s)")"; mkdir -p "$run"; : > "$run/files"; : > "$run/lines"
for db in "${BM_DATABASES[@]}"; do
  declare -n command="BM_COMMAND_$db" extension="BM_EXTENSION_$db" compress="BM_COMPRESS_$db"
  started=$(date +%s); name="${db}_$(stamp "$started").${extension}"; [ "${compress:-none}" = gzip ] && name+=".gz"
  log "dumping $db into $name"
  if [ "${compress:-none}" = gzip ]; then
    "${command[@]}" 2> "$run/$db.stderr" < /dev/null | tee >(wc -c > "$run/$db.pre") | gzip -c > "$run/$name"; status=("${PIPESTATUS[@]}")
  else
    "${command[@]}" 2> "$run/$db.stderr" < /dev/null > "$run/$name"; status=("$?")
  fi
  if [ "${status[0]}" -ne 0 ]; then
    rm -f "$run/$name"
    printf '{"db_name": "%s", "status": "failed", "operation_timestamp_utc": "%s", "error_msg": %s}\n' "$db" "$(iso "$started")" \
      "$(json_string "exit code ${status[0]}: $(tail -c 2000 "$run/$db.stderr")")" >> "$run/lines"
    continue
  fi
  for _ in $(seq 50); do [ -s "$run/$db.pre" ] || [ "${compress:-none}" != gzip ] && break; sleep 0.1; done   # the tee's count ends just after
  size=$(stat -c %s "$run/$name"); hash=$(sha256sum "$run/$name" | cut -d' ' -f1); pre=$(cat "$run/$db.pre" 2>/dev/null || echo "$size")
  echo "$name" >> "$run/files"
  printf '{"db_name": "%s", "status": "success", "operation_timestamp_utc": "%s", "staged_file_name": "%s", "hash_sha256": "%s", "size_bytes": %s, "compress_size_pre_compress": %s, "compress_size_post_compress": %s, "agent_transfer_process_status": "completed", "logs_summary": "bash agent"}\n' \
    "$db" "$(iso "$started")" "$name" "$hash" "$size" "$pre" "$size" >> "$run/lines"
done
touch "$run/sealed"
finish "$run" || { log "not done: the spool keeps it; the next run finishes it"; exit 1; }
