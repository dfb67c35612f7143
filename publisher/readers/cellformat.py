"""A spreadsheet cell's value as the sheet shows it, by the cell's number format.

A staff list's cells hold numbers and dates; what the editor sees in Excel is the value
through the cell's number format: ``00123`` for 123 under ``00000`` (a staff number), ``4,98``
for 4.9799999999999995 (a salary coefficient after a formula), ``1.250.000`` under ``#,##0``,
``85%`` for 0.85 under ``0%``, "-" for zero in the accounting format. The book shows it so, with
Vietnamese separators (a dot between thousands, a decimal comma), whatever the editor's
computer was set to.

What is rendered: the sections of a format (positive; negative; zero; text), digit
placeholders ``0 # ?`` with literals between them (``0### ### ###``), thousands grouping and
scaling commas, decimals rounded half away from zero as Excel rounds, per cent, quoted text,
``\\x``, ``_x`` (a space), ``*x`` (nothing), ``[$₫-42A]`` (its symbol) and colours; dates by
``show_date``. A format this module does not render (a fraction ``# ?/?``, scientific ``0.00E+00``,
a condition ``[<1000]``) shows the number as General does. (The xlformat package renders every
Excel format; it is not available here, and a roster needs only this.)
"""

from __future__ import annotations

import datetime
import decimal
import re
import unicodedata

DECIMAL = ","  # Vietnamese: 4,98
GROUP = "."  # and 1.250.000

# Excel's built-in short date (number format 14) is shown in the computer's own short date form:
# day/month/year in Vietnam. openpyxl reports it as "mm-dd-yy", xlrd as "m/d/yy".
_SHORT_DATE = ("mm-dd-yy", "m/d/yy", "m/d/yyyy", "general", "")
_DATE_TOKEN = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.|yyyy|yy|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d'
                         r'|hh|h|ss|s|am/pm|a/p|.', re.IGNORECASE)
_TIME = ("h", "hh", "s", "ss", "am/pm", "a/p")
_NUMBER_TOKEN = re.compile(r'"[^"]*"?|\\.|\[[^\]]*\]?|_.?|\*.?|[0#?]|.', re.DOTALL)


