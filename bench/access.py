#!/usr/bin/env python3
"""Issue 24: a key limited to one company against an admin key, on the same `serve` and the same history.

  /usr/bin/python3 bench/access.py DLL [ROUNDS]

Builds a SQLite estate of 5,000 jobs (50 companies of 100: 25 sites x 4 databases) x 180 nights (about 3 % failed),
written straight into the database `jobs import` made (no scan: the scan is not what is measured), makes a viewer
key of one company with `keys add`, starts `serve`, and times in turn, ROUNDS times after a warm-up: `GET /api/jobs`
(first page) and the dashboard overview `/`, each with the admin key (API_KEYS) and with the viewer's. The machine
is shared: the requests alternate so both keys see the same load; the load average is printed beside the figures."""
import datetime, html, http.cookiejar, os, random, re, sqlite3, statistics, subprocess, sys, tempfile, time, urllib.parse, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import read  # noqa: E402  (KEY, free_port)

COMPANIES, SITES, DATABASES, DAYS = 50, 25, 4, 180

def cli(dll, env, *args):
    result = subprocess.run(["dotnet", dll, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"backupmonitor {' '.join(args)} failed: {result.stderr}")
    return result.stdout

def build(dll, root, env):
    os.makedirs(root, exist_ok=True)
    csv = os.path.join(root, "jobs.csv")
    with open(csv, "w") as f:
        f.write("company,city,neighborhood,database,hour,minute\n")
        for c in range(COMPANIES):
            for s in range(SITES):
                for d in range(DATABASES):
                    f.write(f"Co{c:02d},City{s % 9},Site{c:02d}{s:02d},db{d},2,0\n")
    cli(dll, env, "jobs", "import", csv)
    db = sqlite3.connect(os.path.join(root, "backupmonitor.db"))
    today = datetime.datetime.now(datetime.timezone.utc).date()
    start = today - datetime.timedelta(days=DAYS)
    stamp = lambda d, h, m: f"{d.isoformat()} {h:02d}:{m:02d}:00"
    db.execute("UPDATE expected_backup_jobs SET created_at_utc = ?", (stamp(start, 0, 0),))
    db.execute("UPDATE job_active_periods SET from_utc = ?", (stamp(start, 0, 0),))
    rng = random.Random(24)
    rows, jobs = [], []
    for job_id, in db.execute("SELECT id FROM expected_backup_jobs ORDER BY id").fetchall():
        last_ok = last_failed = None
        for back in range(DAYS - 1, -1, -1):
            night = today - datetime.timedelta(days=back)
            ok = rng.random() >= 0.03
            at = stamp(night, 2, 10)
            if ok:
                last_ok = at
                rows.append((job_id, "success", at, 1000 + back, f"job{job_id}/{night:%Y%m%d}.sql.gz", stamp(night, 2, 15)))
            else:
                last_failed = at
                rows.append((job_id, "failed", at, None, None, stamp(night, 2, 15)))
        jobs.append(("ok" if rows[-1][1] == "success" else "failed", last_ok, last_failed, job_id))
    db.executemany("INSERT INTO backup_entries (expected_job_id, status, agent_report_timestamp_utc, server_calculated_staged_size, "
                   "validated_path, created_at_utc) VALUES (?, ?, ?, ?, ?, ?)", rows)
    db.executemany("UPDATE expected_backup_jobs SET current_status = ?, last_successful_backup_utc = ?, last_failed_backup_utc = ? WHERE id = ?", jobs)
    db.commit()
    db.close()
    return len(rows)

def timed(opener, url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    started = time.perf_counter()
    with opener.open(request, timeout=300) as response:
        body = response.read()
    return (time.perf_counter() - started) * 1000, len(body)

def signed_in(base, key):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/signin").read().decode()
    token = html.unescape(re.search(r'name="__RequestVerificationToken" type="hidden" value="([^"]+)"', page).group(1))
    form = urllib.parse.urlencode({"ApiKey": key, "__RequestVerificationToken": token}).encode()
    overview = opener.open(urllib.request.Request(base + "/signin", data=form)).read().decode()
    if "Overview" not in overview:
        sys.exit("the dashboard's sign-in did not open the overview")
    return opener

def main():
    dll = os.path.abspath(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    with tempfile.TemporaryDirectory(prefix="bm-access-") as folder:
        root = os.path.join(folder, "root")
        env = dict(os.environ, BACKUP_ROOT=root, DATABASE_PROVIDER="sqlite", API_KEYS=read.KEY, SCAN_INTERVAL_SECONDS="86400")
        env.pop("DATABASE_CONNECTION_STRING", None)
        entries = build(dll, root, env)
        viewer = cli(dll, env, "keys", "add", "--name", "co07-portal", "--role", "viewer", "--company", "Co07").strip()
        port = read.free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(["dotnet", dll, "serve", "--urls", base], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(120):
                try:
                    urllib.request.urlopen(base + "/health", timeout=5).read()
                    break
                except OSError:
                    time.sleep(1)
            plain = urllib.request.build_opener()
            sessions = {"admin": signed_in(base, read.KEY), "viewer": signed_in(base, viewer)}
            # The viewer's overview names its company only; the admin's names them all.
            assert "Co08" not in sessions["viewer"].open(base + "/").read().decode()
            assert "Co08" in sessions["admin"].open(base + "/?company=Co08").read().decode()
            keys = {"admin": read.KEY, "viewer": viewer}
            cases = [(f"GET /api/jobs ({who})", lambda who=who: timed(plain, base + "/api/jobs", {"Authorization": f"Bearer {keys[who]}"}))
                     for who in keys] + [(f"overview / ({who})", lambda who=who: timed(sessions[who], base + "/")) for who in keys]
            times = {name: [] for name, _ in cases}
            sizes = {}
            for i in range(rounds + 3):
                for name, run in cases:
                    ms, size = run()
                    sizes[name] = size
                    if i >= 3:
                        times[name].append(ms)
            print(f"{COMPANIES * SITES * DATABASES} jobs x {DAYS} nights, {entries} entries, SQLite; {rounds} rounds; load {os.getloadavg()[0]:.1f}")
            for name, values in times.items():
                print(f"  {name:28} min {min(values):8.1f} ms  median {statistics.median(values):8.1f} ms  ({sizes[name]:,} bytes)")
        finally:
            server.terminate()
            server.wait()

if __name__ == "__main__":
    main()
