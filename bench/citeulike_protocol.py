#!/usr/bin/env python3
"""The CiteULike-a protocols, outside TowerRec (seed 42; every save is relevant).

  warm-split SRC OUT   80/20 of each user's saves: OUT/interactions.tsv is the training
                       part (items.tsv copied beside it), OUT/test.tsv the test part.
  cold-split SRC OUT   20% of the articles held out entirely: every save of theirs is in
                       OUT/test.tsv, none in OUT/interactions.tsv; items.tsv (all articles,
                       with their tags) is copied beside it; OUT/cold_items.txt lists them.
  warm-score RECS DIR  metrics of a `towerrec recommend --exclude-seen` CSV against
                       DIR/test.tsv (NDCG, Precision, Recall, MAP at 10; Recall@50), and
                       of two baselines fitted on DIR/interactions.tsv: most popular and
                       item-kNN (cosine).
  cold-score EMB DIR   ranks, for each user with held-out saves, only the held-out (cold)
                       articles, by the dot product of the user and item embeddings that
                       `towerrec embed` wrote to EMB/users.csv and EMB/items.csv; Recall@50,
                       NDCG@10, Recall@10, against a random ranking, tag popularity and the
                       user's tag profile.

Each score command prints one `key=value ...` line per ranking; the model's line first.
"""
import os
import shutil
import sys

import numpy as np
import pandas as pd

SEED = 42
RATIO = 0.8


def read_saves(path):
    return pd.read_csv(path, sep="\t", dtype={"user_id": str, "item_id": str})


def read_items(path):
    items = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    return dict(zip(items["item_id"], items["tags"]))


def write_parts(src, out, train, test):
    os.makedirs(out, exist_ok=True)
    train.to_csv(os.path.join(out, "interactions.tsv"), sep="\t", index=False)
    test.to_csv(os.path.join(out, "test.tsv"), sep="\t", index=False)
    shutil.copy(os.path.join(src, "items.tsv"), out)
    print(f"split: {len(train)} training saves, {len(test)} test saves", file=sys.stderr)


def warm_split(src, out):
    df = read_saves(os.path.join(src, "interactions.tsv"))
    df["random"] = np.random.RandomState(SEED).rand(len(df))
    df = df.sort_values(["user_id", "random"], kind="mergesort")
    groups = df.groupby("user_id")
    rank = (groups.cumcount() + 1) / groups["item_id"].transform("count")
    columns = ["user_id", "item_id"]
    write_parts(src, out, df[rank <= RATIO][columns], df[rank > RATIO][columns])


def cold_split(src, out):
    df = read_saves(os.path.join(src, "interactions.tsv"))
    items = sorted(read_items(os.path.join(src, "items.tsv")), key=int)
    order = np.random.RandomState(SEED).permutation(len(items))
    cold = {items[i] for i in order[:int(round((1 - RATIO) * len(items)))]}
    held = df["item_id"].isin(cold)
    write_parts(src, out, df[~held], df[held])
    with open(os.path.join(out, "cold_items.txt"), "w") as f:
        f.writelines(i + "\n" for i in sorted(cold, key=int))


def metrics(ranked, relevant, k=10, k_recall=50):
    """Mean NDCG, Precision, Recall, MAP (MS Recommenders' map) at k, and Recall@k_recall."""
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    totals = np.zeros(5)
    for user, rel in relevant.items():
        top = list(ranked.get(user, []))
        hits = np.array([i in rel for i in top[:k]] + [False] * (k - len(top[:k])), float)
        ideal = discount[:min(len(rel), k)].sum()
        precision_at_hits = np.cumsum(hits) / np.arange(1, k + 1) * hits
        wide = sum(i in rel for i in top[:k_recall])
        totals += [(hits * discount).sum() / ideal, hits.sum() / k, hits.sum() / len(rel),
                   precision_at_hits.sum() / len(rel), wide / len(rel)]
    n = len(relevant)
    ndcg, precision, recall, map_, recall_wide = totals / n
    return (f"ndcg@{k}={ndcg:.4f} precision@{k}={precision:.4f} recall@{k}={recall:.4f} "
            f"map={map_:.4f} recall@{k_recall}={recall_wide:.4f} users={n}")


def top_k(scores, k):
    """Row-wise indices of the k largest scores, best first."""
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, 1), axis=1, kind="stable")
    return np.take_along_axis(part, order, 1)


def warm_score(recs_csv, split_dir, k=50):
    recs = pd.read_csv(recs_csv, dtype={"user_id": str, "item_id": str})
    train = read_saves(os.path.join(split_dir, "interactions.tsv"))
    test = read_saves(os.path.join(split_dir, "test.tsv"))
    relevant = test.groupby("user_id")["item_id"].apply(set).to_dict()
    ranked = recs.sort_values(["user_id", "rank"]).groupby("user_id")["item_id"].apply(list)
    print("two_tower " + metrics(ranked.to_dict(), relevant))

    # Baselines on the training part, seen items excluded, over every article.
    items = sorted(read_items(os.path.join(split_dir, "items.tsv")), key=int)
    item_index = {i: n for n, i in enumerate(items)}
    users = sorted(relevant)
    user_index = {u: n for n, u in enumerate(users)}
    train = train[train["user_id"].isin(user_index)]
    x = np.zeros((len(users), len(items)), np.float32)
    x[train["user_id"].map(user_index).to_numpy(), train["item_id"].map(item_index).to_numpy()] = 1
    seen = x > 0
    popularity = x.sum(0)
    # item-kNN: scores = X S with S = cosine between the items' user columns; S's diagonal
    # only adds to seen items, which are excluded, so X S = (X D X^T)(X D), D = 1/sqrt(n).
    xd = x / np.sqrt(np.maximum(popularity, 1))[None, :]
    knn = (xd @ x.T) @ xd
    for name, scores in (("most_popular", np.tile(popularity, (len(users), 1))),
                         ("item_knn", knn)):
        scores[seen] = -np.inf
        best = top_k(scores, k)
        ranked = {u: [items[j] for j in best[n]] for n, u in enumerate(users)}
        print(f"{name} " + metrics(ranked, relevant))


