"""Writes the weight-file fixtures of Oml.Interactive.Tests/Weights (run once, commit the outputs).

Run with Debian's PyTorch (python3-torch 1.13):  /usr/bin/python3 make_weights_fixtures.py
The tests never run Python; they read the files written here.

The tiny module (rebuilt in C# as TinyNet with the same state_dict keys):
  0: Conv2d(3, 4, 3, padding=1)   1: BatchNorm2d(4)   2: ReLU   3: AdaptiveAvgPool2d(1)   4: Flatten   5: Linear(4, 5)
Input x [2, 3, 8, 8] is stored flattened as input.npy [2, 192]; expected eval-mode output as expected.npy [2, 5].
"""
import enum
import json
import os
import struct

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


def out(name):
    return os.path.join(HERE, name)


class CustomHyperParameters:
    """A Python class the C# reader cannot know (as in Lightning's hyper_parameters / callbacks)."""

    def __init__(self):
        self.name = "tiny"
        self.sizes = (3, 4, 5)
        self.nested = {"lr": 0.001, "schedule": [1, 2, 3]}


class Mode(enum.Enum):
    MAX = "max"
    MIN = "min"


class WithReduce:
    """Pickled through __reduce__ with constructor arguments (Razorvine's ClassDict cannot take these)."""

    def __init__(self, a, b):
        self.a, self.b = a, b

    def __reduce__(self):
        return (WithReduce, (self.a, self.b))


def tiny_net():
    return nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(4, 5),
    )


def write_safetensors(path, tensors, metadata=None):
    """safetensors written by hand (Debian 12 has no python3-safetensors): u64 header size, JSON, raw LE data."""
    dtype_names = {
        torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
        torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL",
    }
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        raw = t.view(torch.uint8).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[name] = {"dtype": dtype_names[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def main():
    torch.manual_seed(0)
    model = tiny_net()
    model.train()
    with torch.no_grad():
        for _ in range(3):  # non-trivial BN running stats, num_batches_tracked = 3
            model(torch.randn(6, 3, 8, 8) * 2 + 0.5)
    model.eval()
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        y = model(x)
    np.save(out("input.npy"), x.reshape(2, -1).numpy().astype(np.float32))
    np.save(out("expected.npy"), y.numpy().astype(np.float32))

    sd = model.state_dict()
    assert int(sd["1.num_batches_tracked"]) == 3

    # 1. plain torch.save(state_dict), zip format
    torch.save(sd, out("tiny_state_dict.pth"))

    # 2. Lightning-style checkpoint: prefixed keys, criterion weights, optimizer state, unknown classes
    lightning_sd = {"model." + k: v for k, v in sd.items()}
    lightning_sd["criterion.weight"] = torch.randn(7, 5)
    lightning_sd["criterion.mlp.0.weight"] = torch.randn(5, 5)
    lightning_sd["criterion.arcface.weight"] = torch.randn(7, 5)
    ckpt = {
        "epoch": 4,
        "global_step": 120,
        "pytorch-lightning_version": "2.1.0",
        "state_dict": lightning_sd,
        "loops": {"fit_loop": {"state_dict": {}, "epoch_progress": {"total": {"ready": 5, "completed": 4}}}},
        "callbacks": {
            "ModelCheckpoint{'monitor': 'OVERALL/cmc/1', 'mode': 'max'}": {
                "monitor": "OVERALL/cmc/1",
                "best_model_score": torch.tensor(0.75),
                "best_model_path": "/logs/checkpoints/best.ckpt",
                "kth_value": torch.tensor(float("-inf")),
                "mode": Mode.MAX,
            }
        },
        "optimizer_states": [{
            "state": {i: {"step": torch.tensor(120.0), "exp_avg": torch.zeros_like(p), "exp_avg_sq": torch.ones_like(p)}
                      for i, p in enumerate(model.parameters())},
            "param_groups": [{"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0, "amsgrad": False,
                              "params": list(range(len(list(model.parameters()))))}],
        }],
        "lr_schedulers": [{"step_size": 10, "gamma": 0.1, "base_lrs": [0.001], "last_epoch": 4, "_step_count": 5}],
        "hyper_parameters": {
            "custom": CustomHyperParameters(),
            "with_reduce": WithReduce(1, "two"),
            "numpy_scalar": np.float64(0.5),
            "a_set": {1, 2, 3},
            "frozen": frozenset({"x"}),
            "big_int": 2 ** 70,
            "bytes": b"\x00\x01",
            "none": None,
        },
    }
    torch.save(ckpt, out("tiny_lightning.ckpt"))

    # 3. nested under "model" (a common hand-made checkpoint layout)
    torch.save({"model": sd, "epoch": 1, "note": "nested"}, out("tiny_nested_model.pth"))

    # 4. safetensors written by hand
    write_safetensors(out("tiny.safetensors"), sd, {"format": "pt"})

    # 5. dtype coverage and storage sharing / views
    base = torch.arange(6, dtype=torch.float64).reshape(2, 3) - 2.5
    dtypes = {
        "f32": base.float(), "f16": base.half(), "bf16": base.bfloat16(), "f64": base,
        "i64": base.round().long(), "i32": base.round().int(), "i16": base.round().short(), "i8": base.round().char(),
        "u8": (base + 3).round().byte(), "bool": base > 0,
    }
    write_safetensors(out("dtypes.safetensors"), dtypes)
    shared = torch.arange(12, dtype=torch.float32)
    views = {"whole": shared, "slice": shared[2:8].view(2, 3), "transposed": shared.view(3, 4).t(), "scalar": torch.tensor(7.0)}
    torch.save({**dtypes, **views}, out("dtypes_views.pth"))

    # 6. formats we refuse, with a message
    torch.save(sd, out("legacy_format.pth"), _use_new_zipfile_serialization=False)
    torch.save(model, out("whole_module.pth"))

    for name in sorted(os.listdir(HERE)):
        if not name.endswith(".py"):
            size = os.path.getsize(out(name))
            assert size < 50_000, (name, size)
            print(f"{name}: {size} bytes")


if __name__ == "__main__":
    main()
