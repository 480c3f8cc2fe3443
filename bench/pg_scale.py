#!/usr/bin/env python3
"""BackupMonitor on one PostgreSQL at scale (issue 22): a year of history loaded with COPY, then measured.

  BENCH_POSTGRES="Host=127.0.0.1;Port=55422;Username=postgres" /usr/bin/python3 bench/pg_scale.py 2500 5000 10000 20000
  BENCH_POSTGRES=... /usr/bin/python3 bench/pg_scale.py 100000          # the issue's target, if the machine has the time
  BENCH_POSTMASTER_PID=$(head -1 $PGDATA/postmaster.pid) ...  # also count the cluster's CPU per request
  BENCH_REUSE=/path/bm-scale-xxxx ... 15000    # go on from an earlier run's database (jobs so far -> 15,000)
  BENCH_DAYS=365 (default) BENCH_RUNS=5 (timed requests per URL) BENCH_DLL=/path/backupmonitor.dll (default: bench.build())

One database (bm_scale_<pid>) grows through the points given (jobs, cumulative): at each point the new jobs (50 a
company: 2,000 companies at 100,000 jobs; sites of 4 databases) are COPYed in with BENCH_DAYS nights of history each:
about 96 % success (with file, hash, validated path, content check), 3 % failed, 0.5 % hash mismatch, 1 % missing;
every failure has its alert notice and a sent delivery to `admins`. Rows go in with COPY (ids assigned here), the
summary triggers are off during the load and the summary is rebuilt after it, then ANALYZE. Then, at each point:
  - the database's size (and the entries table's with its indexes);
  - one `backupmonitor scan` of one fresh report line per job (tonight's backup, a small file each): wall, CPU, peak RSS;
  - `serve` on the database: every dashboard page and API call of read.py (median of BENCH_RUNS, size), /metrics.
Printed: one table per point and a summary line per point, so a growth curve can be read (and extrapolated)."""
import datetime, hashlib, json, os, random, shutil, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402
import read  # noqa: E402

DAYS = int(os.environ.get("BENCH_DAYS", "365"))
JOBS_PER_COMPANY, DATABASES = 50, 4
ENTRY_COLUMNS = ("id", "expected_job_id", "status", "agent_report_timestamp_utc", "expected_cycle_utc", "created_at_utc",
                 "agent_reported_hash_sha256", "agent_reported_size_bytes", "agent_staged_file_name", "agent_transfer_process_status",
                 "agent_logs_summary", "server_calculated_staged_hash", "server_calculated_staged_size", "hash_comparison_result",
                 "error_message", "validated_path", "quarantine_path", "content_check", "content_check_detail")
JOB_COLUMNS = ("id", "company_name", "city", "neighborhood", "database_name", "agent_id_responsible", "expected_hour_utc",
               "expected_minute_utc", "is_active", "current_status", "created_at_utc", "time_zone", "last_checked_at_utc",
               "last_successful_backup_utc", "last_failed_backup_utc")
SUMMARY = """
DELETE FROM history_counts;
INSERT INTO history_counts (family, label, label2, n) SELECT 'entries', status, '', COUNT(*) FROM backup_entries GROUP BY status;
INSERT INTO history_counts (family, label, label2, n) SELECT 'content_checks', content_check, '', COUNT(*) FROM backup_entries WHERE content_check IS NOT NULL GROUP BY content_check;
INSERT INTO history_counts (family, label, label2, n) SELECT 'deliveries', destination, state, COUNT(*) FROM deliveries GROUP BY destination, state;
INSERT INTO history_counts (family, label, label2, n) SELECT 'jobs', current_status, '', COUNT(*) FROM expected_backup_jobs WHERE is_active GROUP BY current_status;
INSERT INTO history_counts (family, label, label2, n) SELECT 'scans', '', '', COUNT(*) FROM scan_runs HAVING COUNT(*) > 0;
INSERT INTO history_counts (family, label, label2, n) SELECT 'bytes_verified', '', '', SUM(bytes_verified) FROM scan_runs HAVING COUNT(*) > 0;
"""

def site_of(job):
    """(company, city, site, database) of the job numbered `job` (0-based)."""
    company, within = divmod(job, JOBS_PER_COMPANY)
    site, database = divmod(within, DATABASES)
    return f"Co{company:04d}", f"City{company % 37}", f"Site{company:04d}{site:02d}", f"db{database}"

