#!/usr/bin/env python3
"""Retention at scale (issue 26): `retention plan` and `retention apply` over JOBS jobs x BENCH_BACKUPS nightly backups.

  /usr/bin/python3 bench/retention_bench.py                  # plan over 1,000 and 10,000 jobs; apply over 1,000 (with files)
  /usr/bin/python3 bench/retention_bench.py 2500 10000       # plan over these sizes
  BENCH_APPLY_JOBS=250,1000 ...   # sizes given real files in validated storage and applied (default 1000; "" for none)
  BENCH_BACKUPS=400 BENCH_POLICY=daily=7,weekly=4,monthly=12 BENCH_DIR=/some/disk BENCH_DLL=/path/backupmonitor.dll
  BENCH_KEEP=1                    # leave the scratch databases and files (default: removed at the end)
  BENCH_PURGE=1                   # after each apply, a second one with RETENTION_TRASH_DAYS=0: the purge of every trashed file

For each size, one SQLite database (BACKUP_ROOT=<scratch>/<jobs>): `backupmonitor jobs import` registers the jobs
(sites of 4 databases, untimed; it also creates the schema), then BENCH_BACKUPS nights of validated `success` entries
per job, the newest last night at 02:10 UTC, go in with direct SQL (never through the scan): the entries table's
indexes and triggers are dropped for the load and made again after it, the history summary is rebuilt, every job is
`ok` with no failure, then ANALYZE. For the sizes in BENCH_APPLY_JOBS every entry's file (64 bytes, its real SHA-256
and size) is written under validated/<agent>/<db>/ too. Then, under /usr/bin/time -v:
  - `retention plan --format json > /dev/null` (every job, every backup: keep or prune);
  - `retention apply --format json` (sizes with files only): marks and moves every pruned file to the trash.
Both with RETENTION=BENCH_POLICY and RETENTION_MAX_PRUNE_PERCENT=100: the policy prunes ~94 % of each job's 400
backups, which the default limit (50 %) would refuse job by job (nothing pruned, a warning per job).
Printed: one table row per timed command (wall, CPU, peak RSS, backups planned/s, files moved/s) and the load average."""
import datetime, hashlib, json, os, shutil, sqlite3, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402

BACKUPS = int(os.environ.get("BENCH_BACKUPS", "400"))
POLICY = os.environ.get("BENCH_POLICY", "daily=7,weekly=4,monthly=12")
APPLY_JOBS = [int(n) for n in os.environ.get("BENCH_APPLY_JOBS", "1000").split(",") if n.strip()]
DATABASES = 4
CONTENT = 64  # bytes in each backup file

def site_of(job):
    """(company, city, site, database) of the job numbered `job` (0-based): companies of 5 sites x 4 databases."""
    site, database = divmod(job, DATABASES)
    return f"Co{site // 5:04d}", f"City{site % 9}", f"Site{site:05d}", f"db{database}"

def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])

def env_for(work):
    env = dict(os.environ, BACKUP_ROOT=work, DATABASE_PROVIDER="sqlite", RETENTION=POLICY, RETENTION_MAX_PRUNE_PERCENT="100")
    env.pop("DATABASE_CONNECTION_STRING", None)
    return env

def timed_quiet(args, env):
    """bench.timed, but stdout goes to /dev/null (a fleet's plan is gigabytes of JSON) or to a small file."""
    out = tempfile.NamedTemporaryFile("w+", delete=False)
    try:
        load = load_average()
        started = time.monotonic()
        wall, cpu, rss, _ = bench.timed(["sh", "-c", 'exec "$@" > "$BENCH_STDOUT"', "sh", *args], env=dict(env, BENCH_STDOUT=out.name if "apply" in args else "/dev/null"))
        out.seek(0)
        return wall, cpu, rss, out.read(), load, time.monotonic() - started
    finally:
        out.close()
        os.unlink(out.name)

