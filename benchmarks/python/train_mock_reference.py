"""Plain-PyTorch side of the `main-job` benchmark (benchmarks/Oml.Benchmarks/MainJobBenchmark.cs).

The recipes of configs/train_mock.yaml (`--recipe main`) and configs/train_mock_scratch.yaml (`--recipe scratch`),
written as a short PyTorch script from the configs, docs/mock-main-job.md, docs/pretrained-mlnet.md and
docs/oml-metrics.md (not from OML's code); norm_resize_mlnet and freeze_bn mirror what
Oml/Images/MeanImageResizeTransform.cs and Oml/Models/ResnetExtractor.cs do. The driver passes every number it reads from the config
(image size, learning rate, epochs, validation period, balance sampler, validation batch size), so both sides run
the same steps and validations.

- Data: the dataframe's rows (label, path, split, is_query, is_gallery, x_1, x_2, y_1, y_2). Every image is read
  once before training: PIL open, RGB, crop to the box [x_1, x_2) x [y_1, y_2) (half-open, as OML), PIL bilinear
  resize to S x S (what torchvision's Resize((S, S)) does on a PIL image), then
    * scratch (`norm_resize_torch`): /255, ImageNet mean/std, RGB;
    * main (`norm_resize_mlnet`, docs/pretrained-mlnet.md "Preprocessing at other sizes"): B, G, R planes on the
      0-255 scale minus the mean image at S px, which the driver exports from our transform (`--mean-image`, a
      [3, S*S] float32 .npy).
  All crops live in one float32 tensor per split; a batch is an index_select.
- Sampler: OML's BalanceSampler (docs/mock-main-job.md finding 1): per epoch, n_batches = n_train_labels // n_labels;
  n_batches * n_labels distinct labels drawn without replacement; per label n_instances rows without replacement,
  or all its rows in random order plus draws with replacement when it has fewer. numpy's default_rng((seed, epoch)).
- Model: scratch = torchvision resnet18(weights=None) (torchvision's init, torch.manual_seed(seed) first);
  main = torchvision's ResNet(BasicBlock, [2, 2, 2, 3]) (arch resnet18_mlnet) with the converted ML.NET weights read
  from the safetensors file our zoo writes (`--weights`, strict key match). resnet18_mlnet pads its strided layers
  CNTK's way ([1, 0]); for even image sides that gives exactly torchvision's numbers (docs/pretrained-mlnet.md,
  "What the graph is"), so the script refuses odd sides. fc = Identity: 512-d average-pooled features, no
  normalisation. freeze_bn (main): after model.train() every BatchNorm2d goes back to eval(), so it normalises with
  the running statistics and never updates them; its weight and bias still train.
- Loss: soft-margin triplet loss over all triplets of the batch (a, p same label, a != p; n another label): one
  exact B x B distance matrix (torch.cdist with donot_use_mm_for_euclid_dist), d[a, p] and d[a, n] gathered,
  F.softplus(d_ap - d_an).mean(). Adam(lr) over all parameters, torch.manual_seed(seed + epoch) at each epoch.
- Validation every valid_period epochs and after the last (docs/oml-metrics.md §1-2): embeddings of the validation
  split in eval mode, batches of bs_val; queries = is_query rows, gallery = is_gallery rows, Euclidean distances,
  a query's own row excluded (distance +inf, not in its ground truth), the 5 nearest; cmc@1, cmc@5, precision@5
  (hits in the top k' / min(n_gt, k')), map@5 (sum of precision-at-i over hits / hits in the top k', 0 if none),
  queries without ground truth left out (§3).

`--epochs 0` only validates the untrained network (the driver's check that both sides start from the same one).
Prints one `RESULT {json}` line. Run with Debian's /usr/bin/python3 (torch 1.13, torchvision 0.14, Pillow, numpy).
"""
import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import PIL  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import torchvision  # noqa: E402
from PIL import Image  # noqa: E402
from torchvision.models.resnet import BasicBlock, ResNet  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - T0
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
TOP_K = 5


def flag(value):
    return str(value).strip().lower() in ("true", "1", "yes")


def load_split(root, frame, size, recipe, mean_image):
    """Every row's crop, resized and normalised, as one [N, 3, S, S] float32 tensor."""
    has_box = all(c in frame.columns for c in ("x_1", "x_2", "y_1", "y_2"))
    out = np.empty((len(frame), 3, size, size), dtype=np.float32)
    for i, row in enumerate(frame.itertuples(index=False)):
        with Image.open(os.path.join(root, row.path)) as image:
            image = image.convert("RGB")
            if has_box and not pd.isna(row.x_1):
                image = image.crop((int(row.x_1), int(row.y_1), int(row.x_2), int(row.y_2)))
            pixels = np.asarray(image.resize((size, size), Image.BILINEAR), dtype=np.float32)  # [S, S, 3] RGB
        if recipe == "scratch":
            out[i] = ((pixels / 255.0 - IMAGENET_MEAN) / IMAGENET_STD).transpose(2, 0, 1)
        else:
            out[i] = pixels[:, :, ::-1].transpose(2, 0, 1) - mean_image
    return torch.from_numpy(out)


