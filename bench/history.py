#!/usr/bin/env python3
"""Writes a staging tree holding DAYS days of history for JOBS jobs, for the scan to record (bench/read.py).

Companies of 20 jobs (5 sites x 4 databases); each site's agent leaves one report per 30 days, each line a night's
backup at 02:10 UTC: mostly successes with their file (a few hundred bytes, growing a little every day), about 3 %
failed (no file), 0.5 % announced with a wrong hash, 1 % never reported. Reproducible (seeded). Also writes jobs.csv."""
import argparse, datetime, hashlib, json, os, random

def main():
    p = argparse.ArgumentParser()
    p.add_argument("root")
    p.add_argument("--jobs", type=int, default=5000)
    p.add_argument("--days", type=int, default=180)
    p.add_argument("--end", required=True, help="UTC date (YYYY-MM-DD) of the newest night")
    a = p.parse_args()
    rng = random.Random(17)
    block = rng.randbytes(1 << 16)
    end = datetime.date.fromisoformat(a.end)
    jobs = ["company,city,neighborhood,database,hour,minute"]
    sites = (a.jobs + 3) // 4
    files = lines_total = 0
    for s in range(sites):
        company, city, site = f"Co{s // 5:04d}", f"City{s % 9}", f"Site{s:05d}"
        agent = f"{company}_{city}_{site}"
        log = os.path.join(a.root, "staging", agent, "log")
        data = os.path.join(a.root, "staging", agent, "database")
        os.makedirs(log, exist_ok=True)
        os.makedirs(data, exist_ok=True)
        databases = [f"db{d}" for d in range(min(4, a.jobs - s * 4))]
        for db in databases:
            jobs.append(f"{company},{city},{site},{db},2,0")
        lines = []
        for back in range(a.days - 1, -1, -1):
            night = end - datetime.timedelta(days=back)
            when = f"{night.isoformat()}T02:10:00Z"
            for i, db in enumerate(databases):
                roll = rng.random()
                if roll < 0.01:
                    continue
                if roll < 0.04:
                    lines.append({"db_name": db, "status": "failed", "operation_timestamp_utc": when,
                                  "error_msg": "pg_dump: connection to server refused", "logs_summary": "bench"})
                    continue
                name = f"{db}_{night:%Y%m%d}.sql.gz"
                size = 200 + (s * 7 + i * 13) % 400 + (a.days - back)
                offset = (s * 131 + i * 17 + back) % (len(block) - size)
                content = f"{agent}/{name}\n".encode() + block[offset:offset + size]
                with open(os.path.join(data, name), "wb") as f:
                    f.write(content)
                files += 1
                digest = "0" * 64 if roll < 0.045 else hashlib.sha256(content).hexdigest()
                lines.append({"db_name": db, "status": "success", "operation_timestamp_utc": when, "staged_file_name": name,
                              "hash_sha256": digest, "size_bytes": len(content), "agent_transfer_process_status": "completed",
                              "logs_summary": "bench"})
        lines_total += len(lines)
        for chunk in range(0, len(lines), 120):
            part = lines[chunk:chunk + 120]
            path = os.path.join(log, f"STATUS_{chunk // 120:03d}.json")
            with open(path, "w") as f:
                json.dump({"agent_id": agent, "report_timestamp_utc": part[-1]["operation_timestamp_utc"].replace("02:10", "02:15"),
                           "databases": part}, f)
            os.utime(path, (0, 0))
    with open(os.path.join(a.root, "jobs.csv"), "w") as f:
        f.write("\n".join(jobs) + "\n")
    print(json.dumps({"jobs": len(jobs) - 1, "lines": lines_total, "files": files}))

if __name__ == "__main__":
    main()
