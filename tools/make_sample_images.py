"""Draw the sample book's illustrative photos into images/ (deterministic, no text).

Run from anywhere:  /tmp/venv/bin/python tools/make_sample_images.py

Each picture is a simple flat drawing, saved as a baseline JPEG (quality 85,
no EXIF), so the same Pillow version always writes the same bytes.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

OUT = Path(__file__).resolve().parent.parent / "images"


def vertical_gradient(size, top, bottom):
    w, h = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    for y in range(h):
        t = y / max(h - 1, 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom))
        draw.line([(0, y), (w, y)], fill=colour)
    return img


def save(img: Image.Image, name: str) -> None:
    path = OUT / name
    # A light blur softens the flat edges so they look less like a diagram
    # and compress better; no exif/icc is written.
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    img.save(path, "JPEG", quality=85, optimize=True, progressive=False, dpi=(300, 300))
    print(f"{path.relative_to(OUT.parent)}  {img.size[0]}x{img.size[1]}  {path.stat().st_size // 1024} KB")


def building() -> None:
    """The office's headquarters: a three-storey facade with a flag and trees."""
    w, h = 1600, 1000
    img = vertical_gradient((w, h), (150, 190, 225), (228, 238, 246))
    d = ImageDraw.Draw(img)
    # distant hills
    d.polygon([(0, 640), (260, 520), (520, 610), (820, 500), (1120, 600), (1400, 530), (1600, 590), (1600, 700), (0, 700)],
              fill=(150, 180, 160))
    # ground and forecourt
    d.rectangle([0, 760, w, h], fill=(120, 160, 95))
    d.polygon([(650, h), (950, h), (880, 790), (720, 790)], fill=(205, 200, 188))
    # main block
    x0, x1, y0, y1 = 360, 1240, 330, 790
    d.rectangle([x0, y0, x1, y1], fill=(240, 226, 190))
    d.rectangle([x0 - 20, y0 - 30, x1 + 20, y0], fill=(176, 68, 52))  # roof band
    # central portico
    d.rectangle([690, 260, 910, 790], fill=(250, 240, 214))
    d.polygon([(670, 270), (800, 190), (930, 270)], fill=(176, 68, 52))
    for cx in (710, 760, 840, 890):
        d.rectangle([cx - 9, 420, cx + 9, 790], fill=(255, 252, 240))
    d.rectangle([760, 640, 840, 790], fill=(110, 80, 60))  # door
    d.rectangle([690, 780, 910, 800], fill=(200, 195, 185))  # steps
    d.rectangle([670, 798, 930, 815], fill=(190, 185, 175))
    # windows: three floors, both wings
    for row, wy in enumerate((380, 520, 660)):
        for wx in list(range(400, 680, 70)) + list(range(940, 1220, 70)):
            d.rectangle([wx, wy, wx + 40, wy + 80], fill=(90, 130, 160))
            d.line([(wx + 20, wy), (wx + 20, wy + 80)], fill=(235, 225, 200), width=3)
    # flagpole and flag (plain red with a yellow star shape)
    d.line([(800, 190), (800, 80)], fill=(90, 90, 90), width=6)
    d.rectangle([803, 85, 903, 150], fill=(214, 40, 40))
    cx, cy, r = 853, 117, 20
    pts = []
    for i in range(10):
        ang = -math.pi / 2 + i * math.pi / 5
        rr = r if i % 2 == 0 else r * 0.4
        pts.append((cx + rr * math.cos(ang), cy + rr * math.sin(ang)))
    d.polygon(pts, fill=(255, 220, 0))
    # trees
    rnd = random.Random(1996)
    for tx in (120, 230, 1350, 1480):
        d.rectangle([tx - 10, 700, tx + 10, 800], fill=(100, 70, 45))
        for _ in range(6):
            ox, oy = rnd.randint(-50, 50), rnd.randint(-60, 20)
            rr = rnd.randint(45, 70)
            g = rnd.randint(100, 130)
            d.ellipse([tx + ox - rr, 640 + oy - rr, tx + ox + rr, 640 + oy + rr], fill=(50, g, 60))
    # hedges along the facade
    for hx in range(370, 1240, 60):
        if 680 < hx < 920:
            continue
        d.ellipse([hx - 5, 765, hx + 60, 810], fill=(60, 120, 60))
    save(img, "tru-so-chi-cuc.jpg")


