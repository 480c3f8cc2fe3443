#!/usr/bin/env python3
"""BackupMonitor read benchmark (issue 17): every dashboard page and API call on a year-scale history.

  /usr/bin/python3 bench/read.py                         # 5,000 jobs x 180 days (about 890,000 entries)
  BENCH_JOBS=1000 BENCH_DAYS=90 /usr/bin/python3 bench/read.py   # smaller
  BENCH_RUNS=9 ...                                        # timed requests per URL (default 7; the median is reported)
  BENCH_REUSE=/tmp/bm-read-xxxx ...                       # time again on a history built by an earlier run
  BENCH_POSTGRES="Host=127.0.0.1;Port=54329;Username=postgres" ...   # on PostgreSQL (a fresh database bm_read_<pid>)

The history is built THROUGH THE SCAN: history.py writes every night's report lines and backup files into the
staging tree, `backupmonitor jobs import` registers the jobs (their registration is then dated back before the
history, as if they had been watched all along), and one `backupmonitor scan` records every line — verifying each
file's hash and moving it, exactly as in production. Then `backupmonitor serve` runs on 127.0.0.1 with SQLite (the
default provider), the dashboard is signed into once, and each URL is fetched once to warm up, then BENCH_RUNS
times: median and slowest wall time of the whole request (loopback, body read), and the body's size."""
import datetime, http.cookiejar, json, os, re, socket, sqlite3, statistics, subprocess, sys, tempfile, time, urllib.parse, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (build() and timed() of the scan benchmark)

KEY = "bench-read-key-0123456789abcdef0123456789"
JOBS = int(os.environ.get("BENCH_JOBS", "5000"))
DAYS = int(os.environ.get("BENCH_DAYS", "180"))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
POSTGRES = os.environ.get("BENCH_POSTGRES")

def postgres_parts():
    parts = dict(p.split("=", 1) for p in POSTGRES.split(";") if p)
    return parts.get("Host", "127.0.0.1"), parts.get("Port", "5432"), parts.get("Username", "postgres")

def psql(database, sql):
    host, port, user = postgres_parts()
    bench.sh("psql", "-h", host, "-p", port, "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1", "-c", sql)

def env_for(root, port=None):
    env = dict(os.environ, BACKUP_ROOT=root, SCAN_MIN_FILE_AGE_SECONDS="0", DATABASE_PROVIDER="sqlite",
               API_KEYS=KEY, SCAN_INTERVAL_SECONDS="86400")
    env.pop("DATABASE_CONNECTION_STRING", None)
    database = os.path.join(root, "postgres-database")
    if POSTGRES and os.path.exists(database):
        with open(database) as f:
            env.update(DATABASE_PROVIDER="postgres", DATABASE_CONNECTION_STRING=f"{POSTGRES};Database={f.read().strip()}")
    return env

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port

def build_history(dll, root):
    today = datetime.datetime.now(datetime.timezone.utc).date()
    started = time.monotonic()
    out = bench.sh("/usr/bin/python3", os.path.join(HERE, "history.py"), root, "--jobs", str(JOBS), "--days", str(DAYS),
                   "--end", today.isoformat())
    made = json.loads(out.stdout)
    print(f"generated {made} in {time.monotonic() - started:.0f} s", file=sys.stderr)
    if POSTGRES:
        name = f"bm_read_{os.getpid()}"
        psql("postgres", f"CREATE DATABASE {name}")
        with open(os.path.join(root, "postgres-database"), "w") as f:
            f.write(name)
    env = env_for(root)
    bench.sh("dotnet", dll, "jobs", "import", os.path.join(root, "jobs.csv"), env=env)
    since = (today - datetime.timedelta(days=DAYS + 1)).isoformat() + " 00:00:00"
    if POSTGRES:
        psql(name, f"UPDATE expected_backup_jobs SET created_at_utc = '{since}+00'")
    else:
        with sqlite3.connect(os.path.join(root, "backupmonitor.db")) as db:
            db.execute("UPDATE expected_backup_jobs SET created_at_utc = ?", (since,))
    wall, cpu, rss, stdout = bench.timed(["dotnet", dll, "scan", "--format", "json"], env=env)
    summary = json.loads(stdout)
    rate = summary["entries_created"] / wall
    print(f"scan: {summary['entries_created']} entries in {wall:.0f} s wall ({rate:.0f}/s), {cpu:.0f} s CPU, {rss:.0f} MiB", file=sys.stderr)
    return made, summary, wall, cpu, rss

class Client:
    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path, api=False):
        request = urllib.request.Request(self.base + path)
        if api:
            request.add_header("Authorization", f"Bearer {KEY}")
        started = time.perf_counter()
        with self.opener.open(request, timeout=120) as response:
            body = response.read()
            return time.perf_counter() - started, response.status, body, response.headers

    def sign_in(self):
        _, _, page, _ = self.get("/signin")
        token = re.search(rb'name="__RequestVerificationToken" type="hidden" value="([^"]+)"', page).group(1).decode()
        form = urllib.parse.urlencode({"ApiKey": KEY, "__RequestVerificationToken": token}).encode()
        self.opener.open(urllib.request.Request(self.base + "/signin", data=form), timeout=60).read()

