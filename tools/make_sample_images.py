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


# --- Photo pages (13-anh-tu-lieu.md): images/anh-tu-lieu/ and its hoat-dong/ subfolder. ---
# Each function has its own random seed, so adding one never changes the others' bytes.

ARCHIVE = "anh-tu-lieu"


def _people_row(d, rnd, y_base, count, x0, step, scale, shirts=None, back=False):
    """A row of simple standing figures; ``back``: seen from behind (hair, no face)."""
    skins = [(232, 196, 160), (220, 180, 140), (205, 165, 125), (238, 205, 170)]
    hair = [(30, 25, 22), (45, 35, 30), (60, 55, 50), (110, 110, 110)]
    shirts = shirts or [(245, 245, 245), (230, 236, 245), (60, 80, 120), (235, 225, 200), (70, 70, 75)]
    for i in range(count):
        cx, s = x0 + i * step + rnd.randint(-6, 6), scale
        d.rounded_rectangle([cx - 52 * s, y_base - 200 * s, cx + 52 * s, y_base], radius=int(22 * s),
                            fill=rnd.choice(shirts))
        d.rectangle([cx - 11 * s, y_base - 222 * s, cx + 11 * s, y_base - 195 * s], fill=rnd.choice(skins))
        head = [cx - 36 * s, y_base - 305 * s, cx + 36 * s, y_base - 215 * s]
        d.ellipse(head, fill=rnd.choice(hair) if back else rnd.choice(skins))
        if not back:
            d.chord([cx - 38 * s, y_base - 312 * s, cx + 38 * s, y_base - 240 * s], 180, 360,
                    fill=rnd.choice(hair))


def ceremony_1996() -> None:
    """A small hall in 1996: a blank red banner, a lectern, the audience seen from behind."""
    w, h = 1600, 1000
    img = vertical_gradient((w, h), (236, 228, 210), (205, 196, 178))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, w, 70], fill=(120, 100, 80))  # ceiling beam
    d.rectangle([260, 110, 1340, 260], fill=(190, 30, 36))  # banner, text left out
    d.rectangle([300, 150, 1300, 165], fill=(230, 190, 60))
    d.rectangle([0, 600, w, h], fill=(150, 112, 78))  # wooden floor
    d.rectangle([640, 330, 800, 600], fill=(120, 70, 40))  # lectern
    d.polygon([(620, 330), (820, 330), (800, 360), (640, 360)], fill=(100, 55, 30))
    rnd = random.Random(1996_10)
    _people_row(d, rnd, 600, 1, 720, 0, 0.9, shirts=[(240, 240, 240)])  # the speaker
    d.rectangle([640, 400, 800, 600], fill=(120, 70, 40))
    for fx in (420, 1180):  # flower stands
        d.rectangle([fx - 20, 420, fx + 20, 600], fill=(180, 150, 70))
        for _ in range(9):
            ox, oy = rnd.randint(-60, 60), rnd.randint(-50, 40)
            d.ellipse([fx + ox - 26, 400 + oy - 26, fx + ox + 26, 400 + oy + 26],
                      fill=rnd.choice([(250, 210, 60), (230, 80, 90), (250, 250, 240)]))
    for row, (y, scale) in enumerate(((830, 1.0), (1000, 1.25))):
        _people_row(d, rnd, y, 8 - row, 130 + row * 60, 195 + row * 20, scale, back=True)
    save(img, f"{ARCHIVE}/le-cong-bo-1996.jpg")


def storeroom_1998() -> None:
    """The borrowed storeroom: tied bundles of papers on plank shelves under one bulb."""
    w, h = 1600, 1000
    img = vertical_gradient((w, h), (120, 110, 92), (70, 62, 52))
    d = ImageDraw.Draw(img)
    d.line([(800, 0), (800, 110)], fill=(40, 40, 40), width=4)
    d.ellipse([775, 105, 825, 160], fill=(255, 240, 190))
    d.polygon([(0, 820), (w, 820), (w, h), (0, h)], fill=(92, 84, 72))
    rnd = random.Random(1998)
    for shelf_y in (330, 560, 790):
        d.rectangle([60, shelf_y, 1540, shelf_y + 18], fill=(130, 95, 60))
        x = 80
        while x < 1500:
            bw, bh = rnd.randint(90, 170), rnd.randint(110, 190)
            tone = rnd.randint(170, 225)
            d.rectangle([x, shelf_y - bh, x + bw, shelf_y], fill=(tone, tone - 12, tone - 45))
            for k in (0.3, 0.7):  # the strings round each bundle
                d.line([(x + bw * k, shelf_y - bh), (x + bw * k, shelf_y)], fill=(150, 110, 70), width=4)
            x += bw + rnd.randint(6, 24)
    for ux in (60, 790, 1522):
        d.rectangle([ux, 150, ux + 18, 820], fill=(110, 80, 50))
    save(img, f"{ARCHIVE}/kho-tam-1998.jpg")


