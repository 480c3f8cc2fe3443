#!/usr/bin/env python3
"""What the summary triggers (issue 22, `history_counts`) add to writing entries on SQLite, as instructions.

  dotnet bench/.out/bin/backupmonitor.dll jobs list   # with BACKUP_ROOT=/tmp/bm-trig: creates the schema
  valgrind --tool=callgrind --callgrind-out-file=/dev/null /usr/bin/python3 bench/trigger_cost.py /tmp/bm-trig/backupmonitor.db with
  valgrind --tool=callgrind --callgrind-out-file=/dev/null /usr/bin/python3 bench/trigger_cost.py /tmp/bm-trig/backupmonitor.db without

Each run works on its own copy of the database: `without` drops the triggers first (not counted: the copy and the drop
happen before a marker), then both insert the same 20,000 entries (a job each night, mixed statuses, a content check on
most) in one transaction, as the scan's batch commit does, with the same columns. Compare `Collected` of the two runs."""
import os, shutil, sqlite3, sys, tempfile

ROWS = 20000

def main():
    source, variant = sys.argv[1], sys.argv[2]
    folder = tempfile.mkdtemp(prefix="bm-trig-")
    path = os.path.join(folder, "copy.db")
    shutil.copy(source, path)
    db = sqlite3.connect(path, isolation_level=None)
    if variant == "without":
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'history_counts_%'").fetchall():
            db.execute(f"DROP TRIGGER {name}")
    db.execute("""INSERT INTO expected_backup_jobs (company_name, city, neighborhood, database_name, agent_id_responsible,
        expected_hour_utc, expected_minute_utc, is_active, current_status, created_at_utc, time_zone)
        VALUES ('ACME', 'Paris', 'Centre', 'sales', 'ACME_Paris_Centre', 2, 10, 1, 'ok', '2025-01-01 00:00:00', 'UTC')""")
    statuses = ["success"] * 24 + ["failed", "missing"]
    rows = [(1, statuses[i % len(statuses)], f"2026-01-01 02:10:{i % 60:02d}.{i:07d}", "2026-12-05 03:00:00",
             "a" * 64, 1000 + i, f"sales_{i}.sql.gz", "passed" if i % 5 else None) for i in range(ROWS)]
    db.execute("BEGIN")
    db.executemany("""INSERT INTO backup_entries (expected_job_id, status, agent_report_timestamp_utc, created_at_utc,
        agent_reported_hash_sha256, agent_reported_size_bytes, agent_staged_file_name, content_check) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", rows)
    db.execute("COMMIT")
    print(variant, db.execute("SELECT COUNT(*) FROM backup_entries").fetchone()[0],
          db.execute("SELECT family, label, n FROM history_counts WHERE family = 'entries'").fetchall(), file=sys.stderr)
    db.close()
    shutil.rmtree(folder)

if __name__ == "__main__":
    main()
