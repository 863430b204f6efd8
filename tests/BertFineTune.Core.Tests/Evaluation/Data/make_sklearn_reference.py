"""Writes sklearn_reference.json: random predictions and what scikit-learn computes for them.

Run with a Python that has scikit-learn (Debian: apt-get install python3-sklearn; /usr/bin/python3 make_sklearn_reference.py).
The C# tests read the JSON; they do not need Python.
"""
import json
import random

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, hamming_loss, precision_recall_fscore_support

rng = random.Random(1234)


def prf(y_true, y_pred, average, **kw):
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average=average, zero_division=0, **kw)
    return {"precision": float(p), "recall": float(r), "f1": float(f)}


def single(name, k, n, never_predicted, never_true):
    y_true = [rng.choice([c for c in range(k) if c not in never_true]) for _ in range(n)]
    y_pred = [t if rng.random() < 0.6 else rng.randrange(k) for t in y_true]
    y_pred = [p if p not in never_predicted else (p + 1) % k for p in y_pred]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=list(range(k)), zero_division=0)
    case = {
        "name": name, "num_labels": k, "y_true": y_true, "y_pred": y_pred,
        "accuracy": accuracy_score(y_true, y_pred),
        "macro": prf(y_true, y_pred, "macro"), "weighted": prf(y_true, y_pred, "weighted"),
        "per_class_precision": p.tolist(), "per_class_recall": r.tolist(), "per_class_f1": f.tolist(), "support": s.tolist(),
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=list(range(k))).tolist(),
    }
    if k == 2:
        case["binary"] = prf(y_true, y_pred, "binary")
    return case


def multi(name, k, n):
    y_true = np.array([[int(rng.random() < 0.3) for _ in range(k)] for _ in range(n)])
    y_pred = np.array([[t if rng.random() < 0.8 else 1 - t for t in row] for row in y_true])
    y_true[:, k - 1] = 0  # a label that never occurs
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, zero_division=0)
    return {
        "name": name, "num_labels": k, "y_true": y_true.tolist(), "y_pred": y_pred.tolist(),
        "subset_accuracy": accuracy_score(y_true, y_pred), "hamming_loss": hamming_loss(y_true, y_pred),
        "micro": prf(y_true, y_pred, "micro"), "macro": prf(y_true, y_pred, "macro"), "weighted": prf(y_true, y_pred, "weighted"),
        "per_class_precision": p.tolist(), "per_class_recall": r.tolist(), "per_class_f1": f.tolist(), "support": s.tolist(),
    }


reference = {
    "single_label": [
        single("six classes, class 2 never predicted, class 5 never true", 6, 300, never_predicted={2}, never_true={5}),
        single("binary", 2, 200, never_predicted=set(), never_true=set()),
        single("eleven classes", 11, 500, never_predicted={0}, never_true={10}),
        single("seven classes, class 6 absent from both", 7, 250, never_predicted={6}, never_true={6}),
    ],
    "multi_label": [multi("five labels, last never true", 5, 120)],
}
with open("sklearn_reference.json", "w") as out:
    json.dump(reference, out)
    out.write("\n")
