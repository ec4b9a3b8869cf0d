#!/usr/bin/env python3
"""The Microsoft Recommenders MovieLens 100K protocol, outside TowerRec.

  split SRC OUT   75/25 python_stratified_split by item (seed 42): OUT/u.data is the
                  training part (with u.user and u.item copied), OUT/test.tsv the test part.
  score RECS TEST metrics@10 of a `towerrec recommend` CSV against the test part, every
                  test rating relevant: NDCG, Precision, Recall, MAP (MS "map").
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
    os.makedirs(out, exist_ok=True)
    df[df["rank"] <= ratio][columns].to_csv(os.path.join(out, "u.data"), sep="\t",
                                            header=False, index=False)
    df[df["rank"] > ratio][columns].to_csv(os.path.join(out, "test.tsv"), sep="\t",
                                           header=False, index=False)
    for name in ("u.user", "u.item"):
        shutil.copy(os.path.join(src, name), out)


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


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("split", "score"):
        sys.exit(__doc__)
    (split if sys.argv[1] == "split" else score)(sys.argv[2], sys.argv[3])