def agent_of(job):
    company, city, site, _ = site_of(job)
    return f"{company}_{city}_{site}"

def stamp(t):
    return t.strftime("%Y-%m-%d %H:%M:%S+00")

def copy(database, table, columns, rows):
    """Streams rows (tuples; None is NULL) into COPY ... FROM STDIN through psql."""
    host, port, user = read.postgres_parts()
    process = subprocess.Popen(["psql", "-h", host, "-p", port, "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1", "-q",
                                "-c", f"COPY {table} ({', '.join(columns)}) FROM STDIN"], stdin=subprocess.PIPE, text=True)
    buffer = []
    for row in rows:
        buffer.append("\t".join("\\N" if v is None else str(v) for v in row))
        if len(buffer) >= 20000:
            process.stdin.write("\n".join(buffer) + "\n")
            buffer.clear()
    if buffer:
        process.stdin.write("\n".join(buffer) + "\n")
    process.stdin.close()
    if process.wait() != 0:
        raise RuntimeError(f"COPY {table} failed")

def scalar(database, sql):
    host, port, user = read.postgres_parts()
    return bench.sh("psql", "-h", host, "-p", port, "-U", user, "-d", database, "-At", "-c", sql).stdout.strip()

def load(database, first, last, today, ids):
    """COPYs jobs first..last-1 and their DAYS nights of history (ids continue from `ids`)."""
    rng = random.Random(first)
    jobs, entries, notices, deliveries = [], [], [], []
    since = datetime.datetime.combine(today - datetime.timedelta(days=DAYS + 1), datetime.time(), datetime.timezone.utc)
    for job in range(first, last):
        company, city, site, db = site_of(job)
        agent, job_id = agent_of(job), job + 1
        status, last_ok, last_bad = "unknown", None, None
        job_digest = hashlib.sha256(agent.encode() + db.encode()).hexdigest()[:56]
        for back in range(DAYS, 0, -1):
            night = datetime.datetime.combine(today - datetime.timedelta(days=back), datetime.time(2, 10), datetime.timezone.utc)
            ids["entry"] += 1
            roll, entry_id = rng.random(), ids["entry"]
            name = f"{db}_{night:%Y%m%d}.sql.gz"
            digest = job_digest + f"{back:08x}"  # 64 hex digits, one per night (cheaper than hashing 36 million names)
            size = 1_000_000 + (job * 7919 + back * 104729) % 50_000
            if roll < 0.01:
                cycle = night  # the job's expected time (02:10 UTC)
                entries.append((entry_id, job_id, "missing", None, stamp(cycle), stamp(cycle + datetime.timedelta(minutes=65)), None, None, None, None,
                                None, None, None, None, "Aucune sauvegarde reçue pour ce cycle.", None, None, None, None))
                status, last_bad = "missing", cycle
            elif roll < 0.04:
                entries.append((entry_id, job_id, "failed", stamp(night), None, stamp(night + datetime.timedelta(minutes=10)), None, None, None,
                                "failed", "bench", None, None, None, "pg_dump: connection to server refused", None, None, None, None))
                status, last_bad = "failed", night
            elif roll < 0.045:
                entries.append((entry_id, job_id, "hash_mismatch", stamp(night), None, stamp(night + datetime.timedelta(minutes=10)), digest, size, name,
                                "completed", "bench", "0" * 64, size, "f", "Empreinte différente.", None, f"/srv/quarantine/{agent}/{db}/{night:%Y%m%dT%H%M%SZ}_{name}",
                                "skipped", "not a known format"))
                status, last_bad = "hash_mismatch", night
            else:
                entries.append((entry_id, job_id, "success", stamp(night), None, stamp(night + datetime.timedelta(minutes=10)), digest, size, name,
                                "completed", "bench", digest, size, "t", None, f"/srv/validated/{agent}/{db}/{night:%Y%m%dT%H%M%SZ}_{name}", None,
                                "skipped", "not a known format"))
                status, last_ok = "ok", night
                continue
            ids["notice"] += 1
            notices.append((ids["notice"], entry_id, job_id, "alert", entries[-1][2] if status != "missing" else "missing", "ok", entries[-1][5]))
            ids["delivery"] += 1
            deliveries.append((ids["delivery"], ids["notice"], "admins", "sent", 1, entries[-1][5], entries[-1][5]))
        last_seen = datetime.datetime.combine(today, datetime.time(0), datetime.timezone.utc)
        jobs.append((job_id, company, city, site, db, agent, 2, 10, "t", status, stamp(since), "UTC", stamp(last_seen),
                     stamp(last_ok) if last_ok else None, stamp(last_bad) if last_bad else None))
    copy(database, "expected_backup_jobs", JOB_COLUMNS, jobs)
    copy(database, "backup_entries", ENTRY_COLUMNS, entries)
    copy(database, "notices", ("id", "backup_entry_id", "expected_job_id", "kind", "job_status", "previous_job_status", "created_at_utc"), notices)
    copy(database, "deliveries", ("id", "notice_id", "destination", "state", "attempts", "created_at_utc", "sent_at_utc"), deliveries)
    return len(entries)

