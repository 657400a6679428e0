"""Writes the PyTorch reference fixtures of the DINOv2 ViTs (Oml/Models/ViTExtractor with a DINOv2 ViTSpec).

Run with Debian's Python (torch 1.13):
    /usr/bin/python3 Oml.Interactive.Tests/Fixtures/models/make_dinov2_fixtures.py

DINOv2's VisionTransformer as OML builds it (oml/models/vit_dino/external_v2: hubconf.py's _make_dinov2_model with
img_size 518, patch 14, init_values 1.0 (layer scale), block_chunks 0, Mlp ffn, qkv / proj / ffn biases, LayerNorm eps
1e-6, an Identity head; the _reg archs with 4 register tokens, interpolate_offset 0 and antialiased interpolation) is
written here again in plain torch, parametrised by shape, so a tiny model runs the code paths of the full-size ones.
Set OML_VIT_V2 to a folder with OML's external_v2/vision_transformer.py and config.py to check this mirror against it.
Outputs (all in this folder), in the format of make_model_fixtures.py:
  <case>.pth              torch.save(state_dict) of a tiny model with random (non-trivial) weights
  <case>_input.npy        float32 [N, 3*H*W]
  <case>_expected.npy     float32 [N, D], eval-mode output (OML's ViTExtractor.forward: the CLS token after the norm)
  manifest_<arch>.txt     "key<TAB>d0,d1,..." per state_dict entry of a full-size arch
"""
import importlib.util
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


class LayerScale(nn.Module):
    def __init__(self, dim, init_values):
        super().__init__()
        self.gamma = nn.Parameter(torch.full((dim,), float(init_values)))

    def forward(self, x):
        return x * self.gamma


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim, bias=True)
        self.proj = nn.Linear(dim, dim, bias=True)

    def forward(self, x):
        b, n, c = x.shape
        q, k, v = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        weights = ((q * self.scale) @ k.transpose(-2, -1)).softmax(dim=-1)  # DINOv2 scales q first (no fused attention)
        return self.proj((weights @ v).transpose(1, 2).reshape(b, n, c))


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio, init_values):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.ls1 = LayerScale(dim, init_values)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))
        self.ls2 = LayerScale(dim, init_values)

    def forward(self, x):
        x = x + self.ls1(self.attn(self.norm1(x)))
        return x + self.ls2(self.mlp(self.norm2(x)))


class PatchEmbed(nn.Module):
    def __init__(self, patch, dim):
        super().__init__()
        self.patch = patch
        self.proj = nn.Conv2d(3, dim, kernel_size=patch, stride=patch)

    def forward(self, x):
        assert x.shape[2] % self.patch == 0 and x.shape[3] % self.patch == 0
        return self.proj(x).flatten(2).transpose(1, 2)


class DinoV2(nn.Module):
    def __init__(self, img_size=518, patch_size=14, embed_dim=768, depth=12, num_heads=12, mlp_ratio=4.0,
                 init_values=1.0, num_register_tokens=0, interpolate_antialias=False, interpolate_offset=0.1):
        super().__init__()
        self.patch_size = patch_size
        self.num_register_tokens = num_register_tokens
        self.interpolate_antialias = interpolate_antialias
        self.interpolate_offset = interpolate_offset
        self.patch_embed = PatchEmbed(patch_size, embed_dim)
        grid = img_size // patch_size
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, grid * grid + 1, embed_dim))
        self.register_tokens = nn.Parameter(torch.zeros(1, num_register_tokens, embed_dim)) if num_register_tokens else None
        self.blocks = nn.ModuleList([Block(embed_dim, num_heads, mlp_ratio, init_values) for _ in range(depth)])
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)
        self.head = nn.Identity()
        self.mask_token = nn.Parameter(torch.zeros(1, embed_dim))

    def interpolate_pos_encoding(self, x, h, w):
        npatch, n = x.shape[1] - 1, self.pos_embed.shape[1] - 1
        if npatch == n and h == w:
            return self.pos_embed
        dim, m = x.shape[-1], int(math.sqrt(n))
        h0, w0 = h // self.patch_size, w // self.patch_size
        grid = self.pos_embed[:, 1:].reshape(1, m, m, dim).permute(0, 3, 1, 2)
        if self.interpolate_offset:
            kwargs = {"scale_factor": ((h0 + self.interpolate_offset) / m, (w0 + self.interpolate_offset) / m)}
        else:
            kwargs = {"size": (h0, w0)}
        grid = F.interpolate(grid, mode="bicubic", antialias=self.interpolate_antialias, **kwargs)
        assert grid.shape[-2:] == (h0, w0)
        return torch.cat((self.pos_embed[:, :1], grid.permute(0, 2, 3, 1).reshape(1, -1, dim)), dim=1)

    def forward(self, images):
        _, _, h, w = images.shape
        x = self.patch_embed(images)
        x = torch.cat((self.cls_token.expand(x.shape[0], -1, -1), x), dim=1)
        x = x + self.interpolate_pos_encoding(x, h, w)
        if self.register_tokens is not None:
            x = torch.cat((x[:, :1], self.register_tokens.expand(x.shape[0], -1, -1), x[:, 1:]), dim=1)
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x)[:, 0])


def arch(dim, depth, heads, registers):
    reg = dict(num_register_tokens=4, interpolate_antialias=True, interpolate_offset=0.0) if registers else {}
    return dict(embed_dim=dim, depth=depth, num_heads=heads, **reg)


