"""Writes the PyTorch reference fixtures of the CLIP and Unicom extractors (Oml/Models/ViTClipExtractor, ViTUnicomExtractor).

Run with Debian's Python (torch 1.13):
    /usr/bin/python3 Oml.Interactive.Tests/Fixtures/models/make_clip_unicom_fixtures.py

The architectures are written here in pure torch after OML's oml/models/vit_clip/external/model.py (OpenAI's CLIP
VisionTransformer) and oml/models/vit_unicom/external/vision_transformer.py (Unicom's VisionTransformer), so that tiny
variants run the code paths of the full-size ones. The zoo's checkpoints come in three layouts, and each is written here
from one tiny model whose weights were rounded to half precision first (so the float32 expected output is what the
fp16 file gives once it is read into float32, as OML does):
  clip_tiny_openai.pt        a TorchScript archive (torch.jit.script + torch.jit.save) of a whole tiny CLIP in fp16:
                             OML reads torch.jit.load(path).visual, as for OpenAI's ViT-B-16.pt
  clip_tiny_ruclip.bin       torch.save of a whole tiny CLIP's state dict (visual.* next to the text tower's
                             transformer.*, positional_embedding, ...), as Sber's ruCLIP pytorch_model.bin
  unicom_tiny.pt             torch.save of a tiny Unicom ViT's fp16 state dict, as Unicom's FP16-ViT-B-32.pt
  <case>_input.npy           float32 [N, 3*H*W]
  <case>_expected.npy        float32 [N, D], eval-mode output, no feature normalisation
  manifest_<arch>.txt        "key<TAB>d0,d1,..." per state_dict entry of a full-size arch (no weights)
  unicom_transform.png       a 70x50 RGB image, and unicom_transform_expected.npy: float32 [1, 3*32*32], what Unicom's
                             transform(32) makes of it (torchvision on a PIL image: Resize(32, BICUBIC) = PIL's bicubic
                             resize of the shorter side to 32, CenterCrop(32), ToTensor, Normalize with CLIP's mean / std),
                             computed here with PIL and numpy
"""
import os
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


