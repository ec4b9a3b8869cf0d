"""The towerrec Python module against the towerrec command line on the same bundle.

Run by CTest (python_api) with PYTHONPATH=<build>/python and TOWERREC_BINARY_DIR; a
small planted data set is generated into a temporary directory and one model is
trained once for the whole module.
"""

import csv
import io
import json
import os
import random
import signal
import subprocess
import tempfile
import unittest

import numpy as np

import towerrec

BINARY = os.path.join(os.environ.get("TOWERREC_BINARY_DIR", "build"), "towerrec")

CONFIG = """
data:
  dir: .
  interactions: {file: ratings.csv}
  users: {file: users.csv}
  items: {file: items.csv}
  user_column: user_id
  item_column: item_id
  rating_column: rating
  item_title_column: title
split: {method: stratified_user, test_ratio: 0.25, validation_ratio: 0.1, seed: 3}
features:
  user:
    - {name: user_id, kind: id, dim: 8}
    - {name: age, kind: numeric}
  item:
    - {name: item_id, kind: id, dim: 8}
    - {name: genre, kind: categorical, dim: 4}
model:
  embedding_dim: 8
  user_tower: {hidden: [16], dropout: 0.0, norm: layer}
  item_tower: {hidden: [16], dropout: 0.0, norm: layer}
train: {epochs: 2, batch_size: 32, learning_rate: 0.01, threads: 1, seed: 5}
eval: {ks: [5, 10], baselines: [popularity]}
"""