def read_embeddings(path, id_column):
    df = pd.read_csv(path, dtype={id_column: str})
    return list(df[id_column]), df.drop(columns=[id_column]).to_numpy(np.float64)


def cold_score(emb_dir, split_dir):
    train = read_saves(os.path.join(split_dir, "interactions.tsv"))
    test = read_saves(os.path.join(split_dir, "test.tsv"))
    tags = read_items(os.path.join(split_dir, "items.tsv"))
    with open(os.path.join(split_dir, "cold_items.txt")) as f:
        cold = [line.strip() for line in f if line.strip()]
    cold_index = {i: n for n, i in enumerate(cold)}
    user_ids, user_vectors = read_embeddings(os.path.join(emb_dir, "users.csv"), "user_id")
    item_ids, item_vectors = read_embeddings(os.path.join(emb_dir, "items.csv"), "item_id")
    user_row = {u: n for n, u in enumerate(user_ids)}
    item_row = {i: n for n, i in enumerate(item_ids)}
    missing = [i for i in cold if i not in item_row]
    relevant = test.groupby("user_id")["item_id"].apply(set).to_dict()
    unknown_users = [u for u in relevant if u not in user_row]
    users = sorted(u for u in relevant if u in user_row)
    relevant = {u: relevant[u] for u in users}
    print(f"cold: {len(cold)} held-out articles ({len(missing)} without an embedding), "
          f"{len(users)} users with held-out saves ({len(unknown_users)} without training "
          f"saves, left out), {sum(map(len, relevant.values()))} held-out saves", file=sys.stderr)
    if missing:
        sys.exit(f"error: {len(missing)} held-out articles have no item embedding "
                 f"(first: {missing[0]})")
    k = 50

    def ranking(scores):
        best = top_k(scores, k)
        return {u: [cold[j] for j in best[n]] for n, u in enumerate(users)}

    model = user_vectors[[user_row[u] for u in users]] @ item_vectors[
        [item_row[i] for i in cold]].T
    print("two_tower " + metrics(ranking(model), relevant))

    rng = np.random.RandomState(SEED)
    print("random " + metrics(ranking(rng.rand(len(users), len(cold))), relevant))

    # Tag popularity: an article scores the mean over its tags of the training saves of
    # the articles carrying each tag (the same for every user).
    tag_saves = {}
    for item, n in train.groupby("item_id").size().items():
        for t in split_tags(tags.get(item, "")):
            tag_saves[t] = tag_saves.get(t, 0) + n
    tag_pop = np.array([np.mean([tag_saves.get(t, 0) for t in split_tags(tags[i])] or [0])
                        for i in cold], np.float64)
    tie = rng.rand(len(cold)) * 1e-9
    print("tag_popularity " + metrics(ranking(np.tile(tag_pop + tie, (len(users), 1))), relevant))

    # Tag profile: cosine between the user's idf-weighted tag counts over their training
    # saves and the article's idf-weighted tags (tags of at least 2 training articles).
    item_tags = pd.DataFrame([(i, t) for i, text in tags.items() for t in set(split_tags(text))],
                             columns=["item_id", "tag"])
    train_items = item_tags[item_tags["item_id"].isin(set(train["item_id"]))]
    counts = train_items.groupby("tag").size()
    counts = counts[counts >= 2]
    vocab = {t: j for j, t in enumerate(counts.index)}
    idf = np.log(train["item_id"].nunique() / counts.to_numpy()).astype(np.float32)
    user_index = {u: n for n, u in enumerate(users)}
    pairs = train[train["user_id"].isin(user_index)].merge(item_tags, on="item_id")
    pairs = pairs[pairs["tag"].isin(vocab)].groupby(["user_id", "tag"]).size().reset_index()
    profile = np.zeros((len(users), len(vocab)), np.float32)
    profile[pairs["user_id"].map(user_index).to_numpy(), pairs["tag"].map(vocab).to_numpy()] = \
        pairs[0].to_numpy()
    cold_tags = item_tags[item_tags["item_id"].isin(cold_index) & item_tags["tag"].isin(vocab)]
    article = np.zeros((len(cold), len(vocab)), np.float32)
    article[cold_tags["item_id"].map(cold_index).to_numpy(), cold_tags["tag"].map(vocab).to_numpy()] = 1

    def normalise(m):
        m = m * idf[None, :]
        return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)

    scores = normalise(profile) @ normalise(article).T + tie
    print("tag_profile " + metrics(ranking(scores), relevant))


def split_tags(text):
    return [t for t in text.split("|") if t]


COMMANDS = {"warm-split": warm_split, "cold-split": cold_split, "warm-score": warm_score,
            "cold-score": cold_score}

if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](sys.argv[2], sys.argv[3])
