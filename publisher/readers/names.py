"""Does a short line look like a person's name? (for guessing an author from a byline or signature)

A Vietnamese name is 2-5 syllables, each capitalised (``Nguyễn Văn An``, ``Thu Hà``), or an
initial (``Th. Hà``). Signatures of official documents put the office above the name
("TRƯỞNG BAN", "GIÁM ĐỐC", "KT. CHỦ TỊCH"), and such lines are capitalised too, so:

- every word must be a Vietnamese syllable by shape (initial consonants, one to three
  vowels, a permitted final) or an initial with a full stop;
- no word may be an office or organisation word that never names a person ("trưởng",
  "giám", "đốc", "ủy", "cục" …), and the line may not hold an office phrase whose words
  can be names on their own ("chủ tịch", "bí thư", "phó ban", "văn phòng" …);
- a line in capitals of four words or more must start with a common family name
  (``NGUYỄN THỊ THU HÀ`` is a signature, ``THU HÀ`` a pen name; ``NGƯỜI LẬP BIỂU``,
  ``BAN BIÊN TẬP`` are not names by the lists above).
"""

from __future__ import annotations

import re
import unicodedata

# Words that are never part of a Vietnamese personal name (casefolded).
OFFICE_WORDS = frozenset("""
trưởng giám đốc ủy uỷ ubnd hđnd cục sở phòng ban bộ viện vụ tỉnh huyện xã phường quận
đảng ký kt tm tl tuq pv ptv ctv btv nhóm lớp gửi nhận người
""".split())
# Office phrases whose words alone can be names ("Chủ", "Tịch" no; "Văn", "Phòng" …).
OFFICE_PHRASES = (
    "chủ tịch", "bí thư", "phó ban", "văn phòng", "chánh văn", "tổng biên", "biên tập", "thủ trưởng",
    "kế toán", "thanh tra", "hiệu trưởng", "chỉ huy", "phó chủ", "đại diện", "ban biên",
    "thành phố", "hà nội", "việt nam", "cộng hòa", "cộng hoà", "độc lập", "hạnh phúc", "tự do",
    "phóng viên", "cộng tác", "công ty", "trung tâm", "kính gửi", "trân trọng", "bí thư", "chi cục",
    "chi bộ", "chi hội", "công đoàn", "đoàn thanh", "tổ chức", "nhà trường", "hội đồng", "thư ký",
    "đơn vị", "lập biểu", "đề nghị", "báo cáo", "kỷ niệm", "chúc mừng", "cảm ơn",
)
# The most frequent family names (about 95 % of the population).
FAMILY_NAMES = frozenset("""
nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đào đinh mai trương
lưu cao lâm tạ hà quách tô chu kiều thái trịnh đoàn la lương vương tăng triệu mạc văn thân
khúc hứa giang lục nông ông quang phùng âu diệp doãn hàn lò vi tôn mông đàm
""".split())

_SYLLABLE = re.compile(r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}"
                       r"(?:ch|ng|nh|[cmnpt])?$")
_INITIAL = re.compile(r"^(?:[^\W\d_]{1,3}\.)+$")


def _bare(word: str) -> str:
    """The word without tone and vowel marks, đ as d, lower case."""
    word = unicodedata.normalize("NFD", word.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in word if not unicodedata.combining(c)).lower()


def is_syllable(word: str) -> bool:
    """True when ``word`` has the shape of one Vietnamese syllable."""
    return bool(_SYLLABLE.match(_bare(word)))


def looks_like_person(name: str) -> bool:
    """True when ``name`` looks like one person's name (see the module docstring)."""
    words = name.split()
    if not 2 <= len(words) <= 5:
        return False
    if not all(w[0].isupper() and (is_syllable(w) or _INITIAL.match(w)) for w in words):
        return False
    folded = [unicodedata.normalize("NFC", w).casefold() for w in words]
    if any(w in OFFICE_WORDS or w.rstrip(".") in OFFICE_WORDS for w in folded):
        return False
    joined = " ".join(folded)
    if any(phrase in joined for phrase in OFFICE_PHRASES):
        return False
    letters = [c for c in name if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(words) > 3 and folded[0] not in FAMILY_NAMES:
        return False  # a long line in capitals is a heading unless it starts like a full name
    return True


def name_case(name: str) -> str:
    """A name typed in capitals (a signature) with a capital on each syllable: NGUYỄN VĂN AN -> Nguyễn Văn An."""
    letters = [c for c in name if c.isalpha()]
    if not letters or not all(c.isupper() for c in letters):
        return name
    return " ".join(w[0] + w[1:].lower() for w in name.split())