def fresh_reports(root, first, last, today, point):
    """Tonight's report for every job (one line each, a small file), as the agents would leave them; each point's
    lines a minute later than the previous point's, so that each is a new entry."""
    night = datetime.datetime.combine(today, datetime.time(2, 10 + point), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    by_agent = {}
    for job in range(first, last):
        by_agent.setdefault(agent_of(job), []).append(site_of(job)[3])
    for agent, databases in by_agent.items():
        data, log = os.path.join(root, "staging", agent, "database"), os.path.join(root, "staging", agent, "log")
        os.makedirs(data, exist_ok=True)
        os.makedirs(log, exist_ok=True)
        lines = []
        for db in databases:
            content = f"{agent} {db} {night}\n".encode() * 16
            name = f"{db}_{today:%Y%m%d}.sql.gz"
            with open(os.path.join(data, name), "wb") as f:
                f.write(content)
            lines.append({"db_name": db, "status": "success", "operation_timestamp_utc": night, "staged_file_name": name,
                          "hash_sha256": hashlib.sha256(content).hexdigest(), "size_bytes": len(content)})
        with open(os.path.join(log, "STATUS.json"), "w") as f:
            json.dump({"agent_id": agent, "report_timestamp_utc": night, "databases": lines}, f)

def main():
    points = [int(p) for p in sys.argv[1:]] or [2500, 5000, 10000, 20000]
    dll = os.environ.get("BENCH_DLL") or bench.build()
    read.POSTGRES = os.environ["BENCH_POSTGRES"]
    if os.environ.get("BENCH_REUSE"):  # go on growing the database of an earlier run (its scratch folder)
        scratch = os.environ["BENCH_REUSE"]
        root = os.path.join(scratch, "root")
        with open(os.path.join(root, "postgres-database")) as f:
            database = f.read().strip()
    else:
        database = f"bm_scale_{os.getpid()}"
        read.psql("postgres", f"CREATE DATABASE {database}")
        scratch = tempfile.mkdtemp(prefix="bm-scale-", dir=os.environ.get("BENCH_DIR"))
        root = os.path.join(scratch, "root")
        os.makedirs(root)
        with open(os.path.join(root, "postgres-database"), "w") as f:
            f.write(database)
    env = read.env_for(root)
    bench.sh("dotnet", dll, "jobs", "list", "--status", "corrupt", env=env)  # creates the schema (migrations)
    today = datetime.datetime.now(datetime.timezone.utc).date()  # history: the DAYS nights before tonight
    done, summary = int(scalar(database, "SELECT COUNT(*) FROM expected_backup_jobs")), []
    fresh_round = int(scalar(database, "SELECT COUNT(*) FROM scan_runs"))
    for point in points:
        started = time.monotonic()
        # Ids go on from what is there: the previous point's scans took theirs from the sequences.
        ids = {key: int(scalar(database, f"SELECT COALESCE(MAX(id), 0) FROM {table}"))
               for key, table in (("entry", "backup_entries"), ("notice", "notices"), ("delivery", "deliveries"))}
        for table in ("backup_entries", "deliveries", "expected_backup_jobs"):
            read.psql(database, f"ALTER TABLE {table} DISABLE TRIGGER USER")
        loaded = load(database, done, point, today, ids)
        for table in ("backup_entries", "deliveries", "expected_backup_jobs"):
            read.psql(database, f"ALTER TABLE {table} ENABLE TRIGGER USER")
        for table, key in (("expected_backup_jobs", "id"), ("backup_entries", "id"), ("notices", "id"), ("deliveries", "id")):
            read.psql(database, f"SELECT setval(pg_get_serial_sequence('{table}', '{key}'), (SELECT MAX({key}) FROM {table}))")
        read.psql(database, SUMMARY)
        read.psql(database, "ANALYZE")
        load_s = time.monotonic() - started
        size = int(scalar(database, f"SELECT pg_database_size('{database}')"))
        entries_size = int(scalar(database, "SELECT pg_total_relation_size('backup_entries')"))
        total_entries = int(scalar(database, "SELECT SUM(n) FROM history_counts WHERE family = 'entries'"))
        print(f"\n## {point} jobs x {DAYS} days: {total_entries} entries ({loaded} loaded in {load_s:.0f} s); database "
              f"{size / 2**30:.2f} GiB (entries with indexes {entries_size / 2**30:.2f} GiB); load average {os.getloadavg()[0]:.1f}", flush=True)

        # One scan of one fresh line per job: tonight's backups of every job registered so far.
        fresh_reports(root, 0, point, today, fresh_round)
        fresh_round += 1
        wall, cpu, rss, out = bench.timed(["dotnet", dll, "scan", "--format", "json"], env=env)
        scan = json.loads(out)
        print(f"scan of {point} fresh lines: {wall:.1f} s wall, {cpu:.1f} s CPU, peak RSS {rss:.0f} MiB, own {scan['duration_ms'] / 1000:.1f} s, "
              f"{scan['entries_created']} entries ({scan['entries_created'] / wall:.0f}/s); load average {os.getloadavg()[0]:.1f}", flush=True)

        rows = serve_and_measure(dll, root)
        print("| what | median ms | slowest ms | CPU ms per request (serve + PostgreSQL) | KiB |\n|---|---|---|---|---|")
        for label, path, median, slowest, body, first, request_cpu in rows:
            print(f"| {label} | {median:.0f} | {slowest:.0f} | {request_cpu:.0f} | {body / 1024:.0f} |", flush=True)
        summary.append((point, total_entries, size, wall, cpu, rss, max(r[2] for r in rows), max(r[6] for r in rows),
                        next(r[2] for r in rows if r[0] == "GET /metrics"), next(r[6] for r in rows if r[0] == "GET /metrics")))
        done = point
    print("\n| jobs | entries | database GiB | fresh scan wall s | its CPU s | scan peak RSS MiB | slowest page or call (median ms) | largest CPU ms per request | /metrics ms | /metrics CPU ms |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for point, entries, size, wall, cpu, rss, slowest, slowest_cpu, metrics, metrics_cpu in summary:
        print(f"| {point} | {entries} | {size / 2**30:.2f} | {wall:.1f} | {cpu:.1f} | {rss:.0f} | {slowest:.0f} | {slowest_cpu:.0f} | {metrics:.0f} | {metrics_cpu:.0f} |")
    print(f"\ndatabase {database} kept; scratch {scratch} (delete both when done)", file=sys.stderr)

def cpu_seconds(serve_pid):
    """CPU time (user + system) used so far by `serve` and by every process of the PostgreSQL cluster (its backends):
    less disturbed by a loaded machine than wall time, which mostly measures the wait for a core."""
    postmaster = int(os.environ.get("BENCH_POSTMASTER_PID", "0"))
    pids = [serve_pid] + ([int(p) for p in os.listdir("/proc") if p.isdigit() and parent(int(p)) == postmaster] if postmaster else [])
    ticks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return ticks / os.sysconf("SC_CLK_TCK")

def parent(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return -1

def serve_and_measure(dll, root):
    port = read.free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(["dotnet", dll, "serve", "--urls", base], env=read.env_for(root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = read.Client(base)
        for _ in range(1200):
            try:
                if client.get("/health")[1] == 200:
                    break
            except OSError:
                time.sleep(0.5)
        time.sleep(10)
        client.sign_in()
        pages, api = read.urls(client)
        rows = []
        for label, path, is_api in [(l, p, False) for l, p in pages] + [(l, p, True) for l, p in api]:
            before = cpu_seconds(server.pid)
            row = read.measure(client, label, path, is_api)
            rows.append(row + ((cpu_seconds(server.pid) - before) * 1000 / (read.RUNS + 1),))
        return rows
    finally:
        server.terminate()
        server.wait(timeout=400)

if __name__ == "__main__":
    main()