def build(dll, work, jobs, with_files):
    """The database (and files) of `jobs` jobs x BACKUPS backups; returns (seconds to build, entries)."""
    started = time.monotonic()
    os.makedirs(work)
    with open(os.path.join(work, "jobs.csv"), "w") as f:
        f.write("company,city,neighborhood,database,hour,minute\n")
        for job in range(jobs):
            company, city, site, db = site_of(job)
            f.write(f"{company},{city},{site},{db},2,0\n")
    bench.sh("dotnet", dll, "jobs", "import", os.path.join(work, "jobs.csv"), env=env_for(work))
    database = os.path.join(work, "backupmonitor.db")
    today = datetime.datetime.now(datetime.timezone.utc).date()
    first_night = today - datetime.timedelta(days=BACKUPS)
    with sqlite3.connect(database, isolation_level=None) as db:
        ids = {agent + "/" + name: job_id for job_id, agent, name in
               db.execute("SELECT id, agent_id_responsible, database_name FROM expected_backup_jobs")}
        db.execute("PRAGMA synchronous=OFF")
        db.execute("BEGIN")
        saved = db.execute("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'backup_entries' AND type IN ('index', 'trigger') AND sql IS NOT NULL").fetchall()
        for kind, name, _ in saved:
            db.execute(f"DROP {kind.upper()} {name}")
        validated = os.path.join(work, "validated")
        def rows():
            for job in range(jobs):
                company, city, site, name = site_of(job)
                agent = f"{company}_{city}_{site}"
                job_id = ids[f"{agent}/{name}"]
                folder = os.path.join(validated, agent, name)
                if with_files:
                    os.makedirs(folder)
                for back in range(BACKUPS, 0, -1):
                    night = datetime.datetime.combine(today - datetime.timedelta(days=back), datetime.time(2, 10))
                    staged = f"{name}_{night:%Y%m%d}.sql.gz"
                    relative = f"{agent}/{name}/{night:%Y%m%dT%H%M%SZ}_{staged}"
                    content = f"{relative}\n".encode().ljust(CONTENT, b".")[:CONTENT]
                    if with_files:
                        with open(os.path.join(folder, f"{night:%Y%m%dT%H%M%SZ}_{staged}"), "wb") as f:
                            f.write(content)
                        digest = hashlib.sha256(content).hexdigest()
                    else:
                        digest = f"{job_id:032x}{back:032x}"  # 64 hex digits; no file to match
                    when = night.strftime("%Y-%m-%d %H:%M:%S")
                    created = (night + datetime.timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M:%S")
                    yield (job_id, when, created, digest, CONTENT, staged, digest, CONTENT, relative)
        db.executemany("INSERT INTO backup_entries (expected_job_id, status, agent_report_timestamp_utc, created_at_utc, agent_reported_hash_sha256, "
                       "agent_reported_size_bytes, agent_staged_file_name, agent_transfer_process_status, server_calculated_staged_hash, "
                       "server_calculated_staged_size, hash_comparison_result, validated_path, content_check, content_check_detail) "
                       "VALUES (?, 'success', ?, ?, ?, ?, ?, 'completed', ?, ?, 1, ?, 'skipped', 'not a known format')", rows())
        for kind, _, sql in sorted(saved, key=lambda s: s[0] != "index"):  # indexes first, then triggers
            db.execute(sql)
        last = datetime.datetime.combine(today - datetime.timedelta(days=1), datetime.time(2, 10)).strftime("%Y-%m-%d %H:%M:%S")
        since = datetime.datetime.combine(first_night - datetime.timedelta(days=1), datetime.time()).strftime("%Y-%m-%d %H:%M:%S")
        db.execute("UPDATE expected_backup_jobs SET current_status = 'ok', last_successful_backup_utc = ?, last_failed_backup_utc = NULL, "
                   "created_at_utc = ?", (last, since))
        db.execute("DELETE FROM history_counts")
        db.execute("INSERT INTO history_counts (family, label, label2, n) SELECT 'entries', status, '', COUNT(*) FROM backup_entries GROUP BY status")
        db.execute("INSERT INTO history_counts (family, label, label2, n) SELECT 'content_checks', content_check, '', COUNT(*) FROM backup_entries "
                   "WHERE content_check IS NOT NULL GROUP BY content_check")
        db.execute("INSERT INTO history_counts (family, label, label2, n) SELECT 'jobs', current_status, '', COUNT(*) FROM expected_backup_jobs "
                   "WHERE is_active GROUP BY current_status")
        db.execute("COMMIT")
        db.execute("ANALYZE")
        entries = db.execute("SELECT COUNT(*) FROM backup_entries").fetchone()[0]
    return time.monotonic() - started, entries

def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    dll = os.environ.get("BENCH_DLL") or bench.build()
    scratch = tempfile.mkdtemp(prefix="bm-retention-", dir=os.environ.get("BENCH_DIR"))
    print(f"scratch {scratch}; policy {POLICY}; {BACKUPS} backups a job; files for {APPLY_JOBS or 'no'} jobs", file=sys.stderr)
    rows = []
    try:
        for jobs in sorted(set(sizes) | set(APPLY_JOBS)):
            work = os.path.join(scratch, str(jobs))
            files = jobs in APPLY_JOBS
            seconds, entries = build(dll, work, jobs, files)
            print(f"{jobs} jobs: {entries} entries{' and files' if files else ''} loaded in {seconds:.0f} s (load {load_average()})", file=sys.stderr)
            wall, cpu, rss, _, load, _ = timed_quiet(["dotnet", dll, "retention", "plan", "--format", "json"], env_for(work))
            rows.append((jobs, entries, "plan", wall, cpu, rss, entries / wall, None, load))
            print(f"  plan: {wall:.2f} s wall, {cpu:.2f} s CPU, {rss:.0f} MiB (load {load})", file=sys.stderr)
            if files:
                wall, cpu, rss, out, load, _ = timed_quiet(["dotnet", dll, "retention", "apply", "--format", "json"], env_for(work))
                summary = json.loads(out)
                pruned = summary.get("pruned", 0)
                trashed = sum(len(f) for _, _, f in os.walk(os.path.join(work, "trash")))
                rows.append((jobs, entries, "apply", wall, cpu, rss, entries / wall, pruned / wall, load))
                print(f"  apply: {wall:.2f} s wall, {cpu:.2f} s CPU, {rss:.0f} MiB, {pruned} pruned, {trashed} files in the trash, "
                      f"{summary.get('problems')} problems (load {load}); summary {json.dumps(summary)}", file=sys.stderr)
                if os.environ.get("BENCH_PURGE") == "1":
                    # The purge RETENTION_TRASH_DAYS later, now: a second apply with RETENTION_TRASH_DAYS=0 deletes every trashed file.
                    wall, cpu, rss, out, load, _ = timed_quiet(["dotnet", dll, "retention", "apply", "--format", "json"], dict(env_for(work), RETENTION_TRASH_DAYS="0"))
                    summary = json.loads(out)
                    purged = summary.get("purged", 0)
                    rows.append((jobs, entries, "apply (purge)", wall, cpu, rss, entries / wall, purged / wall, load))
                    print(f"  purge: {wall:.2f} s wall, {cpu:.2f} s CPU, {rss:.0f} MiB, {purged} purged (load {load}); summary {json.dumps(summary)}", file=sys.stderr)
    finally:
        if os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(scratch, ignore_errors=True)
    print("| jobs | backups | command | wall s | CPU s | peak RSS MiB | backups planned/s | files moved (or purged)/s | load (1, 5, 15 min) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for jobs, entries, command, wall, cpu, rss, planned, moved, load in rows:
        print(f"| {jobs} | {entries} | {command} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {planned:,.0f} | {'' if moved is None else f'{moved:,.0f}'} | {load} |")

if __name__ == "__main__":
    main()
