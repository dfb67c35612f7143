"""Write tests/fixtures/sideways.heic: a 96 x 64 picture stored as a phone stores a photo taken
upright (EXIF Orientation 6: shown turned a quarter clockwise, 64 x 96), red on its left half and
blue on its right half as stored, so shown upright the red is on top.

Run once with pillow-heif installed (it encodes HEIC; publisher only decodes, through pi-heif):
    python -m venv /tmp/heic && /tmp/heic/bin/pip install pillow-heif && /tmp/heic/bin/python tools/make_heic_fixture.py
"""

from pathlib import Path

import pillow_heif
from PIL import Image

pillow_heif.register_heif_opener()
image = Image.new("RGB", (96, 64), (200, 30, 30))
image.paste((30, 30, 200), (48, 0, 96, 64))
exif = Image.Exif()
exif[0x0112] = 6
target = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "sideways.heic"
image.save(target, "HEIF", quality=90, exif=exif.tobytes())
print(target, target.stat().st_size, "bytes")