def read_safetensors(path):
    dtypes = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32, "F16": np.float16}
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        data = f.read()
    state = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=dtypes[entry["dtype"]]).reshape(entry["shape"])
        state[name] = torch.from_numpy(array.copy())
    return state


def build_model(recipe, weights):
    if recipe == "scratch":
        model = torchvision.models.resnet18(weights=None)
        model.fc = torch.nn.Identity()
    else:
        model = ResNet(BasicBlock, [2, 2, 2, 3])
        model.fc = torch.nn.Identity()
        model.load_state_dict(read_safetensors(weights), strict=True)
    return model


def set_train(model, freeze_bn):
    model.train()
    if freeze_bn:
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.eval()


class BalanceSampler:
    def __init__(self, labels, n_labels, n_instances, seed):
        self.rows = {}
        for i, label in enumerate(labels):
            self.rows.setdefault(int(label), []).append(i)
        self.labels = sorted(self.rows)
        self.n_labels, self.n_instances, self.seed = n_labels, n_instances, seed
        self.batches_per_epoch = len(self.labels) // n_labels

    def epoch(self, epoch):
        rng = np.random.default_rng((self.seed, epoch))
        chosen = rng.choice(self.labels, size=self.batches_per_epoch * self.n_labels, replace=False)
        for b in range(self.batches_per_epoch):
            batch = []
            for label in chosen[b * self.n_labels:(b + 1) * self.n_labels]:
                rows = self.rows[int(label)]
                if len(rows) >= self.n_instances:
                    batch.extend(rng.choice(rows, size=self.n_instances, replace=False).tolist())
                else:
                    batch.extend(rng.permutation(rows).tolist() + rng.choice(rows, size=self.n_instances - len(rows)).tolist())
            yield batch


def all_triplets(labels):
    """(anchor, positive, negative) index tensors of every triplet of the batch."""
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(labels), dtype=torch.bool)
    a, p, n = torch.nonzero((same & ~eye)[:, :, None] & ~same[:, None, :], as_tuple=True)
    return a, p, n


@torch.no_grad()
def validate(model, images, labels, is_query, is_gallery, bs_val):
    model.eval()
    embeddings = torch.cat([model(images[i:i + bs_val]) for i in range(0, len(images), bs_val)])
    queries, gallery = np.flatnonzero(is_query), np.flatnonzero(is_gallery)
    distances = torch.cdist(embeddings[queries], embeddings[gallery])
    q_rows, g_rows = torch.from_numpy(queries), torch.from_numpy(gallery)
    self_pairs = q_rows[:, None] == g_rows[None, :]
    distances[self_pairs] = float("inf")
    k = min(TOP_K, len(gallery))
    top_d, top_i = distances.topk(k, dim=1, largest=False, sorted=True)
    labels = torch.as_tensor(labels)
    q_labels, g_labels = labels[q_rows], labels[g_rows]
    gt = (q_labels[:, None] == g_labels[None, :]) & ~self_pairs
    n_gt = gt.sum(1).numpy()
    hits = torch.gather(gt, 1, top_i).numpy()
    retrieved = np.isfinite(top_d.numpy()).sum(1)
    cmc1, cmc5, precision5, map5 = [], [], [], []
    for q in range(len(queries)):
        if n_gt[q] == 0:
            continue  # docs/oml-metrics.md §3: left out of every mean
        h = hits[q, :retrieved[q]]
        kk = min(TOP_K, len(h))
        top = h[:kk]
        cmc1.append(float(h[:1].any()))
        cmc5.append(float(top.any()))
        precision5.append(top.sum() / min(n_gt[q], kk) if kk > 0 else 0.0)
        n_hits = top.sum()
        at_i = np.cumsum(top) / np.arange(1, kk + 1)
        map5.append(float((at_i * top).sum() / n_hits) if n_hits > 0 else 0.0)
    return {"OVERALL/cmc/1": float(np.mean(cmc1)), "OVERALL/cmc/5": float(np.mean(cmc5)),
            "OVERALL/precision/5": float(np.mean(precision5)), "OVERALL/map/5": float(np.mean(map5))}


