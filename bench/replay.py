"""Driver of bench/replay.sh (stdlib only): see that script for what it measures."""
import argparse
import math
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

DAY = 86400
TOKEN = "replay-token"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repo", required=True)
    p.add_argument("--data", default="")
    p.add_argument("--binary", default="")
    p.add_argument("--days", type=int, default=0, help="days replayed (0 = all)")
    p.add_argument("--every", type=int, default=16, help="days between updates")
    p.add_argument("--epochs", type=int, default=0, help="train.epochs (0 = the config's)")
    p.add_argument("--tolerance", type=float, default=0.05, help="serve.update.tolerance")
    p.add_argument("--holdout", default="100",
                   help="serve.update.holdout: the gate's held-out events (keep it below a "
                        "period's events, or the candidate never sees the new ones)")
    p.add_argument("--work", default="",
                   help="working folder; a base model already trained there is reused")
    p.add_argument("--variants", default="static,foldin,incremental,full",
                   help="comma-separated servers to run (the last line reports 0 for the others)")
    p.add_argument("--set", action="append", default=[], dest="sets", metavar="KEY=VALUE",
                   help="a config override of the servers (not of the base model)")
    return p.parse_args()


def read_ratings(path):
    rows = []
    with open(path) as f:
        for line in f:
            user, item, rating, ts = line.split("\t")
            rows.append((user, item, float(rating), int(ts)))
    rows.sort(key=lambda r: r[3])  # stable: ties keep file order
    return rows


def by_day(rows):
    days, current, key = [], [], None
    for row in rows:
        k = row[3] // DAY
        if key is not None and k != key:
            days.append(current)
            current = []
        key = k
        current.append(row)
    if current:
        days.append(current)
    return days


class Server:
    """`towerrec serve` on a free port; stdout lines are read on a thread."""

    def __init__(self, args, sets):
        self.proc = subprocess.Popen([args.binary, "serve", "--port", "0"] + sets,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.base = None
        deadline = time.time() + 600
        while self.base is None:
            line = self.next_line(deadline)
            m = re.search(r"on (http://[^\s]+)", line)
            if line.startswith("serving") and m:
                self.base = m.group(1)

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self, deadline):
        line = self.lines.get(timeout=max(1, deadline - time.time()))
        if line is None:
            raise RuntimeError("server exited (status %s)" % self.proc.wait())
        return line

    def call(self, path, body):
        import json
        request = urllib.request.Request(self.base + path, data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": "Bearer " + TOKEN})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def update_now(self):
        """SIGUSR1: one scheduled update; returns (seconds, decision line)."""
        started = time.time()
        self.proc.send_signal(signal.SIGUSR1)
        deadline = started + 3600
        while True:
            line = self.next_line(deadline)
            # The server's own report of the update (its log lines repeat it in brackets).
            if line.startswith("model update failed"):
                raise RuntimeError(line)
            if line.startswith("model update ("):
                return time.time() - started, line

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=120)


def post_events(server, day):
    events = [{"user_id": u, "item_id": i, "type": "rating", "value": r, "timestamp": t}
              for u, i, r, t in day]
    status, _ = server.call("/api/v1/events", {"events": events})
    if status == 200:
        return 0
    skipped = 0  # a batch naming an item the model does not know: post one by one
    for event in events:
        status, _ = server.call("/api/v1/events", {"events": [event]})
        skipped += status != 200
    return skipped


def score_day(server, day, k=10):
    """Next-day hit rate and NDCG@k of the day's users, asked before the day's events."""
    relevant = {}
    for u, i, _, _ in day:
        relevant.setdefault(u, set()).add(i)
    hits, ndcgs = [], []
    for user, items in relevant.items():
        status, answer = server.call("/api/v1/recommendations", {"user_id": user, "limit": k})
        ranked = [x["item_id"] for x in answer.get("items", [])] if status == 200 else []
        gains = [1.0 / math.log2(r + 2) for r, item in enumerate(ranked[:k]) if item in items]
        ideal = sum(1.0 / math.log2(r + 2) for r in range(min(k, len(items))))
        hits.append(1.0 if gains else 0.0)
        ndcgs.append(sum(gains) / ideal)
    return hits, ndcgs


