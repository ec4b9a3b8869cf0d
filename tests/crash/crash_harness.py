#!/usr/bin/python3
"""Crash harness: SIGKILL `towerrec train` and `towerrec serve` and check what survives.

train: a bundle is trained into OUT, then retrained into the same OUT with other seeds and
killed at points spread over the run (and, by polling, right after the staged manifest
is written, before the swap). After every kill OUT must be either the previous bundle
intact or the new one complete: every file the manifest lists has its size and SHA-256,
and `towerrec serve` loads it (the server's bundle loader) and starts listening.

serve: clients post event batches, each with an Idempotency-Key, while the server is
killed with SIGKILL. After a restart every acknowledged event is in the store; the
batches whose answer was lost are retried with their keys, and then every batch is
stored exactly once.

Tiny synthetic data (`towerrec generate music`), standard library only. Exit status 0
when every check holds; prints a summary line "N passed, M failed".
"""
import argparse
import csv
import glob
import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ENV = dict(os.environ, OMP_WAIT_POLICY="PASSIVE", OMP_NUM_THREADS="1")


class Harness:
    def __init__(self, binary, source, work):
        self.binary = binary
        self.config = os.path.join(source, "configs", "music-demo.yaml")
        self.work = work
        self.data = os.path.join(work, "music")
        self.models = os.path.join(work, "models")
        self.out = os.path.join(self.models, "bundle")
        self.passed = 0
        self.failed = 0

    def expect(self, condition, what):
        if condition:
            self.passed += 1
        else:
            self.failed += 1
            print("FAILED: " + what, flush=True)
        return condition

    # ---- data and training ----
    def generate(self):
        subprocess.run([self.binary, "generate", "music", "--output", self.data, "--users", "300",
                        "--items", "200", "--events-per-user", "15", "--text-dim", "32",
                        "--seed", "7"], check=True, env=ENV, stdout=subprocess.DEVNULL)

    def train_command(self, seed):
        return [self.binary, "train", "--config", self.config, "--output", self.out,
                "--set", "data.dir=" + self.data, "--set", "train.epochs=2",
                "--set", "train.seed=%d" % seed, "--set", "train.threads=1",
                "--log-level", "warn"]

    def train(self, seed):
        subprocess.run(self.train_command(seed), check=True, env=ENV, stdout=subprocess.DEVNULL)

    # ---- the bundle invariant ----
    @staticmethod
    def manifest_of(directory):
        try:
            with open(os.path.join(directory, "manifest.json")) as f:
                return f.read()
        except OSError:
            return None

    @staticmethod
    def digests_hold(directory, manifest_text):
        files = json.loads(manifest_text)["files"]
        for name, digest in files.items():
            path = os.path.join(directory, name)
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                return "missing " + name
            if len(data) != digest["bytes"] or hashlib.sha256(data).hexdigest() != digest["sha256"]:
                return "digest mismatch of " + name
        return ""

    def serve(self, database, bundle=None):
        """Starts `towerrec serve`; returns (process, port) once it listens."""
        process = subprocess.Popen(
            [self.binary, "serve", "--model", bundle or self.out, "--port", "0",
             "--set", "serve.database=" + database, "--set", "serve.threads=8",
             "--log-level", "warn"],
            env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.time() + 60
        for line in process.stdout:
            found = re.search(r"serving .* on http://[^:]+:(\d+)", line)
            if found:
                threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
                return process, int(found.group(1))
            if time.time() > deadline:
                break
        process.kill()
        process.wait()
        return None, 0

    def loader_accepts(self):
        process, port = self.serve(os.path.join(self.work, "check.db"))
        if not process:
            return False
        process.terminate()
        process.wait()
        return port > 0

    def check_bundle(self, previous, what):
        """The invariant after a kill; returns the manifest now at OUT."""
        now = self.manifest_of(self.out)
        if not self.expect(now is not None, what + ": no manifest at the output path"):
            return previous
        problem = self.digests_hold(self.out, now)
        self.expect(problem == "", what + ": " + problem)
        self.expect(self.loader_accepts(), what + ": the server's loader refused the bundle")
        return now

    def staged_manifests(self):
        parent = os.path.dirname(self.out)
        name = os.path.basename(self.out)
        return [m for m in (self.manifest_of(d) for d in
                            glob.glob(os.path.join(parent, "." + name + ".staging-*")))
                if m is not None]

    def kill_train(self, seed, delay=None):
        """Runs train and kills it after delay seconds, or (delay None) as soon as a
        staged manifest appears. Returns whether the kill landed before the swap with a
        complete staged bundle."""
        before = set(self.staged_manifests())
        process = subprocess.Popen(self.train_command(seed), env=ENV, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        if delay is not None:
            time.sleep(delay)
        else:
            while process.poll() is None and not (set(self.staged_manifests()) - before):
                time.sleep(0.0005)
        process.send_signal(signal.SIGKILL)
        process.wait()
        staged = set(self.staged_manifests()) - before
        return bool(staged) and self.manifest_of(self.out) not in staged

    def run_train_kills(self, points, window_tries):
        started = time.time()
        self.train(1)
        full = time.time() - started
        print("train: a full run takes %.1f s" % full, flush=True)
        previous = self.check_bundle(None, "first training")
        for i in range(points):
            delay = full * (i + 0.5) / points * 1.3  # the last ones after a full run
            self.kill_train(i + 2, delay)
            now = self.check_bundle(previous, "train killed at %.2f s" % delay)
            changed = "new bundle" if now != previous else "previous bundle"
            print("train killed at %.2f s: %s intact" % (delay, changed), flush=True)
            previous = now
        in_window = 0
        for i in range(window_tries):
            hit = self.kill_train(100 + i)
            now = self.check_bundle(previous, "train killed after the staged manifest")
            in_window += hit
            self.expect(not hit or now == previous,
                        "a kill before the swap changed the output path")
            previous = now
        print("train killed after the staged manifest: %d of %d kills before the swap"
              % (in_window, window_tries), flush=True)
        self.train(999)  # a clean run clears the stale staging folders of the killed ones
        parent = os.path.dirname(self.out)
        leftovers = [n for n in os.listdir(parent) if n.startswith(".bundle.")]
        self.expect(not leftovers, "stale folders after a clean run: %s" % leftovers)
        self.check_bundle(previous, "clean run after the kills")

    # ---- serve: acknowledged events survive SIGKILL ----
    def items_and_users(self):
        def column(file, name):
            with open(os.path.join(self.data, file)) as f:
                return [row[name] for row in csv.DictReader(f)]
        return column("items.csv", "track_id")[:50], column("users.csv", "user_id")[:50]

    @staticmethod
    def post(port, key, batch, timeout=5):
        request = urllib.request.Request(
            "http://127.0.0.1:%d/api/v1/events" % port, data=json.dumps(batch).encode(),
            headers={"Content-Type": "application/json", "Idempotency-Key": key}, method="POST")
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, json.loads(answer.read())

    def burst(self, port, batches, sent, acked, stop, lock):
        for key, batch in batches:
            if stop.is_set():
                return
            with lock:
                sent.add(key)
            try:
                status, body = self.post(port, key, batch)
                if status == 200 and body.get("accepted") == len(batch["events"]):
                    with lock:
                        acked.add(key)
            except (OSError, urllib.error.URLError, ValueError):
                pass  # no answer: the batch may or may not be stored

    def stored_timestamps(self, database):
        with sqlite3.connect(database) as db:
            return [row[0] for row in db.execute("SELECT ts FROM events")]

    def run_serve_kills(self, rounds, clients):
        database = os.path.join(self.work, "serve.db")
        items, users = self.items_and_users()
        all_batches = {}
        sent = set()
        acked = set()
        lock = threading.Lock()
        next_ts = 1_000_000
        for round_ in range(rounds):
            process, port = self.serve(database)
            if not self.expect(process is not None, "serve did not start (round %d)" % round_):
                return
            stop = threading.Event()
            threads = []
            for c in range(clients):
                batches = []
                for n in range(1000):
                    events = []
                    for e in range(1 + n % 3):
                        events.append({"user_id": users[(c * 7 + n + e) % len(users)],
                                       "item_id": items[(c * 11 + n * 3 + e) % len(items)],
                                       "type": "play", "timestamp": next_ts})
                        next_ts += 1
                    batches.append(("r%d-c%d-b%d" % (round_, c, n), {"events": events}))
                all_batches.update(batches)
                threads.append(threading.Thread(target=self.burst,
                                                args=(port, batches, sent, acked, stop, lock)))
            for thread in threads:
                thread.start()
            time.sleep(1.0 + 0.4 * round_)
            process.send_signal(signal.SIGKILL)
            process.wait()
            stop.set()
            for thread in threads:
                thread.join()
            stored = self.stored_timestamps(database)
            stored_set = set(stored)
            with lock:
                acked_now = set(acked)
            missing = [k for k in acked_now
                       if any(e["timestamp"] not in stored_set for e in all_batches[k]["events"])]
            self.expect(not missing, "acknowledged batches lost by SIGKILL: %s" % missing[:5])
            self.expect(len(stored) == len(stored_set), "duplicate events after SIGKILL")
            print("serve round %d: %d batches acknowledged, %d events stored at the kill"
                  % (round_, len(acked_now), len(stored)), flush=True)
        # Restart and retry every batch that was sent without a known answer.
        process, port = self.serve(database)
        if not self.expect(process is not None, "serve did not restart"):
            return
        retried = 0
        for key in sorted(sent - acked):
            batch = all_batches[key]
            status, body = self.post(port, key, batch, timeout=30)
            retried += 1
            self.expect(status == 200 and body["accepted"] == len(batch["events"]),
                        "retry of %s answered %s %s" % (key, status, body))
        # A replayed acknowledged batch is answered again and stores nothing.
        for key in sorted(acked)[:20]:
            status, body = self.post(port, key, all_batches[key], timeout=30)
            self.expect(status == 200, "replay of acknowledged %s answered %s" % (key, status))
        process.terminate()
        process.wait()
        stored = self.stored_timestamps(database)
        expected = sorted(e["timestamp"] for k in sent for e in all_batches[k]["events"])
        self.expect(sorted(stored) == expected,
                    "after the retries the store holds %d events, expected each of %d once"
                    % (len(stored), len(expected)))
        print("serve: %d batches retried after the restart; %d events stored, each once"
              % (retried, len(stored)), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", required=True, help="the towerrec binary")
    parser.add_argument("--source", required=True, help="the source tree (for configs/)")
    parser.add_argument("--train-kills", type=int, default=8)
    parser.add_argument("--window-kills", type=int, default=3)
    parser.add_argument("--serve-rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="towerrec-crash-")
    harness = Harness(os.path.abspath(args.bin), os.path.abspath(args.source), work)
    try:
        harness.generate()
        harness.run_train_kills(args.train_kills, args.window_kills)
        harness.run_serve_kills(args.serve_rounds, args.clients)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (harness.passed, harness.failed))
    return 1 if harness.failed else 0


if __name__ == "__main__":
    sys.exit(main())