def allocator():
    with open("/proc/self/maps") as f:
        return "tcmalloc" if "tcmalloc" in f.read() else "glibc"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipe", choices=["main", "scratch"], required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--dataframe", default="df_with_bboxes.csv")
    parser.add_argument("--im-size", type=int, required=True)
    parser.add_argument("--lr", type=float, required=True)
    parser.add_argument("--epochs", type=int, required=True, help="0: only validate the untrained network")
    parser.add_argument("--valid-period", type=int, required=True)
    parser.add_argument("--n-labels", type=int, default=8)
    parser.add_argument("--n-instances", type=int, default=8)
    parser.add_argument("--bs-val", type=int, default=128)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--freeze-bn", action="store_true")
    parser.add_argument("--weights", help="main: the converted resnet18_mlnet_imagenet safetensors file")
    parser.add_argument("--mean-image", help="main: the mean image at im_size, [3, S*S] float32 .npy (B, G, R)")
    args = parser.parse_args()
    if args.recipe == "main" and (args.im_size % 2 or not args.weights or not args.mean_image):
        parser.error("--recipe main needs --weights, --mean-image and an even --im-size")

    torch.set_num_threads(args.threads)
    t_start = time.perf_counter()
    frame = pd.read_csv(os.path.join(args.data, args.dataframe))
    train_frame = frame[frame["split"] == "train"].reset_index(drop=True)
    val_frame = frame[frame["split"] == "validation"].reset_index(drop=True)
    mean_image = None
    if args.recipe == "main":
        mean_image = np.load(args.mean_image).reshape(3, args.im_size, args.im_size).astype(np.float32)
    val_images = load_split(args.data, val_frame, args.im_size, args.recipe, mean_image)
    train_images = load_split(args.data, train_frame, args.im_size, args.recipe, mean_image) if args.epochs > 0 else None
    val_labels = val_frame["label"].to_numpy()
    is_query = val_frame["is_query"].map(flag).to_numpy()
    is_gallery = val_frame["is_gallery"].map(flag).to_numpy()
    load_seconds = time.perf_counter() - t_start

    t_build = time.perf_counter()
    torch.manual_seed(args.seed)
    model = build_model(args.recipe, args.weights)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    build_seconds = time.perf_counter() - t_build

    validations, losses = [], []
    train_seconds, steps = 0.0, 0
    if args.epochs == 0:
        t = time.perf_counter()
        metrics = validate(model, val_images, val_labels, is_query, is_gallery, args.bs_val)
        validations.append({"epoch": 0, "step": 0, "seconds": time.perf_counter() - t, "metrics": metrics})
    else:
        train_labels = torch.as_tensor(train_frame["label"].to_numpy())
        sampler = BalanceSampler(train_labels.tolist(), args.n_labels, args.n_instances, args.seed)
        for epoch in range(args.epochs):
            t_epoch = time.perf_counter()
            torch.manual_seed(args.seed + epoch)
            set_train(model, args.freeze_bn)
            for batch in sampler.epoch(epoch):
                index = torch.as_tensor(batch)
                labels = train_labels[index]
                features = model(train_images.index_select(0, index))
                d = torch.cdist(features, features, compute_mode="donot_use_mm_for_euclid_dist")
                a, p, n = all_triplets(labels)
                loss = F.softplus(d[a, p] - d[a, n]).mean()
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                value = loss.item()
                if not np.isfinite(value):
                    raise RuntimeError(f"loss {value} at step {steps}")
                losses.append(value)
                steps += 1
            train_seconds += time.perf_counter() - t_epoch
            if (epoch + 1) % args.valid_period == 0 or epoch == args.epochs - 1:
                t = time.perf_counter()
                metrics = validate(model, val_images, val_labels, is_query, is_gallery, args.bs_val)
                seconds = time.perf_counter() - t
                validations.append({"epoch": epoch + 1, "step": steps, "seconds": seconds, "metrics": metrics})
                print(f"validation after epoch {epoch + 1}: OVERALL/cmc/1 = {metrics['OVERALL/cmc/1']:.4f}, {seconds:.1f} s", flush=True)

    result = {
        "recipe": args.recipe, "seed": args.seed, "steps": steps, "validations": validations,
        "first_loss": losses[0] if losses else None, "last_loss": losses[-1] if losses else None,
        "import_seconds": IMPORT_SECONDS, "load_seconds": load_seconds, "build_seconds": build_seconds,
        "train_seconds": train_seconds, "validation_seconds": sum(v["seconds"] for v in validations),
        "in_run_seconds": time.perf_counter() - t_start, "train_images": 0 if train_images is None else len(train_images),
        "val_images": len(val_images), "threads": torch.get_num_threads(), "allocator": allocator(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "info": {"torch": torch.__version__, "torchvision": torchvision.__version__, "pillow": PIL.__version__,
                 "numpy": np.__version__, "pandas": pd.__version__},
    }
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
