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
