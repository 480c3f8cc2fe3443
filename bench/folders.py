#!/usr/bin/env python3
"""Creates the folders the SPEC's storage layout gives a scan's files, and nothing else: validated/<agent>/<db>/
for each backup and archive/<agent>/<yyyyMMdd>/ for each report (SPEC §4). The minimal script makes the first
kind only. On a filesystem where mkdir(2) is slow, this is a floor under any scan that follows the layout."""
import json, os, sys

def main(root):
    staging = os.path.join(root, "staging")
    made = 0
    for agent in sorted(os.listdir(staging)):
        log = os.path.join(staging, agent, "log")
        for name in sorted(os.listdir(log)):
            with open(os.path.join(log, name), "rb") as f:
                report = json.load(f)
            for line in report["databases"]:
                os.makedirs(os.path.join(root, "validated", agent, line["db_name"]), exist_ok=True)
                made += 1
            day = report["report_timestamp_utc"][:10].replace("-", "")
            os.makedirs(os.path.join(root, "archive", agent, day), exist_ok=True)
            made += 1
    print(made)

if __name__ == "__main__":
    main(sys.argv[1])