def flood_2008() -> None:
    """September 2008: staff pass boxes hand to hand above the flood water."""
    w, h = 1600, 1000
    img = vertical_gradient((w, h), (120, 128, 138), (175, 180, 185))
    d = ImageDraw.Draw(img)
    d.rectangle([120, 180, 900, 700], fill=(214, 204, 180))  # the old storeroom
    d.polygon([(90, 190), (510, 60), (930, 190)], fill=(140, 70, 55))
    for wx in (200, 380, 560, 740):
        d.rectangle([wx, 300, wx + 90, 420], fill=(80, 100, 120))
    d.rectangle([440, 470, 580, 700], fill=(90, 70, 55))
    rnd = random.Random(2008)
    d.rectangle([900, 560, w, 640], fill=(150, 150, 150))  # the raised walkway
    _people_row(d, rnd, 600, 5, 980, 130, 0.85, shirts=[(40, 90, 160), (230, 230, 230), (200, 60, 50)])
    for bx in (1040, 1170, 1300, 1430):
        d.rectangle([bx - 40, 400, bx + 40, 450], fill=(196, 170, 120))
    d.rectangle([0, 640, w, h], fill=(140, 110, 70))  # muddy water
    for y in range(660, h, 28):
        d.line([(0, y), (w, y + 6)], fill=(160, 130, 90), width=3)
    for _ in range(240):  # rain
        x, y = rnd.randint(0, w), rnd.randint(0, 640)
        d.line([(x, y), (x - 8, y + 34)], fill=(200, 205, 212), width=2)
    save(img, f"{ARCHIVE}/lu-2008.jpg")


def groundbreaking_2010() -> None:
    """March 2010: the groundbreaking of the new repository, shovels in a line."""
    w, h = 1600, 1000
    img = vertical_gradient((w, h), (120, 175, 230), (215, 232, 245))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 700, w, h], fill=(168, 118, 72))
    d.polygon([(300, 760), (800, 640), (1300, 760)], fill=(150, 100, 60))  # the mound
    d.rectangle([340, 130, 1260, 260], fill=(200, 32, 38))  # banner, text left out
    for px in (360, 1240):
        d.rectangle([px - 8, 120, px + 8, 720], fill=(120, 120, 120))
    rnd = random.Random(2010)
    _people_row(d, rnd, 760, 7, 380, 140, 0.95, shirts=[(245, 245, 245), (235, 238, 245)])
    for i in range(7):
        sx = 380 + i * 140 + 40
        d.line([(sx, 560), (sx + 30, 790)], fill=(110, 80, 50), width=8)
        d.polygon([(sx + 14, 780), (sx + 52, 770), (sx + 56, 820), (sx + 22, 830)], fill=(170, 170, 175))
    save(img, f"{ARCHIVE}/khoi-cong-2010.jpg")


def reading_room() -> None:
    """Portrait: the reading room, a desk lamp and an open register by the window."""
    w, h = 1000, 1400
    img = vertical_gradient((w, h), (236, 232, 222), (214, 208, 196))
    d = ImageDraw.Draw(img)
    d.rectangle([180, 120, 820, 640], fill=(170, 205, 225))  # window
    d.line([(500, 120), (500, 640)], fill=(245, 245, 240), width=14)
    d.line([(180, 380), (820, 380)], fill=(245, 245, 240), width=14)
    d.rectangle([60, 820, 940, 880], fill=(130, 88, 52))  # desk
    d.rectangle([110, 880, 150, 1300], fill=(110, 74, 44))
    d.rectangle([850, 880, 890, 1300], fill=(110, 74, 44))
    d.polygon([(300, 820), (500, 790), (700, 820), (500, 835)], fill=(246, 240, 222))  # open book
    d.line([(500, 790), (500, 835)], fill=(190, 180, 160), width=3)
    d.rectangle([700, 600, 716, 820], fill=(60, 70, 60))  # lamp
    d.polygon([(640, 600), (780, 600), (740, 520), (680, 520)], fill=(40, 110, 70))
    d.rectangle([0, 1300, w, h], fill=(150, 120, 95))
    rnd = random.Random(2022)
    _people_row(d, rnd, 1180, 1, 290, 0, 1.25, shirts=[(60, 80, 120)])
    save(img, f"{ARCHIVE}/hoat-dong/phong-doc.jpg")


