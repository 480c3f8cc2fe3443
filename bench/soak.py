#!/usr/bin/env python3
"""Soak of `backupmonitor serve` (issue 22): does its memory stay flat while reports keep arriving?

  /usr/bin/python3 bench/soak.py                        # 5,000 jobs, SCAN_INTERVAL_SECONDS=5, 12 minutes
  SOAK_MINUTES=20 SOAK_JOBS=5000 /usr/bin/python3 bench/soak.py
  SOAK_DLL=/path/backupmonitor.dll ...                  # a build already published (default: bench.build())
  SOAK_GCDUMP_MINUTES=2,10 SOAK_GCDUMP_DIR=/tmp/dumps ...  # also a dotnet-gcdump of the server at those minutes
  DOTNET_gcServer=0 ... / DOTNET_GCConserveMemory=5 ...  # the server inherits the environment (GC settings)

1,250 agents x 4 databases are registered; `serve` runs on SQLite with SCAN_INTERVAL_SECONDS=5. A writer puts a new
report for every agent (one line and one small backup file per job, a new operation time each round) into staging as
soon as the previous round's reports have left it, so every scan cycle has a full round to record. Every 5 s the
server's resident memory (VmRSS of /proc/PID/status) is sampled. Printed: the curve (one line per minute: RSS,
rounds written, entries recorded) and the verdict: the largest RSS after the first minute against the RSS at the
first minute (goal: at most +10 %). On a loaded machine the first minute may not hold one whole round: read the curve."""
import datetime, hashlib, json, os, shutil, sqlite3, subprocess, sys, tempfile, threading, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402
import read  # noqa: E402

JOBS = int(os.environ.get("SOAK_JOBS", "5000"))
MINUTES = float(os.environ.get("SOAK_MINUTES", "12"))
DATABASES = 4

def agents():
    """Sites of 4 databases, 10 sites a company; the agent's id is the default one (company_city_neighborhood)."""
    return [f"Co{i // 10:04d}_City_Site{i:05d}" for i in range((JOBS + DATABASES - 1) // DATABASES)]

def write_jobs(root):
    with open(os.path.join(root, "jobs.csv"), "w") as f:
        f.write("company,city,neighborhood,database,hour,minute,agent_id,grace_minutes,schedule,time_zone\n")
        for agent in agents():
            company, city, site = agent.split("_")
            for d in range(DATABASES):
                f.write(f"{company},{city},{site},db{d},2,0,,,,\n")

def write_round(staging, round_no):
    """One report per agent, one line per database, each with its own small file and a new operation time."""
    when = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) - datetime.timedelta(seconds=30)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    for agent in agents():
        data = os.path.join(staging, agent, "database")
        log = os.path.join(staging, agent, "log")
        os.makedirs(data, exist_ok=True)
        os.makedirs(log, exist_ok=True)
        lines = []
        for d in range(DATABASES):
            name = f"db{d}_{round_no:05d}.bin"
            content = f"{agent} db{d} round {round_no}\n".encode() * 8
            with open(os.path.join(data, name), "wb") as f:
                f.write(content)
            lines.append({"db_name": f"db{d}", "status": "success", "operation_timestamp_utc": stamp, "staged_file_name": name,
                          "hash_sha256": hashlib.sha256(content).hexdigest(), "size_bytes": len(content)})
        report = {"agent_id": agent, "report_timestamp_utc": stamp, "databases": lines}
        temporary = os.path.join(log, f".STATUS_{round_no:05d}.tmp")
        with open(temporary, "w") as f:
            json.dump(report, f)
        os.rename(temporary, os.path.join(log, f"STATUS_{round_no:05d}.json"))

def pending(staging):
    return sum(1 for agent in agents() for n in os.listdir(os.path.join(staging, agent, "log")) if n.endswith(".json"))

def rss_kib(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))

