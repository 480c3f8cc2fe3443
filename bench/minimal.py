#!/usr/bin/env python3
"""The essential work of a scan and nothing else, single-threaded: parse each report, hash each named file,
rename it into validated/, insert one row per line in one SQLite transaction. The floor to compare with."""
import hashlib, json, os, sqlite3, sys

def main(root):
    staging, validated = os.path.join(root, "staging"), os.path.join(root, "validated")
    db = sqlite3.connect(os.path.join(root, "minimal.db"))
    db.execute("CREATE TABLE IF NOT EXISTS entries (agent TEXT, db TEXT, ts TEXT, status TEXT, hash TEXT, path TEXT)")
    rows = []
    buf = bytearray(1 << 20)
    view = memoryview(buf)
    for agent in sorted(os.listdir(staging)):
        log = os.path.join(staging, agent, "log")
        for name in sorted(os.listdir(log)):
            with open(os.path.join(log, name), "rb") as f:
                report = json.load(f)
            for line in report["databases"]:
                if "staged_file_name" not in line:  # a failed night (bench/history.py): a row, no file
                    rows.append((agent, line["db_name"], line["operation_timestamp_utc"], line["status"], None, None))
                    continue
                src = os.path.join(staging, agent, "database", line["staged_file_name"])
                h = hashlib.sha256()
                with open(src, "rb", buffering=0) as f:
                    while n := f.readinto(buf):
                        h.update(view[:n])
                ok = h.hexdigest() == line["hash_sha256"].lower()
                path = None
                if ok:
                    folder = os.path.join(validated, agent, line["db_name"])
                    os.makedirs(folder, exist_ok=True)
                    path = os.path.join(folder, line["staged_file_name"])
                    os.rename(src, path)
                rows.append((agent, line["db_name"], line["operation_timestamp_utc"], "success" if ok else "hash_mismatch", h.hexdigest(), path))
    with db:
        db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?)", rows)
    print(len(rows))

if __name__ == "__main__":
    main(sys.argv[1])