def run_variant(args, name, bundle, sets, days):
    work = os.path.join(args.work, name)
    shutil.rmtree(work, ignore_errors=True)  # a fresh store and registry each run
    os.makedirs(work + "/models")
    mode = {"incremental": "incremental"}.get(name, "full")
    extra = [x for kv in args.sets for x in ("--set", kv)]
    server = Server(args, ["--model", bundle] + sets + extra + [
        "--set", "serve.database=" + work + "/state.db",
        "--set", "serve.model_root=" + work + "/models",
        "--set", "serve.admin_token=" + TOKEN, "--set", "serve.access_log=false",
        "--set", "serve.update.mode=" + mode, "--set", "serve.update.holdout=" + args.holdout,
        "--set", "serve.update.tolerance=%g" % args.tolerance])
    hits, ndcgs, update_seconds, skipped = [], [], [], 0
    try:
        for d, day in enumerate(days):
            h, n = score_day(server, day)
            hits += h
            ndcgs += n
            if name != "static":
                skipped += post_events(server, day)
            if name in ("incremental", "full") and (d + 1) % args.every == 0 and d + 1 < len(days):
                seconds, line = server.update_now()
                update_seconds.append(seconds)
                print("  %s day %d: %s" % (name, d + 1, line), flush=True)
    finally:
        server.stop()
    mean = lambda xs: sum(xs) / len(xs) if xs else 0.0
    return {"hit": mean(hits), "ndcg": mean(ndcgs), "cases": len(hits),
            "update_seconds": update_seconds, "skipped": skipped}


def main():
    args = parse_args()
    args.data = args.data or os.path.join(args.repo, "..", "shared", "data", "ml-100k")
    args.binary = args.binary or os.path.join(args.repo, "build", "towerrec")
    args.work = args.work or tempfile.mkdtemp(prefix="towerrec-replay-")
    os.makedirs(args.work, exist_ok=True)
    rows = read_ratings(os.path.join(args.data, "u.data"))
    cut = int(len(rows) * 0.8)
    days = by_day(rows[cut:])
    if args.days > 0:
        days = days[:args.days]
    train = os.path.join(args.work, "train.tsv")
    with open(train, "w") as f:
        f.writelines("%s\t%s\t%g\t%d\n" % r for r in rows[:cut])
    sets = ["--config", os.path.join(args.repo, "configs", "movielens-100k.yaml"),
            "--set", "data.dir=" + os.path.abspath(args.data),
            "--set", "data.interactions.file=" + train,
            "--set", "split.method=none"]  # the replay is the test; validation as configured
    if args.epochs > 0:
        sets += ["--set", "train.epochs=%d" % args.epochs,
                 "--set", "train.bpr.epochs=%d" % args.epochs]
    bundle = os.path.join(args.work, "base")
    started = time.time()
    if os.path.exists(os.path.join(bundle, "manifest.json")):
        print("replay: reusing the base model in %s" % bundle, flush=True)
    else:
        subprocess.run([args.binary, "train", "--output", bundle] + sets, check=True,
                       stdout=subprocess.DEVNULL)
    print("replay: %d training ratings, %d days (%d ratings) replayed, base model %.1f s, work %s"
          % (cut, len(days), sum(map(len, days)), time.time() - started, args.work), flush=True)
    empty = {"hit": 0.0, "ndcg": 0.0, "cases": 0, "update_seconds": [], "skipped": 0}
    results = {name: empty for name in ("static", "foldin", "incremental", "full")}
    for name in args.variants.split(","):
        if name not in results:
            sys.exit("replay: unknown variant '%s' (static, foldin, incremental, full)" % name)
        results[name] = run_variant(args, name, bundle, sets, days)
        r = results[name]
        print("%-12s HitRate@10 %.4f  NDCG@10 %.4f  over %d user-days, updates %s s, %d events refused"
              % (name, r["hit"], r["ndcg"], r["cases"],
                 ["%.1f" % s for s in r["update_seconds"]], r["skipped"]), flush=True)
    mean = lambda xs: sum(xs) / len(xs) if xs else 0.0
    print("replay: static=%.4f foldin=%.4f incremental=%.4f full=%.4f incremental_seconds=%.1f "
          "full_seconds=%.1f" % (results["static"]["ndcg"], results["foldin"]["ndcg"],
                                 results["incremental"]["ndcg"], results["full"]["ndcg"],
                                 mean(results["incremental"]["update_seconds"]),
                                 mean(results["full"]["update_seconds"])))


if __name__ == "__main__":
    sys.exit(main())