def cpu_seconds(pid):
    """utime + stime of the process, from /proc/PID/stat (fields 14 and 15, in clock ticks)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def gcdump(pid, minute):
    """A heap dump (types by count and size: `dotnet-gcdump report FILE`); it forces a full collection itself."""
    folder = os.environ.get("SOAK_GCDUMP_DIR") or tempfile.gettempdir()
    path = os.path.join(folder, f"soak-{pid}-min{minute:g}.gcdump")
    subprocess.run(["dotnet-gcdump", "collect", "-p", str(pid), "-o", path], stdout=subprocess.DEVNULL, check=False)
    print(f"gcdump at minute {minute:g}: {path}", file=sys.stderr)

def main():
    dll = os.environ.get("SOAK_DLL") or bench.build()
    scratch = tempfile.mkdtemp(prefix="bm-soak-", dir=os.environ.get("BENCH_DIR"))
    staging = os.path.join(scratch, "staging")
    write_jobs(scratch)
    env = dict(os.environ, BACKUP_ROOT=scratch, SCAN_MIN_FILE_AGE_SECONDS="0", DATABASE_PROVIDER="sqlite",
               API_KEYS=read.KEY, SCAN_INTERVAL_SECONDS="5")
    env.pop("DATABASE_CONNECTION_STRING", None)
    bench.sh("dotnet", dll, "jobs", "import", os.path.join(scratch, "jobs.csv"), env=env)
    write_round(staging, 0)
    rounds = [1]
    stop = threading.Event()

    def writer():
        while not stop.is_set():
            if pending(staging) == 0:
                write_round(staging, rounds[0])
                rounds[0] += 1
            stop.wait(1)

    server = subprocess.Popen(["dotnet", dll, "serve", "--urls", f"http://127.0.0.1:{read.free_port()}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    samples, started = [], time.monotonic()
    dumps = sorted(float(m) for m in os.environ.get("SOAK_GCDUMP_MINUTES", "").split(",") if m.strip())
    try:
        while time.monotonic() - started < MINUTES * 60:
            time.sleep(5)
            if server.poll() is not None:
                raise RuntimeError(f"serve exited with {server.returncode}")
            if dumps and time.monotonic() - started >= dumps[0] * 60:
                gcdump(server.pid, dumps.pop(0))
            samples.append((time.monotonic() - started, rss_kib(server.pid) / 1024, rounds[0],
                            rss_kib(server.pid, "RssAnon") / 1024, rss_kib(server.pid, "RssFile") / 1024,
                            rss_kib(server.pid, "RssShmem") / 1024))
        cpu = cpu_seconds(server.pid)
    finally:
        stop.set()
        thread.join()
        server.terminate()
        server.wait(timeout=400)
    with sqlite3.connect(os.path.join(scratch, "backupmonitor.db")) as db:
        entries = db.execute("SELECT COUNT(*) FROM backup_entries").fetchone()[0]
        scans = db.execute("SELECT COUNT(*) FROM scan_runs").fetchone()[0]
    load = os.getloadavg()
    print(f"Soak {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {JOBS} jobs, SCAN_INTERVAL_SECONDS=5, {MINUTES:g} min; "
          f"{rounds[0]} rounds written, {scans} scans, {entries} entries recorded; server CPU {cpu:.1f} s; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the end")
    print("| minute | RSS MiB (last sample) | max RSS MiB in the minute | of it anonymous / file-backed (code) / shared (the JIT's double-mapped code) MiB | rounds written |")
    print("|---|---|---|---|---|")
    for minute in range(int(MINUTES) + 1):
        inside = [s for s in samples if minute * 60 <= s[0] < (minute + 1) * 60]
        if inside:
            print(f"| {minute + 1} | {inside[-1][1]:.0f} | {max(s[1] for s in inside):.0f} | {inside[-1][3]:.0f} / {inside[-1][4]:.0f} / {inside[-1][5]:.0f} | {inside[-1][2]} |")
    first = [s[1] for s in samples if s[0] < 60][-1]
    later = max(s[1] for s in samples if s[0] >= 60)
    last_minute = [s[1] for s in samples if s[0] >= samples[-1][0] - 60]
    print(f"\nRSS at 1 min {first:.0f} MiB; largest after it {later:.0f} MiB ({100 * (later - first) / first:+.1f} %); "
          f"last minute's mean {sum(last_minute) / len(last_minute):.0f} MiB ({100 * (sum(last_minute) / len(last_minute) - first) / first:+.1f} %). "
          f"Goal: at most +10 %.")
    shutil.rmtree(scratch, ignore_errors=True)

if __name__ == "__main__":
    main()
