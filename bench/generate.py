#!/usr/bin/env python3
"""Writes a staging tree for BackupMonitor: N agents x M databases, each with one backup file of SIZE bytes
and one STATUS.json per agent; every Kth backup is corrupted (its claimed hash is wrong). Also writes jobs.csv.
With --hourly, each agent also has a `txlog` job on the cron schedule `0 * * * *` (one more backup file each).
Content is pseudo-random but reproducible (seeded), so every run hashes the same bytes."""
import argparse, hashlib, json, os, random

def main():
    p = argparse.ArgumentParser()
    p.add_argument("root")
    p.add_argument("--agents", type=int, required=True)
    p.add_argument("--databases", type=int, default=1)
    p.add_argument("--size", type=int, required=True, help="bytes per backup file")
    p.add_argument("--corrupt-every", type=int, default=0)
    p.add_argument("--hourly", action="store_true", help="add one hourly-scheduled txlog job per agent")
    a = p.parse_args()
    rng = random.Random(42)
    block = rng.randbytes(1 << 20)
    jobs = ["company,city,neighborhood,database,hour,minute,agent_id,grace_minutes,schedule,time_zone"]
    n = 0
    for i in range(a.agents):
        agent = f"Bench{i:05d}_City_Centre"
        log = os.path.join(a.root, "staging", agent, "log")
        data = os.path.join(a.root, "staging", agent, "database")
        os.makedirs(log, exist_ok=True)
        os.makedirs(data, exist_ok=True)
        lines = []
        names = [f"db{d}" for d in range(a.databases)] + (["txlog"] if a.hourly else [])
        for d, name in enumerate(names):
            h = hashlib.sha256()
            with open(os.path.join(data, f"{name}.sql.gz"), "wb") as f:
                prefix = f"{agent}/{name}\n".encode()
                f.write(prefix); h.update(prefix)
                left = a.size - len(prefix)
                offset = (i * 7919 + d * 104729) % len(block)
                while left > 0:
                    chunk = (block[offset:] + block[:offset])[:min(left, len(block))]
                    f.write(chunk); h.update(chunk); left -= len(chunk)
            digest = h.hexdigest()
            n += 1
            if a.corrupt_every and n % a.corrupt_every == 0:
                digest = "0" * 64
            lines.append({"db_name": name, "status": "success", "operation_timestamp_utc": "2026-11-23T02:10:00Z",
                          "staged_file_name": f"{name}.sql.gz", "hash_sha256": digest, "size_bytes": a.size,
                          "agent_transfer_process_status": "completed", "logs_summary": "bench"})
            jobs.append(f"Bench{i:05d},City,Centre,{name},,,,,0 * * * *,UTC" if name == "txlog" else f"Bench{i:05d},City,Centre,{name},2,0,,,,")
        with open(os.path.join(log, "STATUS.json"), "w") as f:
            json.dump({"agent_id": agent, "report_timestamp_utc": "2026-11-23T02:15:00Z", "databases": lines}, f)
        os.utime(os.path.join(log, "STATUS.json"), (0, 0))
    with open(os.path.join(a.root, "jobs.csv"), "w") as f:
        f.write("\n".join(jobs) + "\n")

if __name__ == "__main__":
    main()
