#!/usr/bin/env python3
"""The Microsoft Recommenders MovieLens 100K protocol, outside TowerRec.

  split SRC OUT   75/25 python_stratified_split by item (seed 42): OUT/u.data is the
                  training part (with u.user and u.item copied), OUT/test.tsv the test part.
  score RECS TEST metrics@10 of a `towerrec recommend` CSV against the test part, every
                  test rating relevant: NDCG, Precision, Recall, MAP (MS "map").

The TensorFlow Recommenders retrieval-tutorial protocol:
  tfrs-split SRC OUT  random 80/20 of the ratings (seed 42), same layout as `split`.
  top100 RECS TEST    share of test ratings whose movie is in the user's top 100 over all
                      movies, seen ones included (TFRS factorized top-100 accuracy).
"""
import os
import shutil
import sys

import numpy as np
import pandas as pd


def split(src, out, ratio=0.75, seed=42):
    df = pd.read_csv(os.path.join(src, "u.data"), sep="\t", header=None,
                     names=["userID", "itemID", "rating", "timestamp"])
    np.random.seed(seed)
    df["random"] = np.random.rand(df.shape[0])
    df = df.sort_values(["itemID", "random"])
    groups = df.groupby("itemID")
    df["rank"] = (groups.cumcount() + 1) / groups["itemID"].transform("count")
    columns = ["userID", "itemID", "rating", "timestamp"]
    write_parts(src, out, df[df["rank"] <= ratio][columns], df[df["rank"] > ratio][columns])


def tfrs_split(src, out, ratio=0.8, seed=42):
    df = pd.read_csv(os.path.join(src, "u.data"), sep="\t", header=None,
                     names=["userID", "itemID", "rating", "timestamp"])
    order = np.random.RandomState(seed).permutation(len(df))
    cut = int(round(ratio * len(df)))
    write_parts(src, out, df.iloc[order[:cut]], df.iloc[order[cut:]])


def write_parts(src, out, train, test):
    os.makedirs(out, exist_ok=True)
    train.to_csv(os.path.join(out, "u.data"), sep="\t", header=False, index=False)
    test.to_csv(os.path.join(out, "test.tsv"), sep="\t", header=False, index=False)
    for name in ("u.user", "u.item"):
        shutil.copy(os.path.join(src, name), out)


def top100(recs_csv, test_tsv, k=100):
    recs = pd.read_csv(recs_csv)
    test = pd.read_csv(test_tsv, sep="\t", header=None, names=["u", "i", "r", "t"])
    top = recs[recs["rank"] <= k].groupby("user_id")["item_id"].apply(set).to_dict()
    hits = [i in top.get(u, ()) for u, i in zip(test["u"], test["i"])]
    print(f"top{k}_accuracy={np.mean(hits):.4f} test_ratings={len(hits)}")


def score(recs_csv, test_tsv, k=10):
    recs = pd.read_csv(recs_csv)
    test = pd.read_csv(test_tsv, sep="\t", header=None, names=["u", "i", "r", "t"])
    relevant = test.groupby("u")["i"].apply(set).to_dict()
    top = recs.sort_values(["user_id", "rank"]).groupby("user_id")["item_id"].apply(list)
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    totals = np.zeros(4)
    for user, rel in relevant.items():
        ranked = top.get(user, [])[:k]
        hits = np.array([i in rel for i in ranked] + [False] * (k - len(ranked)), float)
        ideal = discount[:min(len(rel), k)].sum()
        precision_at_hits = np.cumsum(hits) / np.arange(1, k + 1) * hits
        totals += [(hits * discount).sum() / ideal, hits.sum() / k, hits.sum() / len(rel),
                   precision_at_hits.sum() / len(rel)]
    ndcg, precision, recall, map_ = totals / len(relevant)
    print(f"ndcg@10={ndcg:.4f} precision@10={precision:.4f} recall@10={recall:.4f} "
          f"map={map_:.4f} users={len(relevant)}")


COMMANDS = {"split": split, "score": score, "tfrs-split": tfrs_split, "top100": top100}

if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](sys.argv[2], sys.argv[3])
