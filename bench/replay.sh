#!/usr/bin/env bash
# Replay benchmark of the learning loop (docs/learning-loop.md): MovieLens 100K in time
# order, a model trained on the first 80%, the rest replayed day by day through the HTTP
# API (recommendations asked for each day's users before the day's events are posted).
# Next-day HitRate@10 and NDCG@10 of four servers: the static model (no events posted),
# fold-in only (events posted, no update), incremental updates and full retrains every
# N days (SIGUSR1 to `towerrec serve`: one scheduled update now). Its last line reads
#   replay: static=<ndcg> foldin=<ndcg> incremental=<ndcg> full=<ndcg> incremental_seconds=<s> full_seconds=<s>
#
# Usage: bench/replay.sh [--days D] [--every N] [--epochs E] [--work DIR] [--tolerance T]
#                        [--holdout H] [--variants static,foldin,incremental,full] [--set K=V]
#   --days D    replay only the first D days after the cut (default: all, ~30 min on
#               2 cores; a short proof: --days 3 --every 2 --epochs 2)
#   --every N   days between updates (default 16: two updates over the 47 days)
#   --work DIR  keeps the base model: a second run with the same DIR reuses it
#   --set K=V   a config override of the servers (their updates), not of the base model
# Reads ../shared/data/ml-100k relative to the checkout (or --data DIR) and build/towerrec.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec /usr/bin/python3 "$here/replay.py" --repo "$(dirname "$here")" "$@"
