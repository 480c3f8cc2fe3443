#!/usr/bin/env python3
"""Writes a staging tree for BackupMonitor: N agents x M databases, each with one backup file of SIZE bytes
and one STATUS.json per agent; every Kth backup is corrupted (its claimed hash is wrong). Also writes jobs.csv.
With --hourly, each agent also has a `txlog` job on the cron schedule `0 * * * *` (one more backup file each).
Content is pseudo-random but reproducible (seeded), so every run hashes the same bytes."""
import argparse, gzip, hashlib, json, os, random

def main():
    p = argparse.ArgumentParser()
    p.add_argument("root")
    p.add_argument("--agents", type=int, required=True)
    p.add_argument("--databases", type=int, default=1)
    p.add_argument("--size", type=int, required=True, help="bytes per backup file")
    p.add_argument("--corrupt-every", type=int, default=0)
    p.add_argument("--hourly", action="store_true", help="add one hourly-scheduled txlog job per agent")
    p.add_argument("--dumps", action="store_true", help="gzip'd plain SQL dumps of SIZE uncompressed bytes instead of random bytes")
    a = p.parse_args()
    rng = random.Random(42)
    block = rng.randbytes(1 << 20)
    body = dump_body(a.size, rng) if a.dumps else None
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
            if body is not None:
                # Two gzip members (a valid gzip, as `cat a.gz b.gz`): the header naming the job, then the shared dump body.
                header = gzip.compress(f"--\n-- PostgreSQL database dump\n--\n\n-- {agent} {name}\n".encode(), mtime=0)
                with open(os.path.join(data, f"{name}.sql.gz"), "wb") as f:
                    f.write(header); f.write(body)
                h.update(header); h.update(body)
                size = len(header) + len(body)
            else:
              size = a.size
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
                          "staged_file_name": f"{name}.sql.gz", "hash_sha256": digest, "size_bytes": size,
                          "agent_transfer_process_status": "completed", "logs_summary": "bench"})
            jobs.append(f"Bench{i:05d},City,Centre,{name},,,,,0 * * * *,UTC" if name == "txlog" else f"Bench{i:05d},City,Centre,{name},2,0,,,,")
        with open(os.path.join(log, "STATUS.json"), "w") as f:
            json.dump({"agent_id": agent, "report_timestamp_utc": "2026-11-23T02:15:00Z", "databases": lines}, f)
        os.utime(os.path.join(log, "STATUS.json"), (0, 0))
    with open(os.path.join(a.root, "jobs.csv"), "w") as f:
        f.write("\n".join(jobs) + "\n")

def dump_body(size, rng):
    """About SIZE bytes of pg_dump-like COPY rows and its completion line, gzip'd (level 6, as gzip's default)."""
    words = ["alpha", "beta", "gamma", "delta", "Paris", "Lyon", "invoice", "order", "client", "stock", "paid", "open"]
    rows, n, total = [], 0, 0
    rows.append("COPY public.items (id, label, amount, city, created) FROM stdin;\n")
    while total < size:
        line = f"{n}\t{rng.getrandbits(64):016x} {rng.choice(words)} {rng.choice(words)}\t{rng.randrange(100000) / 100:.2f}\t{rng.choice(words)}\t2026-11-{1 + n % 28:02d} {n % 24:02d}:{n % 60:02d}:00\n"
        rows.append(line); total += len(line); n += 1
    rows.append("\\.\n\n--\n-- PostgreSQL database dump complete\n--\n\n")
    return gzip.compress("".join(rows).encode(), compresslevel=6, mtime=0)

if __name__ == "__main__":
    main()