def measure(client, label, path, api):
    first = client.get(path, api)[0] * 1000  # warm-up: compiled queries, page cache, the minute's company counts
    times, size = [], 0
    for _ in range(RUNS):
        elapsed, status, body, _ = client.get(path, api)
        assert status == 200, (path, status)
        times.append(elapsed * 1000)
        size = max(size, len(body))
    row = (label, path, statistics.median(times), max(times), size, first)
    print(f"{label:38} {row[2]:8.1f} ms median {row[3]:8.1f} max {first:8.1f} first {size / 1024:9.1f} KiB  {path}", file=sys.stderr)
    return row

def urls(client):
    """The dashboard pages and API calls timed, for one failing job (or the first) and its company."""
    failed = json.loads(client.get("/api/jobs?status=failed&limit=1", api=True)[2])
    job = failed[0] if failed else json.loads(client.get("/api/jobs?limit=1", api=True)[2])[0]
    jid, company = job["id"], job["company_name"]
    first_jobs = client.get("/api/jobs?limit=10", api=True)[3].get("Link", "")
    after_job = re.search(r"after_id=(\d+)", first_jobs).group(1)
    first_entries = client.get(f"/api/jobs/{jid}/entries?limit=10", api=True)[3].get("Link", "")
    after_entry = re.search(r"after_id=(\d+)", first_entries).group(1)
    pages = [
        ("overview", "/"),
        ("overview, page 30", "/?p=30"),
        ("overview, failed only", "/?status=failed"),
        ("overview, search", "/?q=site0042"),
        ("overview, sorted by last success", "/?sort=last_success&dir=desc"),
        ("overview, one company", "/?company=" + urllib.parse.quote(company)),
        ("overview, company table sorted", "/?csort=compliance"),
        ("job page", f"/jobs/{jid}"),
        ("job page, entries page 5", f"/jobs/{jid}?p=5"),
        ("notifications", "/notifications"),
    ]
    api = [
        ("GET /api/jobs (default: 1,000)", "/api/jobs"),
        ("GET /api/jobs?limit=100", "/api/jobs?limit=100"),
        ("GET /api/jobs?limit=100&after_id", f"/api/jobs?limit=100&after_id={after_job}"),
        ("GET /api/jobs?status=failed", "/api/jobs?status=failed"),
        ("GET /api/jobs/{id}", f"/api/jobs/{jid}"),
        ("GET /api/jobs/{id}/entries", f"/api/jobs/{jid}/entries"),
        ("GET /api/jobs/{id}/entries?after_id", f"/api/jobs/{jid}/entries?limit=50&after_id={after_entry}"),
        ("GET /api/jobs/{id}/entries?limit=1000", f"/api/jobs/{jid}/entries?limit=1000"),
        ("GET /api/notifications", "/api/notifications"),
        ("GET /metrics", "/metrics"),
        ("GET /health", "/health"),
    ]
    return pages, api

def main():
    dll = bench.build()
    if os.environ.get("BENCH_REUSE"):
        scratch = os.environ["BENCH_REUSE"]
        root = os.path.join(scratch, "root")
        with open(os.path.join(scratch, "history.json")) as f:
            made, summary, scan_wall, scan_cpu, scan_rss = json.load(f)
    else:
        scratch = tempfile.mkdtemp(prefix="bm-read-", dir=os.environ.get("BENCH_DIR"))
        root = os.path.join(scratch, "root")
        made, summary, scan_wall, scan_cpu, scan_rss = build_history(dll, root)
        with open(os.path.join(scratch, "history.json"), "w") as f:
            json.dump([made, summary, scan_wall, scan_cpu, scan_rss], f)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(["dotnet", dll, "serve", "--urls", base], env=env_for(root), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        client = Client(base)
        for _ in range(600):
            try:
                if client.get("/health")[1] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        time.sleep(10)  # the scan `serve` runs at start finds nothing new; let it finish before timing
        client.sign_in()
        pages, api = urls(client)
        rows = [measure(client, label, path, False) for label, path in pages]
        rows += [measure(client, label, path, True) for label, path in api]
    finally:
        server.terminate()
        server.wait(timeout=400)
    load = os.getloadavg()
    print(f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores "
          f"(load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the end): {made['jobs']} jobs x {DAYS} days, "
          f"{summary['entries_created']} entries recorded by one scan in {scan_wall:.0f} s wall "
          f"({summary['entries_created'] / scan_wall:.0f} entries/s, {scan_cpu:.0f} s CPU, peak RSS {scan_rss:.0f} MiB); "
          f"{'PostgreSQL' if POSTGRES else 'SQLite'}; {RUNS} timed requests per URL after one warm-up.\n")
    print("| what | median ms | slowest ms | first (cold) ms | KiB |")
    print("|---|---|---|---|---|")
    for label, path, median, slowest, size, first in rows:
        print(f"| {label} | {median:.0f} | {slowest:.0f} | {first:.0f} | {size / 1024:.0f} |")
    print(f"\nscratch folder (delete when done): {scratch}", file=sys.stderr)

if __name__ == "__main__":
    main()
