"""Generate a deterministic synthetic book project of N articles (seeded: every run is the same book).

Vietnamese text is drawn from a syllable list; some articles carry headings, footnotes,
a table and a photo. About 700 words an article, so N articles make about 3N pages.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

SYLLABLES = (
    "năm tháng ngày người công việc tài liệu lưu trữ hồ sơ văn bản chi cục tỉnh huyện xã "
    "phòng kho giấy mực bảo quản số hóa phục vụ nghiên cứu lịch sử ký ức cán bộ viên chức "
    "thủy hòa khỏe quyết thuyền đoạn toàn khoảng giữa quý quả nước đất trời sông núi "
    "đường phố làng bản mới cũ trẻ già học hành làm ăn nói viết đọc nghe thấy biết hiểu "
    "những các một hai ba bốn năm sáu bảy tám chín mười trăm nghìn triệu đã đang sẽ vẫn "
    "cùng với cho của trong ngoài trên dưới giữa sau trước khi lúc bởi vì nên nhưng mà "
    "Bạch Vân Ngân Khê Hà Giang Lạng Sơn Nguyễn Trần Lê Phạm Hoàng Vũ Đặng Bùi Đỗ Hồ"
).split()
IMAGE_COUNT = 4


def sentence(rng: random.Random) -> str:
    words = [rng.choice(SYLLABLES) for _ in range(rng.randint(8, 22))]
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words) + rng.choice([".", ".", ".", ",", "!", "?"]).replace(",", ".")


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))


def article(rng: random.Random, number: int, with_photo: bool) -> str:
    title = " ".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 7))).capitalize()
    author = " ".join(rng.choice(SYLLABLES[-24:]) for _ in range(3))
    lines = ["---", f"title: {title} {number}", f"author: {author}",
             f"date: 20{rng.randint(10, 26):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "---", ""]
    words = 0
    notes = []
    while words < 650:
        if rng.random() < 0.15:
            lines += [f"## {sentence(rng)[:-1]}", ""]
        text = paragraph(rng)
        if rng.random() < 0.12:
            notes.append(sentence(rng))
            text += f"[^a{number}n{len(notes)}]"
        lines += [text, ""]
        words += len(text.split())
    if number % 7 == 3:
        lines += ["| Năm | Hồ sơ | Ghi chú |", "|---|---:|---|"]
        lines += [f"| {2000 + i} | {rng.randint(100, 9000)} | {rng.choice(SYLLABLES)} |" for i in range(6)]
        lines += [""]
    if with_photo:
        lines += [f"![{sentence(rng)[:-1]}](../images/anh-{number % IMAGE_COUNT}.jpg)", ""]
    lines += [f"[^a{number}n{i}]: {note}" for i, note in enumerate(notes, start=1)]
    return "\n".join(lines) + "\n"


def make_project(target: Path, articles: int, seed: int = 2026) -> Path:
    """Write book.toml, manuscripts/ and images/ for a book of ``articles`` articles."""
    from PIL import Image, ImageDraw

    if target.exists():
        shutil.rmtree(target)
    (target / "manuscripts").mkdir(parents=True)
    (target / "images").mkdir()
    rng = random.Random(seed)
    for index in range(IMAGE_COUNT):
        image = Image.new("RGB", (1600, 1000), (200 - index * 30, 180, 150 + index * 20))
        draw = ImageDraw.Draw(image)
        for k in range(40):
            x = rng.randint(0, 1500)
            draw.rectangle([x, rng.randint(0, 900), x + 100, 1000], fill=(rng.randint(0, 255), 90, 120))
        image.save(target / "images" / f"anh-{index}.jpg", quality=85)
    parts = []
    per_part = max(1, articles // 3)
    for number in range(1, articles + 1):
        name = f"{number:03d}-bai.md"
        (target / "manuscripts" / name).write_text(article(rng, number, number % 5 == 0), encoding="utf-8")
    for part in range(3):
        first = part * per_part + 1
        last = articles if part == 2 else (part + 1) * per_part
        files = ", ".join(f'"{n:03d}-bai.md"' for n in range(first, last + 1))
        parts.append(f'[[parts]]\ntitle = "Phần {part + 1}"\nfiles = [{files}]\n')
    (target / "book.toml").write_text(
        '[book]\ntitle = "Sách thử tốc độ"\ndate = 2026-10-20\nslug = "bench"\n\n' + "\n".join(parts),
        encoding="utf-8")
    return target


# --- the photo book -----------------------------------------------------------------------------

PHOTO_VERSION = 1  # part of the cached photos' folder name: bump when photo() changes


def photo(seed: int, size: tuple[int, int], texture) -> "Image.Image":
    """A camera-sized picture that compresses like a photograph: a blurred scene of gradients and
    shapes under film-grain noise at two scales (not flat colour, which JPEG squeezes to nothing)."""
    from PIL import Image, ImageChops, ImageDraw, ImageFilter

    rng = random.Random(seed)
    width, height = size
    small = (width // 10, height // 10)
    top = tuple(rng.randint(60, 220) for _ in range(3))
    bottom = tuple(rng.randint(20, 160) for _ in range(3))
    gradient = Image.linear_gradient("L").resize(small)
    scene = Image.composite(Image.new("RGB", small, bottom), Image.new("RGB", small, top), gradient)
    draw = ImageDraw.Draw(scene)
    for _ in range(rng.randint(15, 40)):
        x, y = rng.randint(-50, small[0]), rng.randint(-50, small[1])
        box = [x, y, x + rng.randint(5, small[0] // 4), y + rng.randint(5, small[1] // 3)]
        fill = tuple(rng.randint(0, 255) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=fill)
    scene = scene.filter(ImageFilter.GaussianBlur(2)).resize(size, Image.Resampling.BICUBIC)
    # The grain: a crop of a shared texture at a seeded offset (making 12 MP of noise per photo is slow).
    x, y = rng.randint(0, texture.width - width), rng.randint(0, texture.height - height)
    return ImageChops.overlay(scene, texture.crop((x, y, x + width, y + height)))


def _texture(side: int):
    from PIL import Image

    size = (side, side)
    coarse = Image.effect_noise((side // 4, side // 4), 50).resize(size, Image.Resampling.BILINEAR)
    return Image.blend(coarse, Image.effect_noise(size, 18), 0.5).convert("RGB")


def photo_kind(index: int) -> tuple[tuple[int, int], int]:
    """(stored pixel size, EXIF orientation) of photo ``index``: most landscape, every 5th shot
    portrait, every 7th stored landscape but turned by its EXIF tag (as phones save them)."""
    if index % 5 == 4:
        return (3000, 4000), 1
    if index % 7 == 6:
        return (4000, 3000), (6, 8, 3)[index // 7 % 3]
    return (4000, 3000), 1


def _write_photos(folder: Path, indexes: list[int], seed: int) -> None:
    from PIL import Image

    texture = _texture(4600)
    for index in indexes:
        size, orientation = photo_kind(index)
        image = photo(seed * 100_000 + index, size, texture)
        exif = Image.Exif()
        exif[0x010F] = "Bench Camera"
        if orientation != 1:
            exif[0x0112] = orientation
        temp = folder / f".anh-{index:03d}.jpg.tmp"
        image.save(temp, "JPEG", quality=90, exif=exif.tobytes())
        temp.replace(folder / f"anh-{index:03d}.jpg")


def camera_photos(folder: Path, count: int, seed: int = 2026, processes: int = 2) -> list[Path]:
    """``count`` seeded camera photos (4000 × 3000, 2–5 MB), made once and kept in ``folder``."""
    import multiprocessing

    folder = folder / f"photos-v{PHOTO_VERSION}-{seed}"
    folder.mkdir(parents=True, exist_ok=True)
    missing = [i for i in range(count) if not (folder / f"anh-{i:03d}.jpg").exists()]
    if missing:
        chunks = [missing[k::processes] for k in range(processes)]
        with multiprocessing.get_context("fork").Pool(processes) as workers:
            workers.starmap(_write_photos, [(folder, chunk, seed) for chunk in chunks if chunk])
    return [folder / f"anh-{i:03d}.jpg" for i in range(count)]


def _link(source: Path, target: Path) -> None:
    try:
        target.hardlink_to(source)
    except OSError:
        shutil.copyfile(source, target)


def gallery_caption(rng: random.Random, index: int) -> str:
    return f"{sentence(rng)[:-1]} (ảnh {index + 1})"


def make_photo_project(target: Path, photo_store: Path, photos: int = 400, articles: int = 60,
                       seed: int = 2026) -> Path:
    """A kỷ yếu of ``articles`` articles: every 5th a gallery, the others short texts with two photos.

    The photos come from ``camera_photos`` (hard links into images/, so the bytes are shared).
    """
    files = camera_photos(photo_store, photos, seed)
    if target.exists():
        shutil.rmtree(target)
    (target / "manuscripts").mkdir(parents=True)
    (target / "images").mkdir()
    for path in files:
        _link(path, target / "images" / path.name)
    rng = random.Random(seed)
    galleries = [n for n in range(1, articles + 1) if n % 5 == 0]
    texts = [n for n in range(1, articles + 1) if n % 5 != 0]
    per_text = min(2, photos // (2 * len(texts)) or 1)
    queue = list(range(photos))
    given: dict[int, list[int]] = {n: [queue.pop(0) for _ in range(per_text) if queue] for n in texts}
    for k, number in enumerate(galleries):  # the rest, shared out among the galleries
        share = len(queue) // (len(galleries) - k)
        given[number], queue = queue[:share], queue[share:]
    for number in range(1, articles + 1):
        title = " ".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 7))).capitalize()
        lines = ["---", f"title: {title} {number}", "---", ""]
        if number in galleries:
            lines += [paragraph(rng), "", '```gallery title="Ảnh tư liệu"']
            lines += [f"![{gallery_caption(rng, i)}](../images/anh-{i:03d}.jpg)" for i in given[number]]
            lines += ["```", ""]
        else:
            for i in given[number]:
                lines += [paragraph(rng), "", paragraph(rng), "",
                          f"![{sentence(rng)[:-1]}](../images/anh-{i:03d}.jpg)", ""]
        (target / "manuscripts" / f"{number:03d}-bai.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (target / "book.toml").write_text(
        '[book]\ntitle = "Kỷ yếu thử tốc độ: ảnh"\ndate = 2026-10-20\nslug = "bench"\n\n'
        '[[parts]]\ntitle = "Ảnh"\nfiles = ["*.md"]\n', encoding="utf-8")
    return target


# --- the roster book ----------------------------------------------------------------------------

FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Quách Lã Trương".split()
MIDDLE = "Văn Thị Minh Hữu Đức Thanh Ngọc Quang Thu Kim Xuân Bích Hoài Mạnh".split()
GIVEN = ("An Anh Bình Chi Cường Dũng Dung Đạt Giang Hà Hải Hạnh Hiền Hiếu Hoa Hòa Hùng Hương Khánh Khoa "
         "Lan Linh Long Mai Minh Nam Nga Ngân Nhung Phong Phúc Phương Quân Quỳnh Sơn Tâm Thảo Thắng "
         "Thủy Thư Trang Trung Tú Tuấn Uyên Vân Việt Xuân Yến").split()
UNITS = ("Phòng Hành chính – Tổng hợp", "Phòng Nghiệp vụ", "Kho Lưu trữ lịch sử", "Tổ Tu bổ – Phục chế",
         "Trung tâm Số hóa", "Phòng Thu thập – Chỉnh lý", "Đội Bảo vệ kho")


def roster_csv(rows: int, seed: int = 2026) -> str:
    """``rows`` staff: name, date of birth, date joined (dd/mm/yyyy), unit; in no particular order."""
    rng = random.Random(seed)
    lines = ["Họ và tên,Ngày sinh,Ngày vào ngành,Đơn vị"]
    for _ in range(rows):
        name = " ".join([rng.choice(FAMILY), *rng.sample(MIDDLE, rng.randint(1, 2)), rng.choice(GIVEN)])
        born = rng.randint(1940, 2000)
        lines.append(f"{name},{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{born},"
                     f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{born + rng.randint(20, 30)},"
                     f"{rng.choice(UNITS)}")
    return "\n".join(lines) + "\n"


def make_roster_project(target: Path, sample: Path, rows: int = 5000, seed: int = 2026, blocks: int = 1) -> Path:
    """The sample book (``sample``: book.toml, manuscripts/, images/, data/) plus ``rows`` rows
    sorted by name, in a new article at the end of the last part: one roster, or ``blocks``
    rosters of about as many rows each (one per period, a line of text before each)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in ("manuscripts", "images", "data"):
        shutil.copytree(sample / name, target / name)
    lines = roster_csv(rows, seed).splitlines()
    article = "---\ntitle: Danh sách cán bộ qua các thời kỳ\n---\n\n"
    if blocks == 1:
        (target / "data" / "bench-roster.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        article += "```roster file=../data/bench-roster.csv sort=name number=TT\n```\n"
    else:
        size = -(-rows // blocks)
        for block in range(blocks):
            part = lines[1 + block * size:1 + (block + 1) * size]
            (target / "data" / f"bench-roster-{block + 1}.csv").write_text(
                "\n".join([lines[0], *part]) + "\n", encoding="utf-8")
            article += (f"Thời kỳ thứ {block + 1}: những người đã công tác tại chi cục, xếp theo tên.\n\n"
                        f"```roster file=../data/bench-roster-{block + 1}.csv sort=name number=TT\n```\n\n")
    (target / "manuscripts" / "99-danh-sach-can-bo.md").write_text(article, encoding="utf-8")
    config = (sample / "book.toml").read_text(encoding="utf-8")
    last = config.rfind('files = [')
    end = config.index("]", last)
    (target / "book.toml").write_text(config[:end] + ', "99-*.md"' + config[end:], encoding="utf-8")
    return target
