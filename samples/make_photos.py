"""Write the placeholder pictures the sample master's 取組 rows name: samples/写真/*.png.

The bureau's report shows a photo beside most past initiatives. No real photo
ships with the tool: each placeholder is a small drawing (a frame, hills and a
sun, in a colour of its own) that shows where a photo goes and how it is scaled.
`sorachi-etl init` copies them into a 写真 folder beside the new master.

Run from the repo root: python samples/make_photos.py
"""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
# width, height: landscape and portrait, to show that the aspect is kept
SIZES = [(240, 160), (160, 200), (240, 150), (200, 150)]
TINTS = [(214, 228, 240), (226, 239, 218), (252, 228, 214), (237, 226, 246)]


def placeholder(size: tuple[int, int], tint: tuple[int, int, int]) -> Image.Image:
    w, h = size
    img = Image.new("RGB", size, tint)
    draw = ImageDraw.Draw(img)
    dark = tuple(int(c * 0.55) for c in tint)
    mid = tuple(int(c * 0.8) for c in tint)
    draw.rectangle([0, 0, w - 1, h - 1], outline=dark, width=3)
    draw.ellipse([w * 0.62, h * 0.16, w * 0.8, h * 0.16 + w * 0.18], fill=mid)
    draw.polygon([(w * 0.08, h * 0.86), (w * 0.38, h * 0.38), (w * 0.62, h * 0.86)], fill=dark)
    draw.polygon([(w * 0.4, h * 0.86), (w * 0.66, h * 0.5), (w * 0.92, h * 0.86)], fill=mid)
    return img.quantize(colors=8)  # a few colours: a few hundred bytes


def main() -> None:
    catalog = json.loads((HERE / "catalog.json").read_text(encoding="utf-8"))
    paths = [i["photo"] for i in catalog["initiatives"] if i.get("photo")]
    for n, rel in enumerate(paths):
        target = HERE / rel
        target.parent.mkdir(exist_ok=True)
        placeholder(SIZES[n % len(SIZES)], TINTS[n % len(TINTS)]).save(target, optimize=True)
        print(f"{target.relative_to(HERE)}: {target.stat().st_size} bytes")


if __name__ == "__main__":
    main()
