"""TowerRec: two-tower recommender engine (the C++ library's public API).

Everything is done by the compiled module ``_towerrec``; this package only converts
Python inputs for it: pandas DataFrames and dicts of numpy arrays become the CSV text
an input file would hold.
"""

import csv
import io
import os

# LibTorch's OpenMP pool spins between parallel regions unless OMP_WAIT_POLICY is
# PASSIVE (see tools/main.cc); libgomp reads it once, when the module below loads it.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from ._towerrec import Config, Data, Model, log_level, set_log_level, __version__
from . import _towerrec

__all__ = ["Config", "Data", "Model", "build_dataset", "train", "evaluate",
           "set_log_level", "log_level", "__version__"]


def _csv_text(table):
    """A DataFrame, a dict of columns (numpy arrays or lists) or CSV text -> CSV text.

    Missing values (None, NaN) become empty cells, as in a file.
    """
    if table is None or isinstance(table, str):
        return table
    if hasattr(table, "to_csv"):  # pandas.DataFrame
        return table.to_csv(index=False, lineterminator="\n")
    columns = list(table.keys())
    values = [list(table[c]) for c in columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in zip(*values):
        writer.writerow(["" if v is None or v != v else v for v in row])
    return out.getvalue()


def build_dataset(config, interactions=None, users=None, items=None):
    """Reads the configured tables into a Data; any table can be given in memory
    (DataFrame or dict of columns) instead of its file."""
    return _towerrec._build_dataset(config, _csv_text(interactions), _csv_text(users),
                                    _csv_text(items))


def train(config, output, data=None, progress=True, resume=False, on_progress=None,
          interactions=None, users=None, items=None):
    """Trains a model bundle into `output` as `towerrec train` does; returns the Model.

    data: a Data from build_dataset (default: read the configured tables, or the
    in-memory ones given). on_progress(dict) is called after every batch and epoch.
    Ctrl-C stops training after the current batch and raises KeyboardInterrupt.
    """
    if data is None and not (interactions is None and users is None and items is None):
        data = build_dataset(config, interactions, users, items)
    return _towerrec._train(config, output, data, progress, resume, on_progress)


def evaluate(model, k=None, baselines=None, config=None, overrides=None,
             interactions=None, users=None, items=None):
    """Metrics of a model and baselines on its test split: {model: {metric: value}}.

    model: a Model or a bundle directory; config: a YAML path (default: the bundle's).
    """
    directory = model.dir if isinstance(model, Model) else str(model)
    if isinstance(k, int):
        k = [k]
    return _towerrec._evaluate(directory, k, baselines, config or "", overrides,
                               _csv_text(interactions), _csv_text(users), _csv_text(items))
