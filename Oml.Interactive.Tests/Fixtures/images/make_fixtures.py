"""Writes the image fixtures for Oml.Interactive.Tests/Images and the PIL reference values in expected.json.

Run once with /usr/bin/python3 (python3-pil, PIL 9.4) from any directory; the outputs are committed:
    /usr/bin/python3 Oml.Interactive.Tests/Fixtures/images/make_fixtures.py
Everything is deterministic (no random numbers), so a rerun gives identical lossless files.
expected.json holds, per file, the size and every pixel of PIL's Image.open(f).convert("RGB") as hex
(the images are tiny), plus PIL's antialiased resizes of pattern.png for the resampler tests.
"""
import json
import os
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
W, H = 40, 30


def pattern():
    """Four coloured quadrants with a gradient band and a one-pixel marker, so crops and flips show."""
    im = Image.new("RGB", (W, H))
    px = im.load()
    for y in range(H):
        for x in range(W):
            if y < H // 2:
                px[x, y] = (220, 30, 40) if x < W // 2 else (30, 200, 60)
            else:
                px[x, y] = (40, 60, 210) if x < W // 2 else (240, 220, 20)
            if 12 <= y < 18:
                v = x * 255 // (W - 1)
                px[x, y] = (v, 255 - v, (v * 3) % 256)
    px[3, 2] = (255, 255, 255)
    return im


def rgba():
    """Alpha 255, 128 and 0 regions; the fully transparent region keeps non-zero colours (PIL keeps them)."""
    im = Image.new("RGBA", (W, H))
    px = im.load()
    for y in range(H):
        for x in range(W):
            a = 255 if x < 13 else (128 if x < 26 else 0)
            px[x, y] = (10 + 5 * x % 200, 100 + 3 * y, 77, a)
    return im


def hexpixels(im):
    rgb = im.convert("RGB")
    return rgb.size, rgb.tobytes().hex()


def main():
    base = pattern()
    files = {}

    def save(name, im, **kw):
        path = os.path.join(HERE, name)
        im.save(path, **kw)
        with Image.open(path) as reread:
            size, pixels = hexpixels(reread)
        files[name] = {"width": size[0], "height": size[1], "rgb_hex": pixels}

    save("pattern.png", base)
    save("pattern.jpg", base, quality=95, subsampling=0)
    save("pattern.bmp", base)
    save("pattern_lossless.webp", base, lossless=True)
    save("pattern_lossy.webp", base, quality=90)
    save("grey.png", base.convert("L"))
    save("grey.jpg", base.convert("L"), quality=95)
    save("rgba.png", rgba())
    save("palette.png", base.convert("P", palette=Image.ADAPTIVE, colors=16))

    # Two frames; readers must return the first (red/green) one.
    frame1 = base.convert("P", palette=Image.ADAPTIVE, colors=16)
    frame2 = Image.new("RGB", (W, H), (0, 0, 255)).convert("P", palette=Image.ADAPTIVE, colors=4)
    gif_path = os.path.join(HERE, "two_frames.gif")
    frame1.save(gif_path, save_all=True, append_images=[frame2], duration=100, loop=0)
    with Image.open(gif_path) as reread:
        assert reread.n_frames == 2
        size, pixels = hexpixels(reread)  # frame 0
    files["two_frames.gif"] = {"width": size[0], "height": size[1], "rgb_hex": pixels}

    with open(os.path.join(HERE, "not_an_image.jpg"), "wb") as f:
        f.write(b"this is a text file with a .jpg name\n" * 4)
    open(os.path.join(HERE, "empty.png"), "wb").close()

    resized = {}
    for name, size, flt in [
        ("bilinear_17x13", (17, 13), Image.BILINEAR),
        ("bicubic_17x13", (17, 13), Image.BICUBIC),
        ("bilinear_64x48", (64, 48), Image.BILINEAR),
        ("bicubic_64x48", (64, 48), Image.BICUBIC),
    ]:
        out = base.resize(size, flt)
        resized[name] = {"width": size[0], "height": size[1], "rgb_hex": out.tobytes().hex()}
    box = (5.5, 3.25, 31.0, 27.5)
    out = base.resize((20, 20), Image.BILINEAR, box=box)
    resized["bilinear_box_20x20"] = {"width": 20, "height": 20, "box": box, "rgb_hex": out.tobytes().hex()}

    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump({"pil_version": Image.__version__, "files": files, "resized_pattern_png": resized}, f, indent=1)
    print("wrote", len(files), "fixtures and expected.json to", HERE)


if __name__ == "__main__":
    main()
