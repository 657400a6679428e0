"""PyTorch reference of the `train-loop` benchmark (benchmarks/Oml.Benchmarks/TrainLoopBenchmark.cs).

A plain PyTorch training loop equivalent to `oml train configs/train_mock.yaml` with the benchmark's overrides:
df.csv (label, path, split) -> train rows; OML's BalanceSampler logic (per epoch: n_labels * n_batches distinct
labels drawn without replacement, n_instances rows per label, without replacement when the label has enough rows)
as a batch sampler; PIL open + convert("RGB") + torchvision Resize((S, S)) + ToTensor + Normalize(ImageNet);
DataLoader(num_workers=W) (workers started per epoch, PyTorch's default); the torchvision-identical ResNet of
Oml.Interactive.Tests/Fixtures/models/make_model_fixtures.py (resnet18, remove_fc) + F.normalize; triplet loss with
margin 0.2 over all triplets (train_step_reference.py's triplet_loss, distance-matrix form); Adam(lr=1e-4). Times each epoch's training part (iterator
start-up included) and, per step, the wait for the batch and the whole step. Prints `RESULT {json}`.
Run with Debian's /usr/bin/python3 (torch 1.13, torchvision 0.14, Pillow).
"""
import argparse
import csv
import json
import os
import resource
import time

import numpy as np
import PIL
import torch
import torch.nn.functional as F
import torchvision
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms as T

from train_step_reference import BasicBlock, ResNet, allocator, machine_busy_seconds, triplet_loss

MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


class ImageFrame(Dataset):
    def __init__(self, root, rows, im_size):
        self.paths = [os.path.join(root, r["path"]) for r in rows]
        self.labels = [int(r["label"]) for r in rows]
        self.transform = T.Compose([T.Resize((im_size, im_size)), T.ToTensor(), T.Normalize(MEAN, STD)])

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, i):
        with Image.open(self.paths[i]) as image:
            image = image.convert("RGB")
        return self.transform(image), self.labels[i]


class BalanceBatchSampler:
    """OML's BalanceSampler: n_labels distinct labels x n_instances rows per batch, labels without replacement per epoch."""

    def __init__(self, labels, n_labels, n_instances, seed):
        self.ids = {}
        for i, label in enumerate(labels):
            self.ids.setdefault(label, []).append(i)
        self.labels = sorted(self.ids)
        self.n_labels, self.n_instances, self.seed, self.epoch = n_labels, n_instances, seed, 0

    def set_epoch(self, epoch):
        self.epoch = epoch

    def __len__(self):
        return len(self.labels) // self.n_labels

    def __iter__(self):
        rng = np.random.default_rng(self.seed + self.epoch)
        chosen = rng.choice(self.labels, size=len(self) * self.n_labels, replace=False)
        for b in range(len(self)):
            batch = []
            for label in chosen[b * self.n_labels:(b + 1) * self.n_labels]:
                ids = self.ids[int(label)]
                if len(ids) >= self.n_instances:
                    batch.extend(rng.choice(ids, size=self.n_instances, replace=False).tolist())
                else:
                    batch.extend(rng.permutation(ids).tolist() + rng.choice(ids, size=self.n_instances - len(ids)).tolist())
            yield batch


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--dataframe", default="df.csv")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--im-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    with open(os.path.join(args.data, args.dataframe)) as f:
        rows = [r for r in csv.DictReader(f) if r["split"] == "train"]
    dataset = ImageFrame(args.data, rows, args.im_size)
    sampler = BalanceBatchSampler(dataset.labels, 8, 4, args.seed)
    loader = DataLoader(dataset, batch_sampler=sampler, num_workers=args.workers)
    model = ResNet(BasicBlock, [2, 2, 2, 2], remove_fc=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    logs = {}

    step_s, wait_s, step_epochs, epoch_s = [], [], [], []
    busy0, own0, wall0 = machine_busy_seconds(), time.process_time(), time.perf_counter()
    for epoch in range(args.epochs):
        torch.manual_seed(args.seed + epoch)
        sampler.set_epoch(epoch)
        model.train()
        epoch_start = time.perf_counter()
        batches = iter(loader)
        for _ in range(len(sampler)):
            t0 = time.perf_counter()
            images, labels = next(batches)
            t1 = time.perf_counter()
            optimizer.zero_grad()
            features = F.normalize(model(images), p=2, dim=1)
            loss, _ = triplet_loss(features, labels, 0.2, logs)
            value = loss.item()
            if not np.isfinite(value):
                raise RuntimeError(f"loss {value}")
            loss.backward()
            optimizer.step()
            del features, loss
            t2 = time.perf_counter()
            step_s.append(t2 - t0)
            wait_s.append(t1 - t0)
            step_epochs.append(epoch)
        epoch_s.append(time.perf_counter() - epoch_start)
        del batches
    # the workers' CPU time is not in process_time(); "other load" here counts them, so it is an upper bound
    wall = time.perf_counter() - wall0
    other = max(0.0, (machine_busy_seconds() - busy0) - (time.process_time() - own0)
                - resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime) / wall
    result = {
        "side": "python", "step_seconds": step_s, "wait_seconds": wait_s, "step_epochs": step_epochs, "epoch_seconds": epoch_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, "allocator": allocator(), "other_cores": other,
        "info": {"torch": torch.__version__, "torchvision": torchvision.__version__, "pillow": PIL.__version__},
    }
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
