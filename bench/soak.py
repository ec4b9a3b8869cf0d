#!/usr/bin/python3
"""Mixed concurrent traffic against a running `towerrec serve` (bench/soak.sh starts it).

Worker threads, each of one kind, loop until the time is up:
  recommend  POST /api/v1/recommendations for known users (and now and then a new one)
  events     POST /api/v1/events, batches of 1-5 plays, each with an Idempotency-Key
  items      POST /api/v1/items: a pool of --item-pool ids, each posted anew again and
             again with the features of a random existing track (the first round adds
             them, later rounds update them)
  swap       POST /api/v1/models/load, alternating between two bundles (hot swaps)
Every answer must be 200; anything else (a status, a timeout, a refused connection) is a
failure. Prints requests, failures and p50/p99 latency by kind, and the server's RSS (from
/proc/<pid>/status) at the start, after the warm-up and at the end. The RSS bound is on the
growth after the warm-up: a leak keeps growing, while the first swaps (two models resident
at once) and the allocator's pools reach a plateau. Traffic that retains data by design
(new items, new events) grows memory too: the item pool keeps the catalogue bounded, and
events are small next to the bound. Standard library only.
"""
import argparse
import csv
import http.client
import json
import os
import random
import sys
import threading
import time


def rss_mib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = {}
        self.failures = {}
        self.examples = []

    def record(self, kind, seconds, ok, detail=""):
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            self.failures.setdefault(kind, 0)
            if not ok:
                self.failures[kind] += 1
                if len(self.examples) < 5:
                    self.examples.append("%s: %s" % (kind, detail))


class Worker(threading.Thread):
    def __init__(self, kind, args, stats, deadline, seed, data):
        super().__init__(daemon=True)
        self.kind, self.args, self.stats, self.deadline = kind, args, stats, deadline
        self.random = random.Random(seed)
        self.data = data
        self.connection = None
        self.serial = 0

    def call(self, path, body, headers=None):
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.args.port, timeout=30)
        sent = dict({"Content-Type": "application/json"}, **(headers or {}))
        started = time.perf_counter()
        try:
            self.connection.request("POST", path, json.dumps(body), sent)
            answer = self.connection.getresponse()
            text = answer.read()
            ok = answer.status == 200
            detail = "%d %s" % (answer.status, text[:200])
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.connection = None
            ok, detail = False, repr(error)
        self.stats.record(self.kind, time.perf_counter() - started, ok, detail)

    def run(self):
        users, items, item_rows = self.data
        while time.time() < self.deadline:
            self.serial += 1
            if self.kind == "recommend":
                user = self.random.choice(users) if self.serial % 10 else "soak-new-%d" % self.serial
                self.call("/api/v1/recommendations", {"user_id": user, "limit": 10})
            elif self.kind == "events":
                events = [{"user_id": self.random.choice(users), "item_id": self.random.choice(items),
                           "type": "play"} for _ in range(self.random.randint(1, 5))]
                key = "soak-%s-%d" % (self.name, self.serial)
                self.call("/api/v1/events", {"events": events}, {"Idempotency-Key": key})
            elif self.kind == "items":
                features = dict(self.random.choice(item_rows))
                item_id = "soak-%s-%d" % (self.name, self.serial % self.args.item_pool)
                self.call("/api/v1/items", {"item_id": item_id, "features": features})
            elif self.kind == "swap":
                bundle = self.args.bundles[self.serial % len(self.args.bundles)]
                self.call("/api/v1/models/load", {"path": bundle})
                time.sleep(max(0.0, min(self.args.swap_every, self.deadline - time.time())))


def load_data(folder):
    with open(os.path.join(folder, "users.csv")) as f:
        users = [row["user_id"] for row in csv.DictReader(f)]
    with open(os.path.join(folder, "items.csv")) as f:
        rows = list(csv.DictReader(f))
    items = [row["track_id"] for row in rows]
    item_rows = [{k: v for k, v in row.items() if k != "track_id"} for row in rows]
    return users, items, item_rows


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True, help="the server's process id (RSS)")
    parser.add_argument("--data", required=True, help="folder of users.csv and items.csv")
    parser.add_argument("--bundles", nargs="+", required=True, help="bundles to swap between")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--recommend-workers", type=int, default=4)
    parser.add_argument("--event-workers", type=int, default=2)
    parser.add_argument("--item-workers", type=int, default=1)
    parser.add_argument("--swap-every", type=float, default=2.0, help="seconds between swaps")
    parser.add_argument("--item-pool", type=int, default=200,
                        help="distinct item ids the items workers post (and then update)")
    parser.add_argument("--warmup", type=float, default=0.25,
                        help="share of the run before the RSS baseline of the bound")
    parser.add_argument("--max-rss-growth-mib", type=float, default=100.0)
    args = parser.parse_args()
    data = load_data(args.data)
    stats = Stats()
    rss_start = rss_mib(args.pid)
    deadline = time.time() + args.seconds
    kinds = (["recommend"] * args.recommend_workers + ["events"] * args.event_workers +
             ["items"] * args.item_workers + ["swap"])
    workers = [Worker(kind, args, stats, deadline, seed, data) for seed, kind in enumerate(kinds)]
    for worker in workers:
        worker.start()
    peak = rss_start
    samples = []  # RSS every tenth of the run, to tell a leak from a plateau
    next_sample = time.time()
    warm_at, rss_warm = time.time() + args.seconds * args.warmup, None
    while any(worker.is_alive() for worker in workers):
        time.sleep(0.5)
        peak = max(peak, rss_mib(args.pid))
        if rss_warm is None and time.time() >= warm_at:
            rss_warm = rss_mib(args.pid)
        if time.time() >= next_sample:
            samples.append(rss_mib(args.pid))
            next_sample += args.seconds / 10
    rss_end = rss_mib(args.pid)
    total_failures = 0
    print("| kind | requests | failures | p50 ms | p99 ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for kind in ("recommend", "events", "items", "swap"):
        values = stats.latencies.get(kind, [])
        failures = stats.failures.get(kind, 0)
        total_failures += failures
        if values:
            print("| %s | %d | %d | %.1f | %.1f |" % (kind, len(values), failures,
                                                   percentile(values, 0.5),
                                                   percentile(values, 0.99)))
    rss_warm = rss_start if rss_warm is None else rss_warm
    growth = rss_end - rss_warm
    print("\nRSS: %.0f MiB at the start, %.0f MiB after the warm-up, %.0f MiB at the end "
          "(peak %.0f), growth after the warm-up %.0f MiB (bound %.0f MiB)"
          % (rss_start, rss_warm, rss_end, peak, growth, args.max_rss_growth_mib))
    print("RSS over the run (MiB): " + " ".join("%.0f" % v for v in samples))
    for example in stats.examples:
        print("failure: " + example)
    ok = total_failures == 0 and growth <= args.max_rss_growth_mib
    print("soak: %s (%d failures)" % ("PASS" if ok else "FAIL", total_failures))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
