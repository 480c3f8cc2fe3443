#!/usr/bin/env python3
"""`GET /metrics` A/B (issue 22): two `serve` processes, each on its own copy of the same history, scraped in turn.

  /usr/bin/python3 bench/metrics.py BEFORE_DLL AFTER_DLL HISTORY_DB [SCRAPES]

HISTORY_DB is a SQLite database a read.py run built (its scratch folder's root/backupmonitor.db); each contender gets
its own copy (the AFTER one is migrated by its own `serve` at start). Scrapes alternate BEFORE, AFTER, BEFORE… so both
see the same load; the load average is printed beside the figures, and the minimum is the least disturbed figure.
The machine is shared: wall times are only comparable within one run. For a load-independent comparison of the
SQL a scrape runs, see metrics_sql.py (instruction counts under callgrind)."""
import os, shutil, statistics, subprocess, sys, tempfile, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import read  # noqa: E402  (KEY, free_port)

def start(dll, root):
    port = read.free_port()
    env = dict(os.environ, BACKUP_ROOT=root, SCAN_MIN_FILE_AGE_SECONDS="0", DATABASE_PROVIDER="sqlite",
               API_KEYS=read.KEY, SCAN_INTERVAL_SECONDS="86400")
    env.pop("DATABASE_CONNECTION_STRING", None)
    server = subprocess.Popen(["dotnet", dll, "serve", "--urls", f"http://127.0.0.1:{port}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return server, f"http://127.0.0.1:{port}"

def scrape(base):
    request = urllib.request.Request(base + "/metrics", headers={"Authorization": f"Bearer {read.KEY}"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:
        body = response.read()
    return (time.perf_counter() - started) * 1000, body

def wait_ready(base):
    for _ in range(1200):
        try:
            with urllib.request.urlopen(base + "/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(base + " never became healthy")

def main():
    before_dll, after_dll, history = sys.argv[1:4]
    scrapes = int(sys.argv[4]) if len(sys.argv) > 4 else 9
    scratch = tempfile.mkdtemp(prefix="bm-metrics-", dir=os.environ.get("BENCH_DIR"))
    servers, results = [], {}
    try:
        for name, dll in (("before", before_dll), ("after", after_dll)):
            root = os.path.join(scratch, name)
            os.makedirs(root)
            shutil.copy(history, os.path.join(root, "backupmonitor.db"))
            server, base = start(dll, root)
            servers.append((name, server, base))
        for name, _, base in servers:
            wait_ready(base)
        time.sleep(20)  # the scan each `serve` runs at start
        for name, _, base in servers:
            scrape(base)  # warm-up
        for _ in range(scrapes):
            for name, _, base in servers:
                elapsed, body = scrape(base)
                results.setdefault(name, []).append(elapsed)
                entries = sum(float(line.split()[-1]) for line in body.decode().splitlines() if line.startswith("backupmonitor_entries{"))
                results.setdefault(name + " entries", []).append(entries)
    finally:
        for _, server, _ in servers:
            server.terminate()
            server.wait(timeout=300)
        shutil.rmtree(scratch, ignore_errors=True)
    load = os.getloadavg()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}, "
          f"{scrapes} scrapes each, alternating")
    print("| contender | entries counted | min ms | median ms | max ms |")
    print("|---|---|---|---|---|")
    for name in ("before", "after"):
        times = results[name]
        print(f"| {name} | {results[name + ' entries'][-1]:.0f} | {min(times):.1f} | {statistics.median(times):.1f} | {max(times):.1f} |")

if __name__ == "__main__":
    main()