ARCHS = {
    "vits14": arch(384, 12, 6, False),
    "vitb14": arch(768, 12, 12, False),
    "vitl14": arch(1024, 24, 16, False),
    "vits14_reg": arch(384, 12, 6, True),
    "vitb14_reg": arch(768, 12, 12, True),
    "vitl14_reg": arch(1024, 24, 16, True),
}


def multi_scale(model, samples):
    """OML's ViTExtractor._multi_scale."""
    v = torch.zeros((len(samples), model.norm.bias.shape[0]))
    for s in [1.0, 1 / 2 ** (1 / 2), 1 / 2]:
        inp = samples.clone() if s == 1 else F.interpolate(samples, scale_factor=s, mode="bilinear", align_corners=False)
        v += model(inp).clone()
    return v / 3


def randomise(model):
    """Every tensor non-trivial: layer scales around 1 (not all 1), norms not 1 / 0, a pos_embed with structure."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("gamma"):
                p.copy_(0.5 + torch.rand_like(p))
            elif name.startswith("norm") or ".norm" in name:
                p.copy_((1.0 if name.endswith("weight") else 0.0) + 0.2 * torch.randn_like(p))
            elif name == "pos_embed":
                p.copy_(0.5 * torch.randn_like(p))
            else:
                p.copy_(0.2 * torch.randn_like(p))
    return model.eval()


def write_manifest(name, model):
    with open(os.path.join(HERE, f"manifest_{name}.txt"), "w") as f:
        for k, v in model.state_dict().items():
            f.write(f"{k}\t{','.join(str(d) for d in v.shape)}\n")


def write_case(name, model, inputs, forward=None, weights_from=None):
    with torch.no_grad():
        out = (forward or model)(inputs)
    if weights_from is None:
        torch.save(model.state_dict(), os.path.join(HERE, f"{name}.pth"))
    np.save(os.path.join(HERE, f"{name}_input.npy"), inputs.reshape(inputs.shape[0], -1).numpy().astype(np.float32))
    np.save(os.path.join(HERE, f"{name}_expected.npy"), out.numpy().astype(np.float32))
    print(f"{name}: input {tuple(inputs.shape)} -> output {tuple(out.shape)}")


def check_against_oml():
    """With OML_VIT_V2 = a folder holding OML's external_v2/vision_transformer.py and config.py: the same keys, shapes
    and outputs as OML's DinoVisionTransformer built with hubconf.py's arguments."""
    folder = os.environ.get("OML_VIT_V2")
    if not folder:
        print("OML_VIT_V2 not set: skipping the checks against OML's vision_transformer.py")
        return
    spec = importlib.util.spec_from_file_location("oml_v2_config", os.path.join(folder, "config.py"))
    config = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(config)
    sys.modules["oml.models.vit_dino.external_v2.config"] = config
    spec = importlib.util.spec_from_file_location("oml_v2_vits", os.path.join(folder, "vision_transformer.py"))
    vits = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(vits)
    hub = dict(img_size=518, patch_size=14, init_values=1.0, ffn_layer="mlp", block_chunks=0)
    for name, kwargs in ARCHS.items():
        if name.startswith("vitl"):
            continue  # the same code as vitb at another size; slow to build twice
        theirs = getattr(vits, {"s": "vit_small", "b": "vit_base"}[name[3]])(
            num_register_tokens=kwargs.get("num_register_tokens", 0),
            interpolate_antialias=kwargs.get("interpolate_antialias", False),
            interpolate_offset=kwargs.get("interpolate_offset", 0.1), **hub)
        ours = DinoV2(**kwargs)
        a = [(k, tuple(v.shape)) for k, v in ours.state_dict().items()]
        b = [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
        assert sorted(a) == sorted(b), f"{name}: keys / shapes differ from OML's"
        if name in ("vits14", "vits14_reg"):
            randomise(ours)
            theirs.load_state_dict(ours.state_dict(), strict=True)
            theirs.eval()
            for h, w in ((224, 224), (518, 518), (140, 98)):
                x = torch.randn(1, 3, h, w)
                with torch.no_grad():
                    diff = (ours(x) - theirs(x)).abs().max().item()
                assert diff < 1e-5, f"{name} at {h}x{w}: output differs from OML's by {diff}"
    print("OML's vision_transformer.py: keys and shapes of vits14, vitb14 (with and without registers) and vits14 outputs match")


def main():
    check_against_oml()
    torch.manual_seed(0)  # after the check, so the fixtures are the same with or without it
    for name, kwargs in ARCHS.items():
        write_manifest(name, DinoV2(**kwargs))

    # tiny DINOv2: patch 7, dim 24, depth 2, heads 2, img_size 49 (a 7x7 grid). Cases: the native 49x49 (the encoding
    # as it is), 56x42 (8x6 patches: resized, non-square), 28x28 (4x4: a downscale, where antialiasing matters) and
    # multi-scale at 70x70 (70, 49 and 35 px: a resized, the native and a smaller grid)
    for suffix, registers in (("", False), ("_reg", True)):
        model = randomise(DinoV2(img_size=49, patch_size=7, **arch(24, 2, 2, registers)))
        name = f"dinov2{suffix}_tiny"
        write_case(name, model, torch.randn(2, 3, 49, 49))
        write_case(f"{name}_56x42", model, torch.randn(2, 3, 56, 42), weights_from=name)
        write_case(f"{name}_28x28", model, torch.randn(2, 3, 28, 28), weights_from=name)
        write_case(f"{name}_multiscale", model, torch.randn(2, 3, 70, 70), forward=lambda x, m=model: multi_scale(m, x),
                   weights_from=name)


if __name__ == "__main__":
    main()