def restoration() -> None:
    """Portrait, from above: a torn page laid on the light table, a brush and paste jars."""
    w, h = 1000, 1400
    img = Image.new("RGB", (w, h), (226, 230, 228))
    d = ImageDraw.Draw(img)
    d.rectangle([120, 200, 880, 1200], fill=(250, 250, 244))  # light table
    d.polygon([(260, 330), (740, 310), (760, 1040), (250, 1080), (300, 700)], fill=(226, 206, 160))
    rnd = random.Random(2019)
    for y in range(400, 1000, 44):  # lines of faded handwriting, left unreadable
        x = 300 + rnd.randint(0, 30)
        d.line([(x, y), (x + rnd.randint(260, 400), y)], fill=(150, 120, 90), width=5)
    d.polygon([(540, 560), (700, 640), (620, 760)], fill=(245, 238, 220))  # the patch
    d.ellipse([660, 1120, 860, 1300], fill=(232, 196, 160))  # a hand
    d.line([(700, 1150), (560, 860)], fill=(160, 110, 60), width=14)  # brush
    for jx, colour in ((200, (240, 240, 235)), (330, (215, 225, 235))):
        d.ellipse([jx - 60, 1240, jx + 60, 1360], fill=colour, outline=(150, 150, 150), width=4)
    save(img, f"{ARCHIVE}/hoat-dong/tu-bo-tai-lieu.jpg")


def exhibition() -> None:
    """Landscape: visitors at an exhibition of archive documents (framed, unreadable)."""
    w, h = 1600, 1000
    img = vertical_gradient((w, h), (244, 240, 232), (222, 216, 204))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 760, w, h], fill=(176, 150, 120))
    rnd = random.Random(2024)
    for px in (80, 560, 1040):  # three panels of framed documents
        d.rectangle([px, 140, px + 460, 700], fill=(150, 40, 40))
        for row in range(2):
            for col in range(2):
                fx, fy = px + 40 + col * 200, 190 + row * 250
                d.rectangle([fx, fy, fx + 180, fy + 210], fill=(240, 230, 205), outline=(200, 170, 90), width=6)
                for line_y in range(fy + 30, fy + 190, 24):
                    d.line([(fx + 20, line_y), (fx + 20 + rnd.randint(90, 140), line_y)], fill=(150, 130, 100), width=3)
    _people_row(d, rnd, 980, 6, 170, 250, 1.1, back=True)
    save(img, f"{ARCHIVE}/hoat-dong/trien-lam.jpg")


def scanner() -> None:
    """Portrait: a book scanner with its V-shaped cradle, camera arm and screen."""
    w, h = 1000, 1400
    img = vertical_gradient((w, h), (200, 206, 214), (160, 166, 176))
    d = ImageDraw.Draw(img)
    d.rectangle([100, 1000, 900, 1060], fill=(60, 62, 68))  # bench
    d.rectangle([150, 1060, 200, 1400], fill=(50, 52, 58))
    d.rectangle([800, 1060, 850, 1400], fill=(50, 52, 58))
    d.polygon([(220, 860), (500, 990), (780, 860), (780, 900), (500, 1000), (220, 900)], fill=(40, 42, 48))
    d.polygon([(260, 850), (500, 960), (500, 930), (280, 830)], fill=(246, 240, 220))  # open book
    d.polygon([(740, 850), (500, 960), (500, 930), (720, 830)], fill=(238, 232, 212))
    d.rectangle([480, 260, 520, 990], fill=(90, 92, 100))  # arm
    d.rectangle([380, 220, 620, 300], fill=(30, 30, 34))  # camera head
    d.ellipse([470, 280, 530, 330], fill=(80, 120, 170))
    d.rectangle([640, 560, 900, 740], fill=(25, 25, 30))  # screen
    d.rectangle([655, 575, 885, 725], fill=(235, 228, 205))
    save(img, f"{ARCHIVE}/hoat-dong/may-quet-sach.jpg")


def family_register() -> None:
    """Portrait: the restored hand-written family register, open on a cushion."""
    w, h = 1000, 1400
    img = vertical_gradient((w, h), (96, 40, 36), (60, 26, 24))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([100, 420, 900, 1260], radius=40, fill=(190, 150, 60))  # cushion
    d.polygon([(160, 500), (500, 540), (500, 1180), (170, 1140)], fill=(222, 200, 150))
    d.polygon([(840, 500), (500, 540), (500, 1180), (830, 1140)], fill=(214, 192, 142))
    rnd = random.Random(2019_06)
    for side, (x0, x1) in enumerate(((200, 470), (530, 800))):  # vertical columns of script
        for x in range(x0, x1, 34):
            y = 580 + rnd.randint(0, 20)
            d.line([(x, y), (x, y + rnd.randint(380, 520))], fill=(70, 50, 40), width=5)
    save(img, f"{ARCHIVE}/hoat-dong/gia-pha.jpg")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    building()
    shelves()
    chart()
    group()
    (OUT / ARCHIVE / "hoat-dong").mkdir(parents=True, exist_ok=True)
    ceremony_1996()
    storeroom_1998()
    flood_2008()
    groundbreaking_2010()
    reading_room()
    restoration()
    exhibition()
    scanner()
    family_register()


if __name__ == "__main__":
    main()
