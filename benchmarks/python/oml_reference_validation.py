#!/usr/bin/env python3
"""Reference side of the `retrieval` benchmark: OML-style validation of precomputed embeddings.

Written from the definitions in docs/oml-metrics.md §1-2 (and §6 for PCF), not from OML's code:
  * kNN as OML's `batched_knn`: queries in chunks of BS_KNN = 5000, `torch.cdist` (plain Euclidean) against the whole
    gallery, the query's own row set to +inf and removed from its ground truth, `topk(k, largest=False, sorted=True)`,
    +inf entries dropped; per query the ground truth = every same-label gallery position that is not ignored;
  * the checks of OML's `RetrievalResults` (sorted distances, unique ids), per query;
  * cmc@k, precision@k (OML's min(n_gt, k') denominator), map@k (OML's hits-in-top-k denominator), with per-query
    Python/numpy loops, then a plain mean; PCF from the singular values of the centred embeddings.

Input: a folder with embeddings.npy ([N, D] float32) and labels.csv (label,is_query,is_gallery) as written by
`dotnet run -c Release --project benchmarks/Oml.Benchmarks -- retrieval`. Output: one `RESULT {json}` line.
Run it with Debian's interpreter (/usr/bin/python3) and python3-torch, python3-numpy, libopenblas0-pthread.
"""
import argparse
import csv
import json
import os
import resource
import time

import numpy as np
import torch

BS_KNN = 5000