# ----------------------------------------------------------------------------------------------- CLIP (OpenAI)
class LayerNorm(nn.LayerNorm):
    """CLIP's LayerNorm: computed in float32 whatever the input dtype."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = nn.functional.layer_norm(x.float(), self.normalized_shape, self.weight.float(), self.bias.float(), self.eps)
        return y.to(x.dtype)


class QuickGELU(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    def __init__(self, width: int, heads: int, causal_length: int = 0):
        super().__init__()
        self.attn = nn.MultiheadAttention(width, heads)
        self.ln_1 = LayerNorm(width)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(width, width * 4)),
            ("gelu", QuickGELU()),
            ("c_proj", nn.Linear(width * 4, width)),
        ]))
        self.ln_2 = LayerNorm(width)
        # the text tower's causal mask is a plain attribute (not a buffer), as in CLIP
        self.attn_mask = torch.empty(causal_length, causal_length).fill_(float("-inf")).triu_(1) if causal_length else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mask = self.attn_mask
        if mask is not None:
            mask = mask.to(x.dtype)
        y = self.ln_1(x)
        x = x + self.attn(y, y, y, need_weights=False, attn_mask=mask)[0]
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width: int, layers: int, heads: int, causal_length: int = 0):
        super().__init__()
        self.resblocks = nn.Sequential(*[ResidualAttentionBlock(width, heads, causal_length) for _ in range(layers)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.resblocks(x)


class ClipVisual(nn.Module):
    def __init__(self, input_resolution, patch_size, width, layers, heads, output_dim):
        super().__init__()
        self.input_resolution = input_resolution
        self.conv1 = nn.Conv2d(3, width, kernel_size=patch_size, stride=patch_size, bias=False)
        scale = width ** -0.5
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn((input_resolution // patch_size) ** 2 + 1, width))
        self.ln_pre = LayerNorm(width)
        self.transformer = Transformer(width, layers, heads)
        self.ln_post = LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, output_dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv1(x)
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1)
        cls = self.class_embedding.to(x.dtype) + torch.zeros(x.shape[0], 1, x.shape[-1], dtype=x.dtype)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding.to(x.dtype)
        x = self.ln_pre(x)
        x = self.transformer(x.permute(1, 0, 2)).permute(1, 0, 2)
        return self.ln_post(x[:, 0, :]) @ self.proj


class TinyClip(nn.Module):
    """A whole CLIP (visual + text tower), only so that the archives hold what OpenAI's and ruCLIP's do."""

    def __init__(self, visual: ClipVisual, embed_dim: int, context: int = 6, vocab: int = 20, text_width: int = 16):
        super().__init__()
        self.visual = visual
        self.transformer = Transformer(text_width, 1, 2, causal_length=context)
        self.token_embedding = nn.Embedding(vocab, text_width)
        self.positional_embedding = nn.Parameter(torch.randn(context, text_width) * 0.01)
        self.ln_final = LayerNorm(text_width)
        self.text_projection = nn.Parameter(torch.randn(text_width, embed_dim) * text_width ** -0.5)
        self.logit_scale = nn.Parameter(torch.ones([]) * np.log(1 / 0.07))

    def encode_image(self, image: torch.Tensor) -> torch.Tensor:
        return self.visual(image)

    def encode_text(self, text: torch.Tensor) -> torch.Tensor:
        x = self.token_embedding(text) + self.positional_embedding
        x = self.transformer(x.permute(1, 0, 2)).permute(1, 0, 2)
        x = self.ln_final(x)
        return x[torch.arange(x.shape[0]), text.argmax(dim=-1)] @ self.text_projection

    def forward(self, image: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        i = self.encode_image(image)
        t = self.encode_text(text)
        return self.logit_scale.exp() * i @ t.t()


CLIPS = {  # OML's vit_clip/extractor.py constructors
    "vitb16_224": dict(input_resolution=224, patch_size=16, width=768, layers=12, heads=12, output_dim=512),
    "vitb32_224": dict(input_resolution=224, patch_size=32, width=768, layers=12, heads=12, output_dim=512),
    "vitl14_224": dict(input_resolution=224, patch_size=14, width=1024, layers=24, heads=16, output_dim=768),
    "vitl14_336": dict(input_resolution=336, patch_size=14, width=1024, layers=24, heads=16, output_dim=768),
}


# ----------------------------------------------------------------------------------------------- Unicom
class UnicomPatchEmbedding(nn.Module):
    def __init__(self, input_size, patch_size, dim):
        super().__init__()
        self.num_patches = (input_size // patch_size) ** 2
        self.proj = nn.Conv2d(3, dim, kernel_size=patch_size, stride=patch_size)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class UnicomAttention(nn.Module):
    def __init__(self, dim, num_heads):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=False)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, L, D = x.shape
        qkv = self.qkv(x).reshape(B, L, 3, self.num_heads, D // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0].float(), qkv[1].float(), qkv[2].float()
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(B, L, D))


class UnicomMlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.ReLU6()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class UnicomBlock(nn.Module):
    def __init__(self, dim, num_heads, mlp_ratio=4):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.norm2 = nn.LayerNorm(dim)
        self.attn = UnicomAttention(dim, num_heads)
        self.mlp = UnicomMlp(dim, dim * mlp_ratio)

    def forward(self, x):  # drop path is identity in eval mode
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class UnicomViT(nn.Module):
    def __init__(self, input_size=224, patch_size=32, dim=768, embedding_size=768, depth=12, num_heads=12, mlp_ratio=4):
        super().__init__()
        self.dim = dim
        self.patch_embed = UnicomPatchEmbedding(input_size, patch_size, dim)
        n = self.patch_embed.num_patches
        self.pos_embed = nn.Parameter(torch.zeros(1, n, dim))
        self.blocks = nn.ModuleList([UnicomBlock(dim, num_heads, mlp_ratio) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.feature = nn.Sequential(
            nn.Linear(dim * n, dim, False),
            nn.BatchNorm1d(dim, eps=2e-5),
            nn.Linear(dim, embedding_size, False),
            nn.BatchNorm1d(embedding_size, eps=2e-5),
        )
        nn.init.trunc_normal_(self.pos_embed, std=0.02)

    def forward(self, x):
        b = x.shape[0]
        x = self.patch_embed(x) + self.pos_embed
        for block in self.blocks:
            x = block(x)
        x = self.norm(x.float()).reshape(b, self.patch_embed.num_patches * self.dim)
        return self.feature(x)


UNICOMS = {  # Unicom's build_model, as OML's vit_unicom/extractor.py calls it
    "vitb32_unicom": dict(input_size=224, patch_size=32, dim=768, embedding_size=512, depth=12, num_heads=12),
    "vitb16_unicom": dict(input_size=224, patch_size=16, dim=768, embedding_size=768, depth=12, num_heads=12),
    "vitl14_unicom": dict(input_size=224, patch_size=14, dim=1024, embedding_size=768, depth=24, num_heads=16),
    "vitl14_336px_unicom": dict(input_size=336, patch_size=14, dim=1024, embedding_size=768, depth=24, num_heads=16),
}


# ----------------------------------------------------------------------------------------------- writing
def write_manifest(name, model):
    with open(os.path.join(HERE, f"manifest_{name}.txt"), "w") as f:
        for k, v in model.state_dict().items():
            f.write(f"{k}\t{','.join(str(d) for d in v.shape)}\n")


def round_to_half(model):
    """Every floating tensor rounded to fp16 and back: the float32 model that an fp16 checkpoint loads into."""
    with torch.no_grad():
        for t in list(model.parameters()) + list(model.buffers()):
            if t.is_floating_point():
                t.copy_(t.half().float())


def write_io(name, inputs, outputs):
    np.save(os.path.join(HERE, f"{name}_input.npy"), inputs.reshape(inputs.shape[0], -1).numpy().astype(np.float32))
    np.save(os.path.join(HERE, f"{name}_expected.npy"), outputs.numpy().astype(np.float32))
    print(f"{name}: input {tuple(inputs.shape)} -> output {tuple(outputs.shape)}")


def clip_fixtures():
    # tiny CLIP visual tower: 32 px, patch 8 (a 4x4 grid + CLS), width 32, 2 layers, 2 heads, output 16
    visual = ClipVisual(input_resolution=32, patch_size=8, width=32, layers=2, heads=2, output_dim=16)
    clip = TinyClip(visual, embed_dim=16)
    for m in clip.modules():  # non-trivial LayerNorm affine and biases
        if isinstance(m, nn.LayerNorm):
            nn.init.normal_(m.weight, 1.0, 0.2)
            nn.init.normal_(m.bias, 0.0, 0.2)
        if isinstance(m, nn.MultiheadAttention):
            nn.init.normal_(m.in_proj_bias, 0.0, 0.1)
            nn.init.normal_(m.out_proj.bias, 0.0, 0.1)
    round_to_half(clip)
    clip.eval()
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        expected = clip.visual(x)
    write_io("clip_tiny", x, expected)

    # ruCLIP's layout: the whole model's float32 state dict
    torch.save(clip.state_dict(), os.path.join(HERE, "clip_tiny_ruclip.bin"))

    # OpenAI's layout: the whole model scripted and saved in half precision (the scripted module shares the
    # parameters, so this halves clip too)
    scripted = torch.jit.script(clip)
    scripted.half()
    torch.jit.save(scripted, os.path.join(HERE, "clip_tiny_openai.pt"))
    reloaded = torch.jit.load(os.path.join(HERE, "clip_tiny_openai.pt"), map_location="cpu").visual
    sd = {k: v.float() for k, v in reloaded.state_dict().items()}
    assert sd.keys() == visual.state_dict().keys(), "the archive's visual keys differ from the model's"
    assert all(torch.equal(sd[k], v) for k, v in visual.state_dict().items()), "fp16 round trip changed a weight"


    for arch, kw in CLIPS.items():
        write_manifest(f"clip_{arch}", ClipVisual(**kw))


def unicom_fixtures():
    # tiny Unicom ViT: 32 px, patch 8 (16 patches, no CLS), dim 32, depth 2, heads 2, embedding 16
    model = UnicomViT(input_size=32, patch_size=8, dim=32, embedding_size=16, depth=2, num_heads=2)
    for m in model.modules():
        if isinstance(m, nn.LayerNorm):
            nn.init.normal_(m.weight, 1.0, 0.2)
            nn.init.normal_(m.bias, 0.0, 0.2)
        if isinstance(m, nn.BatchNorm1d):
            nn.init.normal_(m.weight, 1.0, 0.2)
            nn.init.normal_(m.bias, 0.0, 0.2)
    model.train()
    with torch.no_grad():  # BN running statistics that are not trivial
        for _ in range(3):
            model(torch.randn(8, 3, 32, 32) * 1.5 + 0.3)
    round_to_half(model)
    model.eval()
    x = torch.randn(3, 3, 32, 32)
    with torch.no_grad():
        expected = model(x)
    write_io("unicom_tiny", x, expected)
    torch.save(model.half().state_dict(), os.path.join(HERE, "unicom_tiny.pt"))

    for arch, kw in UNICOMS.items():
        write_manifest(f"unicom_{arch}", UnicomViT(**kw))


CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


def unicom_transform_fixture(size=32):
    from PIL import Image

    rng = np.random.default_rng(0)
    h, w = 50, 70
    yy, xx = np.mgrid[0:h, 0:w]
    rgb = np.stack([xx * 255 / w, yy * 255 / h, 128 + 100 * np.sin(xx * 0.3) * np.cos(yy * 0.2)], axis=-1)
    rgb = np.clip(rgb + rng.integers(-20, 21, size=rgb.shape), 0, 255).astype(np.uint8)
    image = Image.fromarray(rgb, "RGB")
    image.save(os.path.join(HERE, "unicom_transform.png"))
    # torchvision Resize(int): the shorter side becomes size, the longer int(size * long / short)
    new_w, new_h = (size, int(size * h / w)) if w <= h else (int(size * w / h), size)
    resized = Image.open(os.path.join(HERE, "unicom_transform.png")).convert("RGB").resize((new_w, new_h), Image.BICUBIC)
    left, top = int(round((new_w - size) / 2.0)), int(round((new_h - size) / 2.0))
    cropped = np.asarray(resized.crop((left, top, left + size, top + size)), dtype=np.float32) / 255.0
    chw = ((cropped - np.array(CLIP_MEAN, np.float32)) / np.array(CLIP_STD, np.float32)).transpose(2, 0, 1)
    np.save(os.path.join(HERE, "unicom_transform_expected.npy"), chw.reshape(1, -1).astype(np.float32))
    print(f"unicom_transform: {w}x{h} -> resized {new_w}x{new_h} -> crop at ({left}, {top})")


def main():
    torch.manual_seed(0)
    clip_fixtures()
    unicom_fixtures()
    unicom_transform_fixture()


if __name__ == "__main__":
    main()
