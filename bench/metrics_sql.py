#!/usr/bin/env python3
"""The SQL of one `/metrics` scrape, before and after issue 22, on one SQLite history: run it under callgrind for an
instruction count that does not depend on the machine's load.

  valgrind --tool=callgrind --callgrind-out-file=/dev/null /usr/bin/python3 bench/metrics_sql.py before DB
  valgrind --tool=callgrind --callgrind-out-file=/dev/null /usr/bin/python3 bench/metrics_sql.py after DB
  valgrind --tool=callgrind --callgrind-out-file=/dev/null /usr/bin/python3 bench/metrics_sql.py none DB   # the fixed cost

`before` runs the scrape's queries as main before the issue did (every entry counted by status and by content check,
every delivery, every scan record); `after` the one read of the summary table plus the last scan by its index (the
database must have been migrated: a `serve` or any command of the new build does that). The figures are
`Collected` (instructions) minus the `none` run's, which only opens the database and starts Python."""
import sqlite3, sys

BEFORE = [
    "SELECT current_status, COUNT(*) FROM expected_backup_jobs WHERE is_active GROUP BY current_status",
    "SELECT status, COUNT(*) FROM backup_entries GROUP BY status",
    "SELECT destination, state, COUNT(*) FROM deliveries GROUP BY destination, state",
    "SELECT content_check, COUNT(*) FROM backup_entries WHERE content_check IS NOT NULL GROUP BY content_check",
    "SELECT COUNT(*) FROM scan_runs",
    "SELECT COALESCE(SUM(bytes_verified), 0) FROM scan_runs",
    "SELECT MAX(finished_at_utc) FROM scan_runs",
]
AFTER = [
    "SELECT family, label, label2, SUM(n) FROM history_counts GROUP BY family, label, label2",
    "SELECT MAX(finished_at_utc) FROM scan_runs",
]

def main():
    which, path = sys.argv[1], sys.argv[2]
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # open and read the schema in every variant
    for sql in {"before": BEFORE, "after": AFTER, "none": []}[which]:
        rows = db.execute(sql).fetchall()
        print(len(rows), rows[:3], file=sys.stderr)

if __name__ == "__main__":
    main()
