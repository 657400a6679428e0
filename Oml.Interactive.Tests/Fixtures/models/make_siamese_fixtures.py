"""Writes the PyTorch reference fixture of the pairwise model ConcatSiamese (Oml/Postprocessing/ConcatSiamese.cs).

Run with Debian's Python (apt-get install python3-torch python3-torchvision: torch 1.13, torchvision 0.14):
    /usr/bin/python3 Oml.Interactive.Tests/Fixtures/models/make_siamese_fixtures.py

The model is built as OML's oml/models/meta/siamese.py: ConcatSiamese builds it: an extractor (here the tiny BasicBlock
ResNet of make_model_fixtures.py: widths 4, 8, 16, 32, one block per stage, average pooling, no fc; feat_dim 32) and
the head torchvision.ops.MLP(feat_dim, [*mlp_hidden_dims, 1], activation Sigmoid, dropout 0.5) whose last Linear is
bias-free and whose last Dropout is an Identity. mlp_hidden_dims [12, 6] gives the keys head.0.*, head.3.*, head.6.weight.
The two images of a pair are stacked vertically (torch.cat on the height) before the extractor.
Outputs (all in this folder):
  concat_siamese_tiny.ckpt            a Lightning-style checkpoint: {"state_dict": {"model.extractor.*", "model.head.*"},
                                      "epoch", "global_step", "pytorch-lightning_version"} (OML's PairwiseModule holds
                                      the pairwise model as self.model), written by torch.save
  concat_siamese_tiny_x1_input.npy    float32 [N, 3*32*32], the first images (the test reshapes to [N, 3, 32, 32])
  concat_siamese_tiny_x2_input.npy    float32 [N, 3*32*32], the second images
  concat_siamese_tiny_expected.npy    float32 [N, 3], eval mode: forward(x1, x2) (logits), predict without TTA
                                      (sigmoid of the logits), predict with TTA (mean with sigmoid(forward(x2, x1)))
"""
import os
import sys

import numpy as np
import torch
from torch import nn
from torchvision.ops import MLP

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_model_fixtures import BasicBlock, ResNet, settle_batch_norm  # noqa: E402


class ConcatSiamese(nn.Module):
    """The structure and forward of OML's ConcatSiamese (extractor + head), without its weights loading."""

    def __init__(self, extractor, feat_dim, mlp_hidden_dims):
        super().__init__()
        self.extractor = extractor
        self.head = MLP(in_channels=feat_dim, hidden_channels=[*mlp_hidden_dims, 1], activation_layer=nn.Sigmoid,
                        dropout=0.5, inplace=None)
        self.head[-2] = nn.Linear(self.head[-2].in_features, self.head[-2].out_features, bias=False)
        self.head[-1] = nn.Identity()

    def forward(self, x1, x2):
        x = self.extractor(torch.cat([x1, x2], dim=2))
        x = self.head(x)
        return x.view(len(x))

    def predict(self, x1, x2, use_tta):
        x = torch.sigmoid(self.forward(x1, x2))
        if use_tta:
            return (x + torch.sigmoid(self.forward(x2, x1))) / 2
        return x


def main():
    torch.manual_seed(1)
    backbone = ResNet(BasicBlock, [1, 1, 1, 1], widths=(4, 8, 16, 32), remove_fc=True)
    model = ConcatSiamese(backbone, 32, [12, 6])
    # non-trivial BN running statistics from train-mode forwards on pairs (64 x 32), then eval()
    settle_batch_norm(model.extractor, 64, 32)
    model.eval()
    with torch.no_grad():  # wider head weights than the default init, so the scores of the pairs differ clearly
        for layer in model.head:
            if isinstance(layer, nn.Linear):
                layer.weight.mul_(6.0)
    keys = list(model.state_dict().keys())
    head_keys = [k for k in keys if k.startswith("head.")]
    assert head_keys == ["head.0.weight", "head.0.bias", "head.3.weight", "head.3.bias", "head.6.weight"], head_keys

    n = 4
    x1 = torch.rand(n, 3, 32, 32) * 2 - 1
    x2 = torch.rand(n, 3, 32, 32) * 2 - 1
    x2[0] = x1[0]  # a pair of the same image: TTA changes nothing there
    with torch.no_grad():
        logits = model(x1, x2)
        plain = model.predict(x1, x2, use_tta=False)
        tta = model.predict(x1, x2, use_tta=True)

    checkpoint = {
        "epoch": 3,
        "global_step": 42,
        "pytorch-lightning_version": "2.1.0",
        "state_dict": {"model." + k: v for k, v in model.state_dict().items()},
    }
    torch.save(checkpoint, os.path.join(HERE, "concat_siamese_tiny.ckpt"))
    np.save(os.path.join(HERE, "concat_siamese_tiny_x1_input.npy"), x1.reshape(n, -1).numpy().astype(np.float32))
    np.save(os.path.join(HERE, "concat_siamese_tiny_x2_input.npy"), x2.reshape(n, -1).numpy().astype(np.float32))
    expected = torch.stack([logits, plain, tta], dim=1)
    np.save(os.path.join(HERE, "concat_siamese_tiny_expected.npy"), expected.numpy().astype(np.float32))
    print("concat_siamese_tiny: keys", len(keys), "; logits", logits.tolist(), "; predict", plain.tolist(), "; tta", tta.tolist())


if __name__ == "__main__":
    main()