def shelves() -> None:
    """Portrait: a corridor of mobile archive shelving full of boxes."""
    w, h = 1200, 1600
    img = vertical_gradient((w, h), (215, 215, 210), (170, 168, 160))
    d = ImageDraw.Draw(img)
    # ceiling lights
    for ly in (90, 210, 330):
        d.rectangle([480, ly, 720, ly + 18], fill=(255, 255, 235))
    # floor
    d.polygon([(0, 1250), (w, 1250), (w, h), (0, h)], fill=(140, 135, 125))
    d.polygon([(500, 1250), (700, 1250), (900, h), (300, h)], fill=(160, 155, 145))
    rnd = random.Random(2011)
    box_colours = [(196, 170, 120), (180, 150, 100), (210, 190, 140), (120, 140, 170), (170, 120, 100)]
    # two shelving units seen at an angle: left and right
    for side in (0, 1):
        for shelf in range(7):
            y = 180 + shelf * 150
            if side == 0:
                x_near, x_far = 40, 470
            else:
                x_near, x_far = 1160, 730
            # shelf board
            d.polygon([(x_near, y + 130), (x_far, y + 115), (x_far, y + 125), (x_near, y + 145)], fill=(110, 110, 115))
            # boxes, shrinking toward the far end
            n = 9
            for i in range(n):
                t0, t1 = i / n, (i + 0.85) / n
                bx0 = x_near + (x_far - x_near) * t0
                bx1 = x_near + (x_far - x_near) * t1
                scale0, scale1 = 1 - 0.12 * t0, 1 - 0.12 * t1
                top0 = y + 130 - 110 * scale0
                top1 = y + 130 - 110 * scale1
                col = rnd.choice(box_colours)
                d.polygon([(bx0, top0), (bx1, top1), (bx1, y + 128), (bx0, y + 130)], fill=col)
                # label patch (blank)
                mx = (bx0 + bx1) / 2
                d.rectangle([mx - 8, (top0 + y + 130) / 2 - 14, mx + 8, (top0 + y + 130) / 2 + 4],
                            fill=(245, 242, 230))
        # uprights
        for ux in ((40, 470) if side == 0 else (1160, 730)):
            d.rectangle([ux - 8, 170, ux + 8, 1260], fill=(90, 92, 98))
    # end wall with a door
    d.rectangle([470, 300, 730, 1250], fill=(200, 198, 190))
    d.rectangle([545, 820, 655, 1250], fill=(120, 100, 80))
    save(img, "kho-luu-tru.jpg")


def chart() -> None:
    """Bar chart of pages digitised per year, 2016–2025, without labels."""
    w, h = 1600, 1000
    img = Image.new("RGB", (w, h), (250, 248, 242))
    d = ImageDraw.Draw(img)
    left, right, top, bottom = 150, 1500, 120, 860
    for i in range(6):
        y = bottom - (bottom - top) * i / 5
        d.line([(left, y), (right, y)], fill=(215, 212, 205), width=2)
    d.line([(left, top), (left, bottom)], fill=(80, 80, 80), width=4)
    d.line([(left, bottom), (right, bottom)], fill=(80, 80, 80), width=4)
    # thousand pages per year (matches the table in 03-giai-doan-2016-2026.md)
    values = [120, 180, 260, 340, 410, 520, 610, 700, 780, 850]
    peak = 1000
    slot = (right - left) / len(values)
    for i, v in enumerate(values):
        x0 = left + slot * i + slot * 0.18
        x1 = left + slot * (i + 1) - slot * 0.18
        y0 = bottom - (bottom - top) * v / peak
        d.rectangle([x0, y0, x1, bottom - 2], fill=(38, 92, 140))
        d.rectangle([x0, y0, x1, y0 + 8], fill=(220, 150, 40))
    save(img, "bieu-do-so-hoa.jpg")


def group() -> None:
    """Staff standing in two rows in front of a backdrop."""
    w, h = 1600, 1000
    img = vertical_gradient((w, h), (176, 40, 40), (130, 24, 30))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 820, w, h], fill=(150, 120, 90))  # stage floor
    d.rectangle([0, 800, w, 825], fill=(120, 95, 70))
    rnd = random.Random(2026)
    shirts = [(245, 245, 245), (230, 236, 245), (60, 80, 120), (235, 225, 200), (250, 250, 250), (70, 70, 75)]
    skins = [(232, 196, 160), (220, 180, 140), (205, 165, 125), (238, 205, 170)]
    hair = [(30, 25, 22), (45, 35, 30), (60, 55, 50), (120, 120, 120)]

    def person(cx, base, scale):
        s = scale
        skin = rnd.choice(skins)
        shirt = rnd.choice(shirts)
        # legs / lower body
        d.rectangle([cx - 38 * s, base - 170 * s, cx + 38 * s, base], fill=(40, 42, 50))
        # torso
        d.rounded_rectangle([cx - 55 * s, base - 360 * s, cx + 55 * s, base - 160 * s], radius=int(25 * s), fill=shirt)
        # neck and head
        d.rectangle([cx - 12 * s, base - 385 * s, cx + 12 * s, base - 355 * s], fill=skin)
        d.ellipse([cx - 38 * s, base - 470 * s, cx + 38 * s, base - 375 * s], fill=skin)
        d.chord([cx - 40 * s, base - 478 * s, cx + 40 * s, base - 400 * s], 180, 360, fill=rnd.choice(hair))

    for i in range(9):  # back row, on a step
        person(190 + i * 152, 700, 0.95)
    d.rectangle([0, 690, w, 710], fill=(110, 85, 65))
    for i in range(8):  # front row
        person(265 + i * 152, 960, 1.05)
    # flowers at the front corners
    for fx in (70, 1530):
        d.rectangle([fx - 40, 880, fx + 40, 990], fill=(200, 170, 60))
        for k in range(7):
            ox, oy = rnd.randint(-45, 45), rnd.randint(-40, 30)
            d.ellipse([fx + ox - 22, 840 + oy - 22, fx + ox + 22, 840 + oy + 22],
                      fill=rnd.choice([(250, 220, 60), (240, 120, 140), (250, 250, 250)]))
    save(img, "tap-the-chi-cuc.jpg")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    building()
    shelves()
    chart()
    group()


if __name__ == "__main__":
    main()