def status_mb(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def cpu_snapshot():
    """(machine busy seconds from /proc/stat, own CPU seconds, wall clock), to see how busy the rest of the machine was."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + (fields[7] if len(fields) > 7 else 0)
    own = os.times()
    return busy / os.sysconf("SC_CLK_TCK"), own.user + own.system, time.perf_counter()


def other_cores(start, end):
    return max(0.0, (end[0] - start[0]) - (end[1] - start[1])) / (end[2] - start[2])


def read_labels(path):
    labels, is_query, is_gallery = [], [], []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            labels.append(int(row["label"]))
            is_query.append(row["is_query"] == "True")
            is_gallery.append(row["is_gallery"] == "True")
    return torch.tensor(labels), torch.tensor(is_query), torch.tensor(is_gallery)


def batched_knn(embeddings, ids_query, ids_gallery, labels, top_n, bs=BS_KNN):
    """Exact top_n gallery positions of every query, nearest first, self pairs ignored (docs/oml-metrics.md §1)."""
    gallery = embeddings[ids_gallery]
    labels_gallery = labels[ids_gallery]
    k = min(top_n, len(ids_gallery))
    distances, retrieved_ids, gt_ids = [], [], []
    for start in range(0, len(ids_query), bs):
        ids_batch = ids_query[start:start + bs]
        dist = torch.cdist(embeddings[ids_batch], gallery, p=2)
        ignore = ids_batch[:, None] == ids_gallery[None, :]
        is_gt = labels[ids_batch][:, None] == labels_gallery[None, :]
        is_gt[ignore] = False
        dist[ignore] = float("inf")
        top_dist, top_ids = torch.topk(dist, k=k, dim=1, largest=False, sorted=True)
        for row_dist, row_ids, row_gt in zip(top_dist, top_ids, is_gt):
            keep = ~torch.isinf(row_dist)
            distances.append(row_dist[keep])
            retrieved_ids.append(row_ids[keep])
            gt_ids.append(torch.nonzero(row_gt).view(-1))
        del dist, ignore, is_gt, top_dist, top_ids
    return distances, retrieved_ids, gt_ids


def check_retrieval_results(distances, retrieved_ids, gt_ids):
    """The per-query checks OML's RetrievalResults makes on construction (oml/retrieval/retrieval_results.py: RetrievalResults.__init__)."""
    tolerance = 10 * torch.finfo(torch.float32).eps
    for dist, ids, gt in zip(distances, retrieved_ids, gt_ids):
        assert dist.ndim == 1 and ids.ndim == 1 and gt.ndim == 1 and len(dist) == len(ids)
        assert bool(((dist[1:] - dist[:-1]) >= -tolerance).all()), "distances are not sorted"
        assert len(torch.unique(ids[:100])) == len(ids[:100]), "retrieved ids are not unique"


def cmc(hits, n_gt, k):
    if len(hits) == 0:
        return 1.0 if n_gt == 0 else 0.0
    return float(hits[:k].any())


def precision(hits, n_gt, k):
    if len(hits) == 0:
        return 1.0 if n_gt == 0 else 0.0
    top = min(k, len(hits))
    return float(np.cumsum(hits)[top - 1]) / min(n_gt, top) if n_gt > 0 else float("nan")


def mean_average_precision(hits, n_gt, k):
    if len(hits) == 0:
        return 1.0 if n_gt == 0 else 0.0
    top = min(k, len(hits))
    found = np.cumsum(hits[:top])
    if found[-1] == 0:
        return 0.0
    ranks = np.arange(1, top + 1)
    return float(((found / ranks) * hits[:top]).sum() / found[-1])


def retrieval_metrics(retrieved_ids, gt_ids, cmc_top_k, precision_top_k, map_top_k):
    hits = [np.isin(r.numpy(), g.numpy()) for r, g in zip(retrieved_ids, gt_ids)]
    n_gts = [len(g) for g in gt_ids]
    metrics = {}
    for name, fn, ks in (("cmc", cmc, cmc_top_k), ("precision", precision, precision_top_k), ("map", mean_average_precision, map_top_k)):
        for k in ks:
            metrics[f"OVERALL/{name}/{k}"] = float(np.mean([fn(h, n, k) for h, n in zip(hits, n_gts)]))
    return metrics


def pcf(embeddings, fractions):
    """Principal Components Fraction (docs/oml-metrics.md §6): (number of cumulative explained-variance ratios <= r, plus 1) / d."""
    x = embeddings - embeddings.mean(dim=0)
    n, d = x.shape
    s = torch.linalg.svd(x, full_matrices=n < d)[1]
    variance = s ** 2 / (n - 1)
    cumulative = torch.cumsum(variance / variance.sum(), dim=0)
    counts = torch.searchsorted(cumulative, torch.tensor(fractions, dtype=cumulative.dtype), right=True) + 1
    return {f"OVERALL/pcf/{r}": float(c) / d for r, c in zip(fractions, counts)}


def matmul_rate(embeddings, query_chunk=1024, gallery_chunk=8192, rounds=5, calls=40):
    """GFLOP/s of addmm_ into a pre-touched buffer of the C# engine's chunk shape (information only)."""
    buffer = torch.zeros(query_chunk, gallery_chunk)
    q = embeddings[:query_chunk]
    blocks = [embeddings[i:i + gallery_chunk].t() for i in range(0, embeddings.shape[0] - gallery_chunk + 1, gallery_chunk)]
    for b in blocks[:5]:
        buffer.addmm_(q, b, beta=0, alpha=1)
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for i in range(calls):
            buffer.addmm_(q, blocks[i % len(blocks)], beta=0, alpha=1)
        rates.append(2.0 * query_chunk * gallery_chunk * embeddings.shape[1] * calls / (time.perf_counter() - start) / 1e9)
    return max(rates)


def blas_libraries():
    with open("/proc/self/maps") as f:
        return sorted({line.split()[-1] for line in f if "blas" in line.lower() and "/" in line})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-matmul-rate", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    embeddings = torch.from_numpy(np.load(os.path.join(args.data, "embeddings.npy")))
    labels, is_query, is_gallery = read_labels(os.path.join(args.data, "labels.csv"))
    ids_query = torch.nonzero(is_query).view(-1)
    ids_gallery = torch.nonzero(is_gallery).view(-1)
    rss_after_embeddings = status_mb("VmRSS:")

    # metric_args as the C# side: cmc_top_k [1, 5, k]; OML retrieves n_items = the largest top_k
    cmc_top_k, precision_top_k, map_top_k = ((1, 5, args.k) if args.k > 5 else (1, 5)), (5,), (5,)
    n_items = max(cmc_top_k + precision_top_k + map_top_k)

    cpu_start = cpu_snapshot()
    start = time.perf_counter()
    distances, retrieved_ids, gt_ids = batched_knn(embeddings, ids_query, ids_gallery, labels, n_items)
    knn_s = time.perf_counter() - start
    check_retrieval_results(distances, retrieved_ids, gt_ids)
    metrics = retrieval_metrics(retrieved_ids, gt_ids, cmc_top_k, precision_top_k, map_top_k)
    metrics.update(pcf(embeddings, (0.5,)))
    seconds = time.perf_counter() - start
    cpu_end = cpu_snapshot()

    peak_hwm = status_mb("VmHWM:")
    peak_maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    extra = {"knn_s": knn_s, "metrics_s": seconds - knn_s, "peak_vmhwm_mb": peak_hwm, "other_cores": other_cores(cpu_start, cpu_end),
             "cpu_s": cpu_end[1] - cpu_start[1]}
    if not args.no_matmul_rate:
        extra["gflops_best"] = matmul_rate(embeddings)
    info = {
        "torch": torch.__version__,
        "numpy": np.__version__,
        "threads": str(torch.get_num_threads()),
        "blas_libraries": ", ".join(blas_libraries()),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", ""),
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", ""),
    }
    print("RESULT " + json.dumps({
        "case": "python",
        "seconds": seconds,
        "rss_after_embeddings_mb": rss_after_embeddings,
        "peak_rss_mb": peak_maxrss,
        "metrics": metrics,
        "extra": extra,
        "info": info,
    }), flush=True)


if __name__ == "__main__":
    main()