def write_data(directory):
    """4 blocks of 15 users and 10 items; each user rates 8 items of its own block."""
    rng = random.Random(11)
    with open(os.path.join(directory, "ratings.csv"), "w") as f:
        f.write("user_id,item_id,rating\n")
        for u in range(60):
            block = u // 15
            for i in rng.sample(range(block * 10, block * 10 + 10), 8):
                f.write("u%d,i%d,%d\n" % (u, i, rng.randint(1, 5)))
    with open(os.path.join(directory, "users.csv"), "w") as f:
        f.write("user_id,age\n")
        for u in range(60):
            f.write("u%d,%d\n" % (u, 20 + (u // 15) * 10 + u % 3))
    with open(os.path.join(directory, "items.csv"), "w") as f:
        f.write("item_id,genre,title\n")
        for i in range(40):
            f.write('i%d,g%d,"Title %d, The"\n' % (i, i // 10, i))
    path = os.path.join(directory, "config.yaml")
    with open(path, "w") as f:
        f.write(CONFIG)
    return path


def cli(*args):
    """Runs the towerrec binary; returns (exit code, stdout, stderr)."""
    env = dict(os.environ, TOWERREC_LOG_LEVEL="warn")
    run = subprocess.run([BINARY] + list(args), capture_output=True, text=True, env=env)
    return run.returncode, run.stdout, run.stderr


class PythonApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        towerrec.set_log_level("warn")
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name
        cls.config_path = write_data(cls.dir)
        cls.config = towerrec.Config.load(cls.config_path)
        cls.model_dir = os.path.join(cls.dir, "model")
        cls.model = towerrec.train(cls.config, cls.model_dir, progress=False)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_recommend_matches_the_cli(self):
        ids, scores = self.model.recommend(["u1", "u42"], k=5, exclude_seen=True)
        self.assertEqual(ids.shape, (2, 5))
        self.assertEqual(scores.shape, (2, 5))
        self.assertEqual(scores.dtype, np.float32)
        for row, user in enumerate(["u1", "u42"]):
            code, out, err = cli("recommend", "--model", self.model_dir, "--user", user,
                                 "--k", "5", "--exclude-seen", "--towers-only")
            self.assertEqual(code, 0, err)
            rows = list(csv.DictReader(io.StringIO(out)))
            self.assertEqual([r["item_id"] for r in rows], list(ids[row]))
            for r, score in zip(rows, scores[row]):
                self.assertAlmostEqual(float(r["score"]), float(score), delta=1e-5)
        # A single id gives one row; seen items are kept without exclude_seen.
        one_ids, _ = self.model.recommend("u1", k=40)
        self.assertEqual(one_ids.shape, (1, 40))
        self.assertEqual(sorted(one_ids[0]), sorted("i%d" % i for i in range(40)))

    def test_embeddings_are_float32_views(self):
        users = self.model.user_embeddings()
        items = self.model.item_embeddings()
        self.assertEqual(users.dtype, np.float32)
        self.assertEqual(items.dtype, np.float32)
        self.assertEqual(users.shape, (60, 8))
        self.assertEqual(items.shape, (40, 8))
        self.assertEqual(sorted(self.model.user_ids), sorted("u%d" % u for u in range(60)))
        self.assertTrue(np.shares_memory(items, self.model.item_embeddings()))  # no copy
        self.assertFalse(items.flags.writeable)
        np.testing.assert_allclose(np.linalg.norm(items, axis=1), 1.0, atol=1e-5)
        # The score of a pair is dot(user, item) / temperature (model.temperature 0.1).
        ids, scores = self.model.recommend(["u7"], k=1)
        u = self.model.user_ids.index("u7")
        i = self.model.item_ids.index(ids[0][0])
        self.assertAlmostEqual(float(users[u] @ items[i]) / 0.1, float(scores[0][0]), places=4)

    def test_similar_matches_the_cli(self):
        ids, scores = self.model.similar("i3", k=5)
        self.assertEqual(ids.shape, (5,))
        self.assertNotIn("i3", list(ids))
        self.assertTrue(all(scores[:-1] >= scores[1:]))
        code, out, err = cli("similar", "--model", self.model_dir, "--item", "i3", "--k", "5")
        self.assertEqual(code, 0, err)
        rows = [line.split("\t") for line in out.strip().splitlines()[1:]]
        self.assertEqual([r[1] for r in rows], list(ids))
        for r, score in zip(rows, scores):
            self.assertAlmostEqual(float(r[2]), float(score), delta=1e-4)

    def test_evaluate_matches_the_cli(self):
        metrics = towerrec.evaluate(self.model, k=[5, 10], baselines=["popularity"])
        # The hybrid row is the served answer (blend, fallbacks, exclusions).
        self.assertEqual(list(metrics), ["two_tower", "hybrid", "popularity"])
        self.assertIn("ndcg@10", metrics["two_tower"])
        self.assertIn("recall@5", metrics["popularity"])
        report = os.path.join(self.dir, "metrics.json")
        code, _, err = cli("evaluate", "--model", self.model_dir, "--k", "5,10",
                           "--baselines", "popularity", "--output", report)
        self.assertEqual(code, 0, err)
        with open(report) as f:
            rows = json.load(f)["rows"]
        for model, values in metrics.items():
            for metric, value in values.items():
                if metric.endswith("seconds"):  # timings differ between runs
                    continue
                self.assertAlmostEqual(rows[model][metric], value, places=9, msg=metric)

    def test_dataframes_give_the_dataset_of_the_files(self):
        import pandas as pd
        files = towerrec.build_dataset(self.config)
        frames = {name: pd.read_csv(os.path.join(self.dir, name + ".csv"))
                  for name in ("ratings", "users", "items")}
        memory = towerrec.build_dataset(self.config, interactions=frames["ratings"],
                                        users=frames["users"], items=frames["items"])
        arrays = {c: frames["ratings"][c].to_numpy() for c in frames["ratings"].columns}
        numpy_only = towerrec.build_dataset(self.config, interactions=arrays)
        for data in (memory, numpy_only):
            self.assertEqual(files.users, data.users)
            self.assertEqual(files.items, data.items)
            for part in ("train", "validation", "test"):
                for column, values in getattr(files, part).items():
                    np.testing.assert_array_equal(values, getattr(data, part)[column],
                                                  err_msg=part + "." + column)
        self.assertEqual(files.train["user"].dtype, np.int64)
        self.assertEqual(files.train["label"].dtype, np.float32)
        self.assertEqual(len(files.train["user"]) + len(files.validation["user"]) +
                         len(files.test["user"]), 480)
        # Bad rows are rejected as in a file, naming the table and the CSV line.
        bad = frames["ratings"].astype({"rating": object})
        bad.loc[2, "rating"] = "five"
        with self.assertRaises(ValueError) as caught:
            towerrec.build_dataset(self.config, interactions=bad)
        self.assertIn("interactions (in memory):4: column 'rating' (3): cannot parse 'five'",
                      str(caught.exception))

    def test_training_on_dataframes(self):
        import pandas as pd
        ratings = pd.read_csv(os.path.join(self.dir, "ratings.csv"))
        config = towerrec.Config.load(self.config_path, overrides={"train.epochs": 1,
                                                                   "train.collaborative": False})
        model = towerrec.train(config, os.path.join(self.dir, "frames"), progress=False,
                               interactions=ratings)
        self.assertEqual(sorted(model.user_ids), sorted(self.model.user_ids))
        metrics = towerrec.evaluate(model, k=10, baselines=[], interactions=ratings)
        self.assertEqual(list(metrics), ["two_tower", "hybrid"])

    def test_errors_are_the_cli_messages(self):
        with self.assertRaises(ValueError) as caught:
            towerrec.Config.load(self.config_path, overrides={"train.epochz": 3})
        code, _, err = cli("config", "show", "--config", self.config_path,
                           "--set", "train.epochz=3")
        self.assertNotEqual(code, 0)
        self.assertEqual(err.strip(), "error: " + str(caught.exception))
        self.assertIn("train.epochs", str(caught.exception))  # the suggestion

        with self.assertRaises(OSError):
            towerrec.Config.load(os.path.join(self.dir, "absent.yaml"))
        with self.assertRaises(OSError) as caught:
            towerrec.Model.load(os.path.join(self.dir, "absent"))
        self.assertIn("absent", str(caught.exception))
        moved = towerrec.Config.load(self.config_path,
                                     overrides={"data.interactions.file": "gone.csv"})
        with self.assertRaises(OSError) as caught:
            towerrec.build_dataset(moved)
        self.assertIn("gone.csv", str(caught.exception))

        with self.assertRaises(ValueError) as caught:
            self.model.recommend(["u1", "nobody"], k=3)
        code, _, err = cli("recommend", "--model", self.model_dir, "--user", "nobody", "--k", "3")
        self.assertNotEqual(code, 0)
        self.assertEqual(err.strip(), "error: " + str(caught.exception))
        with self.assertRaises(ValueError):
            self.model.similar("nothing", k=3)

    def test_ctrl_c_stops_training_cleanly(self):
        config = towerrec.Config.load(self.config_path, overrides={"train.epochs": 5})
        output = os.path.join(self.dir, "interrupted")
        reports = []

        def interrupt(progress):
            reports.append(progress)
            if progress["epoch"] == 2 and progress["batch"] == 1 and not progress["epoch_done"]:
                os.kill(os.getpid(), signal.SIGINT)

        with self.assertRaises(KeyboardInterrupt):
            towerrec.train(config, output, progress=False, on_progress=interrupt)
        self.assertEqual((reports[-1]["epoch"], reports[-1]["batch"]), (2, 1))
        self.assertFalse(os.path.exists(os.path.join(output, "manifest.json")))
        self.assertTrue(os.path.exists(output + ".train"))

    def test_log_level(self):
        towerrec.set_log_level("DEBUG")
        self.assertEqual(towerrec.log_level(), "debug")
        with self.assertRaises(ValueError) as caught:
            towerrec.set_log_level("loud")
        self.assertIn("'loud' is not a log level", str(caught.exception))
        towerrec.set_log_level("warn")


if __name__ == "__main__":
    unittest.main()