def show(value, number_format: str | None = None) -> str:
    """A cell value as text: numbers by their format (``show_number``), dates by theirs
    (``show_date``), text as written (NFC), TRUE / FALSE."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, decimal.Decimal)):
        return show_number(value, number_format)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return show_date(value, number_format)
    if isinstance(value, datetime.time):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value))


def show_number(value: int | float | decimal.Decimal, number_format: str | None = None) -> str:
    """A number as its format shows it, with Vietnamese separators (see the module doc)."""
    if isinstance(value, float) and (value != value or abs(value) == float("inf")):
        return str(value)
    number = decimal.Decimal(repr(value)) if isinstance(value, float) else decimal.Decimal(value)
    if not number_format or number_format.strip().lower() == "general" or len(number_format) > 255:
        return _general(number)  # (Excel's formats are at most 255 characters)
    sections = _split_sections(number_format)
    if any(re.search(r"\[[<>=]", s) for s in sections):
        return _general(number)  # a conditional format
    sign = ""
    if len(sections) >= 3 and number == 0:
        section = sections[2]
    elif len(sections) >= 2 and number < 0:
        section = sections[1]  # it writes its own sign, or brackets
    else:
        section, sign = sections[0], ("-" if number < 0 else "")
    with decimal.localcontext() as context:
        # every digit: the number's, a decimal or two of per cent for each character of the format
        context.prec = max(28, number.adjusted() + 3 * len(number_format) + 40)
        text = _with_section(abs(number), section)
    if text is None:
        return _general(number)
    return sign + text.strip() if text.strip() else ""


def _split_sections(number_format: str) -> list[str]:
    """The format's sections (positive; negative; zero; text), split at the semicolons outside
    quotes and brackets."""
    sections, current = [], ""
    for token in _NUMBER_TOKEN.findall(number_format):
        if token == ";":
            sections.append(current)
            current = ""
        else:
            current += token
    sections.append(current)
    return sections[:4]


def _general(number: decimal.Decimal) -> str:
    """Excel's General: the number to 15 significant digits (Excel's precision: a formula's
    4.9799999999999995 is 4,98), no grouping."""
    if number == number.to_integral_value():
        text = str(int(number))
    else:
        text = format(float(number), ".15g")
        if "e" in text:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}E{int(exponent):+03d}"
    return text.replace(".", DECIMAL)


def _with_section(number: decimal.Decimal, section: str) -> str | None:
    """``number`` (not negative) through one section; None for a section not rendered here."""
    tokens = _NUMBER_TOKEN.findall(section)
    bare = "".join(t if len(t) == 1 else " " for t in tokens)  # the format outside quotes and escapes
    if found := re.search("general", bare, re.IGNORECASE):
        # General with texts around it (General" đ"): one token a character outside quotes
        at = sum(len(t) for t in tokens[:found.start()])
        after = sum(len(t) for t in tokens[:found.end()])
        return "".join(map(_literal, _NUMBER_TOKEN.findall(section[:at]))) + _general(number) + "".join(
            map(_literal, _NUMBER_TOKEN.findall(section[after:])))
    if re.search(r"[/eEyYmMdDhHsS]", bare):
        return None  # a fraction, scientific, a date's part in a number's format
    places = [i for i, t in enumerate(tokens) if t in ("0", "#", "?")]
    if not places:
        return "".join(map(_literal, tokens))  # "-" for zero in the accounting format
    first, last = places[0], places[-1]
    point = next((i for i in range(first, last + 1) if tokens[i] == "."), None)
    integer = tokens[first:point if point is not None else last + 1]
    fraction = tokens[point + 1:last + 1] if point is not None else []
    tail = tokens[last + 1:]
    scale = 0
    while tail and tail[0] == ",":  # a comma after the digits divides by a thousand
        scale, tail = scale + 1, tail[1:]
    grouped = "," in integer
    integer = [t for t in integer if t != ","]
    percent = bare.count("%")
    number = number.scaleb(2 * percent - 3 * scale)
    decimals = sum(t in ("0", "#", "?") for t in fraction)
    rounded = number.quantize(decimal.Decimal(1).scaleb(-decimals), rounding=decimal.ROUND_HALF_UP)
    whole, _, part = f"{rounded:f}".partition(".")
    return ("".join(map(_literal, tokens[:first])) + _integer_part(whole.lstrip("0"), integer, grouped)
            + _fraction_part(part, fraction) + "".join(map(_literal, tail)))


def _integer_part(digits: str, tokens: list[str], grouped: bool) -> str:
    """The whole number's digits into the integer placeholders, from the right; digits beyond the
    placeholders go before the first one, literals between placeholders stay where they are."""
    out: list[str] = []
    remaining = digits
    count = sum(t in ("0", "#", "?") for t in tokens)
    seen = 0
    for token in reversed(tokens):
        if token in ("0", "#", "?"):
            seen += 1
            if seen == count:  # the first placeholder takes every digit left
                out.append(remaining or {"0": "0", "#": "", "?": " "}[token])
                remaining = ""
            elif remaining:
                out.append(remaining[-1])
                remaining = remaining[:-1]
            else:
                out.append({"0": "0", "#": "", "?": " "}[token])
        else:
            out.append(_literal(token))
    text = "".join(reversed(out))
    if grouped and text.isdigit():
        text = f"{int(text):,}".replace(",", GROUP) if text else text
    return text


def _fraction_part(digits: str, tokens: list[str]) -> str:
    """The decimals into their placeholders: ``0`` always shown, ``#`` and ``?`` trailing zeros
    dropped (``?`` as a space); the decimal comma only when a decimal is shown."""
    if not tokens:
        return ""
    shown = list(digits)
    kinds = [t for t in tokens if t in ("0", "#", "?")]
    for i in range(len(shown) - 1, -1, -1):
        if shown[i] == "0" and kinds[i] != "0":
            shown[i] = " " if kinds[i] == "?" else ""
        else:
            break
    text = "".join(shown).rstrip()
    return DECIMAL + text if text or "0" in kinds else ""


def show_date(value: datetime.date, number_format: str | None) -> str:
    """A date as a sheet shows it: by the cell's number format (``dd/mm/yyyy``, ``mm/yyyy``, ``yyyy``
    …), the built-in short date as day/month/year; a format that names months or days in English
    (``d-mmm-yy``) as day/month/year too. A time of midnight is not shown."""
    section = (number_format or "").split(";")[0]
    tokens = _DATE_TOKEN.findall(section)
    kinds = [t.lower() for t in tokens]
    if (section.strip().lower() in _SHORT_DATE or any(k in ("mmm", "mmmm", "mmmmm", "ddd", "dddd") for k in kinds)
            or not any(k in ("yyyy", "yy", "mm", "m", "dd", "d") for k in kinds)):
        tokens = _DATE_TOKEN.findall("dd/mm/yyyy")
        kinds = [t.lower() for t in tokens]
    moment = value if isinstance(value, datetime.datetime) else datetime.datetime.combine(value, datetime.time())
    if moment.time() == datetime.time():  # a date typed without a time: the format's time part is left out
        cut = next((i for i, k in enumerate(kinds) if k in _TIME), len(kinds))
        while cut and not kinds[cut - 1][0].isalnum():
            cut -= 1
        tokens, kinds = tokens[:cut], kinds[:cut]
    twelve = any(k in ("am/pm", "a/p") for k in kinds)
    out, minutes = [], False
    for token, kind in zip(tokens, kinds):
        if kind in ("h", "hh"):
            hour = (moment.hour % 12 or 12) if twelve else moment.hour
            out.append(f"{hour:02d}" if kind == "hh" else str(hour))
            minutes = True
        elif kind in ("m", "mm") and minutes:
            out.append(f"{moment.minute:02d}" if kind == "mm" else str(moment.minute))
            minutes = False
        elif kind in ("s", "ss"):
            out.append(f"{moment.second:02d}" if kind == "ss" else str(moment.second))
        elif kind in ("am/pm", "a/p"):
            out.append("SA" if moment.hour < 12 else "CH")  # sáng / chiều
        else:
            out.append({"yyyy": f"{moment.year:04d}", "yy": f"{moment.year % 100:02d}", "mm": f"{moment.month:02d}",
                        "m": str(moment.month), "dd": f"{moment.day:02d}", "d": str(moment.day)}.get(kind)
                       or _literal(token))
    return "".join(out).strip()


def _literal(token: str) -> str:
    """What a format token other than a date part or a digit shows: quoted text, an escaped
    character, a space for ``_x``; a currency's symbol for ``[$₫-42A]``; nothing for other
    ``[…]`` (a colour or a locale), for ``*x`` and for ``@``."""
    if token.startswith('"'):
        return token[1:].rstrip('"') if len(token) > 1 else ""
    if token.startswith("\\"):
        return token[1:]
    if token.startswith("_"):
        return " "
    if token.startswith("[$"):
        return token[2:].rstrip("]").split("-")[0]
    if token.startswith(("[", "*")) or token == "@":
        return ""
    return token
