#!/usr/bin/env python3
"""The reference for the `dumps` workload: one single-threaded pass over every backup file that hashes it
(SHA-256, OpenSSL through hashlib) and inflates it (zlib, every gzip member to its end) - what a careful script
would do to check gzip'd dumps. Usage: hash_inflate.py WORK_ROOT"""
import hashlib, os, sys, zlib

def check(path):
    h = hashlib.sha256()
    d = zlib.decompressobj(31)
    inflated = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            while chunk:
                inflated += len(d.decompress(chunk))
                if d.eof:  # next gzip member, if any
                    chunk = d.unused_data
                    d = zlib.decompressobj(31)
                else:
                    chunk = b""
    return h.hexdigest(), inflated

def main():
    total = 0
    for root, _, names in os.walk(os.path.join(sys.argv[1], "staging")):
        for n in names:
            if n.endswith(".sql.gz"):
                total += check(os.path.join(root, n))[1]
    print(total)

if __name__ == "__main__":
    main()
