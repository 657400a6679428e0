"""PyTorch reference of the `train-step` benchmark (benchmarks/Oml.Benchmarks/TrainStepBenchmark.cs).

One training step = zero_grad, resnet18 forward (remove_fc, no feature normalisation, train mode) on a fixed
[32, 3, 64, 64] randn batch (seed 0; TorchSharp's randn gives the same numbers), all-triplets mining of the fixed
labels (8 labels x 4 instances) in the order of Oml.Miners.AllTripletsMiner (anchor, positive, negative row-major;
no permutation), triplet loss with margin 0.2 (or soft) and OML's active_tri / pos_dist / neg_dist logs,
loss.item(), backward, Adam(lr=1e-4) step. --triplet-form matrix (the default) reads d(a,p), d(a,n) from the batch's
exact B x B distance matrix by the flat ids a*B+p, a*B+n (as Oml.Losses.LossFunctions.TripletFromDistances);
gather computes them from the triplets' gathered rows.

The model is the pure-torch, torchvision-identical ResNet of
Oml.Interactive.Tests/Fixtures/models/make_model_fixtures.py (imported from there, not copied).
Run with Debian's /usr/bin/python3 (torch 1.13). Prints `RESULT {json}` for the driver.
"""
import argparse
import json
import os
import resource
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Oml.Interactive.Tests", "Fixtures", "models"))
from make_model_fixtures import BasicBlock, ResNet  # noqa: E402


def rss_mb(key="VmRSS:"):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def machine_busy_seconds():
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + (fields[7] if len(fields) > 7 else 0)) / 100.0


def allocator():
    with open("/proc/self/maps") as f:
        return "tcmalloc" if "tcmalloc" in f.read() else "glibc"


def all_triplets(labels):
    """Every (a, p, n) with a != p, y_a == y_p, y_n != y_a, in row-major (a, p, n) order (Oml's AllTripletsMiner)."""
    same = labels[:, None] == labels[None, :]
    pos = same & ~torch.eye(len(labels), dtype=torch.bool)
    neg = ~same
    return torch.where(pos[:, :, None] & neg[:, None, :])


def triplet_distances(features, a, p, n, form):
    """d(a,p) and d(a,n): from one exact B x B distance matrix ("matrix") or from the gathered rows ("gather")."""
    if form == "matrix":
        b = features.shape[0]
        dist = torch.cdist(features, features, compute_mode="donot_use_mm_for_euclid_dist").view(-1)
        return dist[a * b + p], dist[a * b + n]
    anchor, positive, negative = features[a], features[p], features[n]
    return torch.linalg.vector_norm(anchor - positive, dim=-1), torch.linalg.vector_norm(anchor - negative, dim=-1)


def triplet_loss(features, labels, margin, logs, form="matrix"):
    a, p, n = all_triplets(labels)
    dp, dn = triplet_distances(features, a, p, n, form)
    losses = F.relu(dp - dn + margin) if margin is not None else F.softplus(dp - dn)
    with torch.no_grad():
        logs["active_tri"] = (losses > 0).double().mean().item()
        logs["pos_dist"] = dp.double().mean().item()
        logs["neg_dist"] = dn.double().mean().item()
    return losses.mean(), len(a)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--margin", default="0.2")
    parser.add_argument("--triplet-form", choices=["matrix", "gather"], default="matrix")
    args = parser.parse_args()
    margin = None if args.margin == "soft" else float(args.margin)

    torch.set_num_threads(args.threads)
    rss_start = rss_mb()
    torch.manual_seed(0)
    x = torch.randn(32, 3, 64, 64)
    y = torch.arange(32) // 4
    model = ResNet(BasicBlock, [2, 2, 2, 2], remove_fc=True)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    logs = {}

    step_ms, fwd_ms, bwd_ms, opt_ms = [], [], [], []
    loss_first = loss_last = float("nan")
    rss_warm = 0.0
    busy0 = own0 = wall0 = 0.0
    triplets = 0
    for step in range(args.warmup + args.steps):
        if step == args.warmup:
            rss_warm = rss_mb()
            busy0, own0, wall0 = machine_busy_seconds(), time.process_time(), time.perf_counter()
        t0 = time.perf_counter()
        optimizer.zero_grad()
        features = model(x)
        loss, triplets = triplet_loss(features, y, margin, logs, args.triplet_form)
        value = loss.item()
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        optimizer.step()
        t3 = time.perf_counter()
        del features, loss
        if step == 0:
            loss_first = value
        loss_last = value
        if step < args.warmup:
            continue
        step_ms.append((t3 - t0) * 1e3)
        fwd_ms.append((t1 - t0) * 1e3)
        bwd_ms.append((t2 - t1) * 1e3)
        opt_ms.append((t3 - t2) * 1e3)
    wall = time.perf_counter() - wall0
    other = max(0.0, (machine_busy_seconds() - busy0) - (time.process_time() - own0)) / wall
    result = {
        "side": "python", "step_ms": step_ms, "forward_ms": fwd_ms, "backward_ms": bwd_ms, "optimizer_ms": opt_ms,
        "rss_start_mb": rss_start, "rss_warm_mb": rss_warm, "rss_end_mb": rss_mb(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, "allocator": allocator(),
        "loss_first": loss_first, "loss_last": loss_last, "triplets": triplets, "other_cores": other,
        "info": {"torch": torch.__version__, "threads": str(torch.get_num_threads()),
                 "mkldnn": str(torch.backends.mkldnn.is_available())},
    }
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
