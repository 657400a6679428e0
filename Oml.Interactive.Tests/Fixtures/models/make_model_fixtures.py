"""Writes the PyTorch reference fixtures of the image extractors (Oml/Models).

Run with Debian's Python (torch 1.13; python3-torchvision optional, used for extra checks):
    /usr/bin/python3 Oml.Interactive.Tests/Fixtures/models/make_model_fixtures.py

The architectures are written here in pure torch, mirroring torchvision's ResNet (parametrised by widths), DINO v1's
VisionTransformer (parametrised by patch / dim / depth / heads) and OML's ExtractorWithMLP (torchvision ops.MLP head),
so tiny variants run exactly the code paths of the full-size ones. Outputs (all in this folder):
  <case>.pth                 torch.save(state_dict) (zip format) of a tiny model, BN running stats non-trivial
  <case>_input.npy           float32 [N, 3*H*W] (the test reshapes it to [N, 3, H, W])
  <case>_expected.npy        float32 [N, D], eval-mode output
  manifest_<arch>.txt        "key<TAB>d0,d1,..." per state_dict entry of a full-size arch (no weights)
"""
import math
import os
from functools import partial

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


# ----------------------------------------------------------------------------------------------- ResNet (torchvision)
def conv3x3(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)


def conv1x1(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, 1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv1x1(inplanes, planes)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = conv1x1(planes, planes * 4)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class GEM(nn.Module):
    """OML's oml/models/resnet/pooling.py GEM."""

    def __init__(self, p, eps=1e-6):
        super().__init__()
        self.p, self.eps = p, eps

    def forward(self, x):
        x = torch.clamp(x, min=self.eps).pow(self.p)
        return x.mean(dim=(-1, -2), keepdim=True).pow(1.0 / self.p)


class ResNet(nn.Module):
    """torchvision.models.ResNet with configurable stage widths; remove_fc / gem_p as in OML's ResnetExtractor."""

    def __init__(self, block, layers, widths=(64, 128, 256, 512), num_classes=1000, projector=False, gem_p=None,
                 remove_fc=False):
        super().__init__()
        self.inplanes = widths[0]
        self.conv1 = nn.Conv2d(3, self.inplanes, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        for i, (w, n) in enumerate(zip(widths, layers)):
            setattr(self, f"layer{i + 1}", self._make_layer(block, w, n, stride=1 if i == 0 else 2))
        self.n_stages = len(layers)
        self.avgpool = GEM(gem_p) if gem_p is not None else nn.AdaptiveAvgPool2d((1, 1))
        feat = widths[-1] * block.expansion
        if remove_fc:
            self.fc = nn.Identity()
        elif projector:
            self.fc = nn.Sequential(nn.Linear(feat, feat), nn.ReLU(), nn.Linear(feat, num_classes))
        else:
            self.fc = nn.Linear(feat, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def _make_layer(self, block, planes, blocks, stride):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                       nn.BatchNorm2d(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        for i in range(self.n_stages):
            x = getattr(self, f"layer{i + 1}")(x)
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


RESNETS = {
    "resnet18": (BasicBlock, [2, 2, 2, 2], {}),
    "resnet34": (BasicBlock, [3, 4, 6, 3], {}),
    "resnet50": (Bottleneck, [3, 4, 6, 3], {}),
    "resnet50_projector": (Bottleneck, [3, 4, 6, 3], {"num_classes": 128, "projector": True}),
    "resnet101": (Bottleneck, [3, 4, 23, 3], {}),
    "resnet152": (Bottleneck, [3, 8, 36, 3], {}),
}


# ----------------------------------------------------------------------------------------------- ViT (DINO v1)
class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Attention(nn.Module):
    def __init__(self, dim, num_heads, qkv_bias=True):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj(x)


class Block(nn.Module):
    def __init__(self, dim, num_heads, mlp_ratio, norm_layer):
        super().__init__()
        self.norm1 = norm_layer(dim)
        self.attn = Attention(dim, num_heads)
        self.norm2 = norm_layer(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, img_size, patch_size, embed_dim):
        super().__init__()
        self.patch_size = patch_size
        self.num_patches = (img_size // patch_size) ** 2
        self.proj = nn.Conv2d(3, embed_dim, kernel_size=patch_size, stride=patch_size)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class VisionTransformer(nn.Module):
    def __init__(self, img_size=224, patch_size=16, embed_dim=384, depth=12, num_heads=6, mlp_ratio=4.0):
        super().__init__()
        norm_layer = partial(nn.LayerNorm, eps=1e-6)
        self.patch_embed = PatchEmbed(img_size, patch_size, embed_dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, self.patch_embed.num_patches + 1, embed_dim))
        self.blocks = nn.ModuleList([Block(embed_dim, num_heads, mlp_ratio, norm_layer) for _ in range(depth)])
        self.norm = norm_layer(embed_dim)
        self.head = nn.Identity()
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.trunc_normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.constant_(m.bias, 0)
        elif isinstance(m, nn.LayerNorm):
            nn.init.constant_(m.bias, 0)
            nn.init.constant_(m.weight, 1.0)

    def interpolate_pos_encoding(self, x, w, h):
        npatch = x.shape[1] - 1
        N = self.pos_embed.shape[1] - 1
        if npatch == N and w == h:
            return self.pos_embed
        class_pos_embed = self.pos_embed[:, 0]
        patch_pos_embed = self.pos_embed[:, 1:]
        dim = x.shape[-1]
        w0 = w // self.patch_embed.patch_size
        h0 = h // self.patch_embed.patch_size
        w0, h0 = w0 + 0.1, h0 + 0.1
        patch_pos_embed = nn.functional.interpolate(
            patch_pos_embed.reshape(1, int(math.sqrt(N)), int(math.sqrt(N)), dim).permute(0, 3, 1, 2),
            scale_factor=(w0 / math.sqrt(N), h0 / math.sqrt(N)),
            mode="bicubic",
        )
        assert int(w0) == patch_pos_embed.shape[-2] and int(h0) == patch_pos_embed.shape[-1]
        patch_pos_embed = patch_pos_embed.permute(0, 2, 3, 1).view(1, -1, dim)
        return torch.cat((class_pos_embed.unsqueeze(0), patch_pos_embed), dim=1)

    def prepare_tokens(self, x):
        B, nc, w, h = x.shape
        x = self.patch_embed(x)
        x = torch.cat((self.cls_token.expand(B, -1, -1), x), dim=1)
        return x + self.interpolate_pos_encoding(x, w, h)

    def forward(self, x):
        x = self.prepare_tokens(x)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)[:, 0]


VITS = {
    "vits16": dict(patch_size=16, embed_dim=384, depth=12, num_heads=6),
    "vits8": dict(patch_size=8, embed_dim=384, depth=12, num_heads=6),
    "vitb16": dict(patch_size=16, embed_dim=768, depth=12, num_heads=12),
    "vitb8": dict(patch_size=8, embed_dim=768, depth=12, num_heads=12),
}


def multi_scale(model, samples):
    """OML's ViTExtractor._multi_scale."""
    v = torch.zeros((len(samples), model.norm.bias.shape[0]))
    scales = [1.0, 1 / 2 ** (1 / 2), 1 / 2]
    for s in scales:
        inp = samples.clone() if s == 1 else F.interpolate(samples, scale_factor=s, mode="bilinear", align_corners=False)
        v += model(inp).clone()
    return v / len(scales)


# ----------------------------------------------------------------------------------------------- ExtractorWithMLP (OML)
class ExtractorWithMLP(nn.Module):
    def __init__(self, extractor, feat_dim, mlp_features):
        super().__init__()
        self.extractor = extractor
        layers, width = [], feat_dim
        for i, f in enumerate(mlp_features):  # torchvision.ops.MLP(feat_dim, mlp_features), dropout 0
            layers.append(nn.Linear(width, f))
            if i < len(mlp_features) - 1:
                layers.append(nn.ReLU())
            layers.append(nn.Dropout(0.0))
            width = f
        self.projection = nn.Sequential(*layers)

    def forward(self, x):
        return self.projection(self.extractor(x))


# ----------------------------------------------------------------------------------------------- writing
def write_manifest(name, model):
    with open(os.path.join(HERE, f"manifest_{name}.txt"), "w") as f:
        for k, v in model.state_dict().items():
            f.write(f"{k}\t{','.join(str(d) for d in v.shape)}\n")


def settle_batch_norm(model, h, w):
    """A few train-mode forwards so BN running stats (and num_batches_tracked) are not trivial, then eval()."""
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn(4, 3, h, w) * 1.5 + 0.3)
    model.eval()


def write_case(name, model, inputs, forward=None, weights_from=None):
    forward = forward or model
    with torch.no_grad():
        out = forward(inputs)
    if weights_from is None:
        torch.save(model.state_dict(), os.path.join(HERE, f"{name}.pth"))
    np.save(os.path.join(HERE, f"{name}_input.npy"), inputs.reshape(inputs.shape[0], -1).numpy().astype(np.float32))
    np.save(os.path.join(HERE, f"{name}_expected.npy"), out.numpy().astype(np.float32))
    print(f"{name}: input {tuple(inputs.shape)} -> output {tuple(out.shape)}")


def check_against_torchvision():
    try:
        import torchvision
    except ImportError:
        print("torchvision not installed: skipping the key / output checks against it")
        return
    for arch in ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152"):
        block, layers, kw = RESNETS[arch]
        ours = ResNet(block, layers, **kw)
        theirs = getattr(torchvision.models, arch)()
        a = [(k, tuple(v.shape)) for k, v in ours.state_dict().items()]
        b = [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
        assert a == b, f"{arch}: state_dict keys / shapes differ from torchvision"
        if arch == "resnet18":
            settle_batch_norm(theirs, 64, 64)
            ours.load_state_dict(theirs.state_dict(), strict=True)
            ours.eval()
            x = torch.randn(2, 3, 64, 64)
            with torch.no_grad():
                assert torch.allclose(ours(x), theirs(x), atol=1e-6), "resnet18 output differs from torchvision"
    mlp = torchvision.ops.MLP(16, [12, 8])
    ours = ExtractorWithMLP(nn.Identity(), 16, [12, 8]).projection
    assert [k for k in mlp.state_dict()] == [k for k in ours.state_dict()], "MLP keys differ from torchvision.ops.MLP"
    print("torchvision", torchvision.__version__, ": resnet18/34/50/101/152 keys and shapes, resnet18 output and MLP keys match")


def main():
    torch.manual_seed(0)
    check_against_torchvision()

    for arch, (block, layers, kw) in RESNETS.items():
        write_manifest(arch, ResNet(block, layers, **kw))
    for arch in ("vits16", "vits8", "vitb16"):
        write_manifest(arch, VisionTransformer(**VITS[arch]))

    # tiny ResNets: BasicBlock widths 4,8,16,32 (avg pool, no fc); the same shape with GeM p=3 and an fc to 10;
    # Bottleneck widths 4,8,8,16 with blocks 1,2,1,1 and GeM p=5
    x32 = torch.rand(2, 3, 32, 32) * 2 - 1
    basic = ResNet(BasicBlock, [1, 1, 1, 1], widths=(4, 8, 16, 32), remove_fc=True)
    settle_batch_norm(basic, 32, 32)
    write_case("resnet_basic_tiny", basic, x32)

    basic_gem = ResNet(BasicBlock, [1, 1, 1, 1], widths=(4, 8, 16, 32), num_classes=10, gem_p=3.0)
    settle_batch_norm(basic_gem, 32, 32)
    write_case("resnet_basic_tiny_gem_fc", basic_gem, x32)

    bottleneck = ResNet(Bottleneck, [1, 2, 1, 1], widths=(4, 8, 8, 16), gem_p=5.0, remove_fc=True)
    settle_batch_norm(bottleneck, 32, 32)
    write_case("resnet_bottleneck_tiny_gem", bottleneck, x32)

    # tiny ViT: patch 8, dim 32, depth 2, heads 2, img_size 32 (a 4x4 grid); native 32x32, non-native 48x40
    # (interpolated positional encoding), multi-scale at 32x32 (22x22 and 16x16 inputs)
    vit = VisionTransformer(img_size=32, patch_size=8, embed_dim=32, depth=2, num_heads=2)
    vit.eval()
    write_case("vit_tiny", vit, torch.randn(2, 3, 32, 32))
    write_case("vit_tiny_48x40", vit, torch.randn(2, 3, 48, 40), weights_from="vit_tiny")
    write_case("vit_tiny_multiscale", vit, torch.randn(2, 3, 32, 32), forward=lambda x: multi_scale(vit, x),
               weights_from="vit_tiny")

    # tiny ExtractorWithMLP: the tiny BasicBlock ResNet (feat 32) + MLP [16, 8]
    backbone = ResNet(BasicBlock, [1, 1, 1, 1], widths=(4, 8, 16, 32), remove_fc=True)
    with_mlp = ExtractorWithMLP(backbone, 32, [16, 8])
    settle_batch_norm(with_mlp, 32, 32)
    write_case("extractor_with_mlp_tiny", with_mlp, x32)


if __name__ == "__main__":
    main()
