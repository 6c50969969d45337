"""Legacy Vietnamese encodings (TCVN3/ABC and VNI Windows) to Unicode: detection and conversion.

Spreadsheets from the .VnTime era store Vietnamese in 8-bit font encodings. Once such a file has been
read as Windows-1252 (or Latin-1) every legacy byte has become one character, so the text looks like
"§¶ng Céng s¶n ViÖt Nam" (TCVN3) or "Ñaûng Coäng saûn Vieät Nam" (VNI). This module turns such
strings back into NFC Unicode and guesses which encoding a string is in.

Pure Python, no Django imports: the import feature calls ``to_unicode`` per cell and reports the
detected encoding.

* ``tcvn3_to_unicode(text, upper_font=False)``: TCVN3 (TCVN 5712:1993 VN3, "ABC"), fonts .VnTime and,
  with ``upper_font=True``, the all-capitals fonts such as .VnTimeH.
* ``vni_to_unicode(text)``: VNI Windows (VNI-Times ...), base letter followed by mark characters.
* ``detect(text)``: "unicode", "tcvn3", "vni" or "ascii" (a heuristic: which reading of the words
  gives Vietnamese syllables; see its docstring for what stays ambiguous).
* ``to_unicode(text, encoding=None, upper_font=False)``: ``(converted text, encoding)``; ``encoding``
  forces TCVN3 or VNI when the import knows it (cell font, or ``detect`` on the whole column).
* ``is_tcvn3_upper_font(font_name)``: whether a cell font is an all-capitals TCVN3 font.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

__all__ = [
    "ASCII",
    "TCVN3",
    "TCVN3_TO_UNICODE",
    "UNICODE",
    "VNI",
    "VNI_TO_UNICODE",
    "detect",
    "is_tcvn3_upper_font",
    "is_vietnamese_syllable",
    "tcvn3_to_unicode",
    "to_unicode",
    "vni_to_unicode",
]

UNICODE = "unicode"
TCVN3 = "tcvn3"
VNI = "vni"
ASCII = "ascii"

# ---------------------------------------------------------------------------------------------------
# TCVN3 (VSCII-3 / TCVN 5712:1993 VN3, "ABC"), legacy byte (as a Latin-1 character) -> Unicode.
#
# Sources, cross-checked entry by entry (all 74 entries agree in all three):
#   * GNU libiconv, lib/tcvn.h (table tcvn_2uni_2, TCVN 5712 VN1): VN3 is its subset made of the
#     lower-case letters and the seven capitals at 0xA1-0xA7;
#   * UniKey / VnConv (Pham Kim Long), ukengine/data.cpp, SingleByteTables "TCVN3";
#   * hdbd789/clinic, Converter.cs (tcvnchars / unichars arrays).
# TCVN3 has no capital vowel with a tone mark: capitals are written with the lower-case codes in an
# all-capitals font (.VnTimeH, .VnArialH ...); see ``tcvn3_to_unicode(upper_font=True)``.
# 0xA0 is a no-break space in TCVN3 as in Latin-1 and stays as it is.
# ---------------------------------------------------------------------------------------------------
TCVN3_TO_UNICODE: dict[str, str] = {
    # capitals without tone mark (the only capitals of TCVN3) and đ
    "\xa1": "Ă", "\xa2": "Â", "\xa3": "Ê", "\xa4": "Ô", "\xa5": "Ơ", "\xa6": "Ư", "\xa7": "Đ",
    "\xae": "đ",
    # vowels: plain (if not ASCII), sắc, huyền, hỏi, ngã, nặng            # glyphs as read in cp1252
    "\xb8": "á", "\xb5": "à", "\xb6": "ả", "\xb7": "ã", "\xb9": "ạ",  # ¸ µ ¶ · ¹
    "\xa8": "ă", "\xbe": "ắ", "\xbb": "ằ", "\xbc": "ẳ", "\xbd": "ẵ", "\xc6": "ặ",  # ¨ ¾ » ¼ ½ Æ
    "\xa9": "â", "\xca": "ấ", "\xc7": "ầ", "\xc8": "ẩ", "\xc9": "ẫ", "\xcb": "ậ",  # © Ê Ç È É Ë
    "\xd0": "é", "\xcc": "è", "\xce": "ẻ", "\xcf": "ẽ", "\xd1": "ẹ",  # Ð Ì Î Ï Ñ
    "\xaa": "ê", "\xd5": "ế", "\xd2": "ề", "\xd3": "ể", "\xd4": "ễ", "\xd6": "ệ",  # ª Õ Ò Ó Ô Ö
    "\xdd": "í", "\xd7": "ì", "\xd8": "ỉ", "\xdc": "ĩ", "\xde": "ị",  # Ý × Ø Ü Þ
    "\xe3": "ó", "\xdf": "ò", "\xe1": "ỏ", "\xe2": "õ", "\xe4": "ọ",  # ã ß á â ä
    "\xab": "ô", "\xe8": "ố", "\xe5": "ồ", "\xe6": "ổ", "\xe7": "ỗ", "\xe9": "ộ",  # « è å æ ç é
    "\xac": "ơ", "\xed": "ớ", "\xea": "ờ", "\xeb": "ở", "\xec": "ỡ", "\xee": "ợ",  # ¬ í ê ë ì î
    "\xf3": "ú", "\xef": "ù", "\xf1": "ủ", "\xf2": "ũ", "\xf4": "ụ",  # ó ï ñ ò ô
    "\xad": "ư", "\xf8": "ứ", "\xf5": "ừ", "\xf6": "ử", "\xf7": "ữ", "\xf9": "ự",  # (soft hyphen) ø õ ö ÷ ù
    "\xfd": "ý", "\xfa": "ỳ", "\xfb": "ỷ", "\xfc": "ỹ", "\xfe": "ỵ",  # ý ú û ü þ
}

# ---------------------------------------------------------------------------------------------------
# VNI Windows (VNI-Times ...), legacy sequence (bytes as Latin-1 characters) -> Unicode.
#
# A vowel with diacritics is its base letter followed by one mark byte (tone, or circumflex/breve,
# or both at once); ơ, ư, đ, ỉ, ĩ, ị, ỵ (and í, ì, which coincide with Latin-1) are single bytes, and
# ơ/ư take a tone byte after them. Upper-case letters use the upper-case mark bytes.
#
# Sources, cross-checked entry by entry (all 134 entries agree):
#   * UniKey / VnConv (Pham Kim Long), ukengine/data.cpp, DoubleByteTables "VNI-WIN" (low byte = base,
#     high byte = mark);
#   * duydev/vietnamese-conversion, src/charsets.ts, arrays UNICODE / VNI.
# ---------------------------------------------------------------------------------------------------
VNI_TO_UNICODE: dict[str, str] = {
    "Ñ": "Đ", "ñ": "đ", "Ô": "Ơ", "ô": "ơ", "Ö": "Ư", "ö": "ư",
    "AÙ": "Á", "AØ": "À", "AÛ": "Ả", "AÕ": "Ã", "AÏ": "Ạ",
    "aù": "á", "aø": "à", "aû": "ả", "aõ": "ã", "aï": "ạ",
    "AÊ": "Ă", "AÉ": "Ắ", "AÈ": "Ằ", "AÚ": "Ẳ", "AÜ": "Ẵ", "AË": "Ặ",
    "aê": "ă", "aé": "ắ", "aè": "ằ", "aú": "ẳ", "aü": "ẵ", "aë": "ặ",
    "AÂ": "Â", "AÁ": "Ấ", "AÀ": "Ầ", "AÅ": "Ẩ", "AÃ": "Ẫ", "AÄ": "Ậ",
    "aâ": "â", "aá": "ấ", "aà": "ầ", "aå": "ẩ", "aã": "ẫ", "aä": "ậ",
    "EÙ": "É", "EØ": "È", "EÛ": "Ẻ", "EÕ": "Ẽ", "EÏ": "Ẹ",
    "eù": "é", "eø": "è", "eû": "ẻ", "eõ": "ẽ", "eï": "ẹ",
    "EÂ": "Ê", "EÁ": "Ế", "EÀ": "Ề", "EÅ": "Ể", "EÃ": "Ễ", "EÄ": "Ệ",
    "eâ": "ê", "eá": "ế", "eà": "ề", "eå": "ể", "eã": "ễ", "eä": "ệ",
    "Í": "Í", "Ì": "Ì", "Æ": "Ỉ", "Ó": "Ĩ", "Ò": "Ị",
    "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị",
    "OÙ": "Ó", "OØ": "Ò", "OÛ": "Ỏ", "OÕ": "Õ", "OÏ": "Ọ",
    "où": "ó", "oø": "ò", "oû": "ỏ", "oõ": "õ", "oï": "ọ",
    "OÂ": "Ô", "OÁ": "Ố", "OÀ": "Ồ", "OÅ": "Ổ", "OÃ": "Ỗ", "OÄ": "Ộ",
    "oâ": "ô", "oá": "ố", "oà": "ồ", "oå": "ổ", "oã": "ỗ", "oä": "ộ",
    "ÔÙ": "Ớ", "ÔØ": "Ờ", "ÔÛ": "Ở", "ÔÕ": "Ỡ", "ÔÏ": "Ợ",
    "ôù": "ớ", "ôø": "ờ", "ôû": "ở", "ôõ": "ỡ", "ôï": "ợ",
    "UÙ": "Ú", "UØ": "Ù", "UÛ": "Ủ", "UÕ": "Ũ", "UÏ": "Ụ",
    "uù": "ú", "uø": "ù", "uû": "ủ", "uõ": "ũ", "uï": "ụ",
    "ÖÙ": "Ứ", "ÖØ": "Ừ", "ÖÛ": "Ử", "ÖÕ": "Ữ", "ÖÏ": "Ự",
    "öù": "ứ", "öø": "ừ", "öû": "ử", "öõ": "ữ", "öï": "ự",
    "YÙ": "Ý", "YØ": "Ỳ", "YÛ": "Ỷ", "YÕ": "Ỹ", "Î": "Ỵ",
    "yù": "ý", "yø": "ỳ", "yû": "ỷ", "yõ": "ỹ", "î": "ỵ",
}

# Bytes 0x80-0x9F: text read as Latin-1 holds C1 control characters where Windows-1252 has symbols
# (both font families show the Windows-1252 symbols there). Undefined bytes (0x81 ...) are left alone.
_C1_TO_CP1252: dict[int, str] = {}
for _b in range(0x80, 0xA0):
    try:
        _C1_TO_CP1252[_b] = bytes([_b]).decode("cp1252")
    except UnicodeDecodeError:
        pass
del _b
_CP1252_SYMBOLS = frozenset(_C1_TO_CP1252.values())

_TCVN3_TRANS = str.maketrans({**_C1_TO_CP1252, **{ord(k): v for k, v in TCVN3_TO_UNICODE.items()}})


def _vni_lenient_table() -> dict[str, str]:
    """The VNI table plus base letters followed by a mark byte of the other case ("Aù" as well as "AÙ"),
    which some hand-made files contain; the base letter decides the case of the result."""
    table = dict(VNI_TO_UNICODE)
    for seq, uni in VNI_TO_UNICODE.items():
        if len(seq) == 2:
            table.setdefault(seq[0] + seq[1].swapcase(), uni)
    return table


_VNI_TABLE = _vni_lenient_table()
_VNI_RE = re.compile("|".join(re.escape(k) for k in sorted(_VNI_TABLE, key=len, reverse=True)))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _upper(text: str) -> str:
    # Character by character so that the length never changes (str.upper turns "ß" into "SS").
    return "".join(u if len(u := ch.upper()) == 1 else ch for ch in text)


def tcvn3_to_unicode(text: str, upper_font: bool = False) -> str:
    """Convert TCVN3 text (legacy bytes read as Windows-1252/Latin-1 characters) to NFC Unicode.

    With ``upper_font=True`` the text was set in an all-capitals TCVN3 font (.VnTimeH ...), where every
    letter, lower-case codes included, is displayed as a capital: the result is upper-cased.
    """
    out = text.translate(_TCVN3_TRANS)
    if upper_font:
        out = _upper(out)
    return _nfc(out)


def vni_to_unicode(text: str) -> str:
    """Convert VNI Windows text (legacy bytes read as Windows-1252/Latin-1 characters) to NFC Unicode."""
    out = _VNI_RE.sub(lambda m: _VNI_TABLE[m.group()], text.translate(_C1_TO_CP1252))
    return _nfc(out)


def is_tcvn3_upper_font(font_name: str | None) -> bool:
    """True for the all-capitals TCVN3 fonts (.VnTimeH, .VnArialH ...: ".Vn" names ending in "H")."""
    name = (font_name or "").strip()
    return name.lower().startswith(".vn") and name.endswith("H")


# ---------------------------------------------------------------------------------------------------
# Vietnamese syllable check (used to score the candidate readings of a word).
# ---------------------------------------------------------------------------------------------------
_TONE_MARKS = {"\u0300": "huyen", "\u0301": "sac", "\u0303": "nga", "\u0309": "hoi", "\u0323": "nang"}
_LETTERS = frozenset("abcdđeghiklmnopqrstuvxyăâêôơư")  # tone-less Vietnamese letters (no f, j, w, z)
_QUALITY_VOWELS = "ăâêôơư"
_VOWELS = frozenset("aeiouy" + _QUALITY_VOWELS)

_INITIALS = (
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)

# Rhymes (vần) without tone mark. The rare loan rhymes "oong", "ooc" (boong, soóc) are left out: they
# would make the TCVN3 reading of VNI "oâng" ("oõng") look like Vietnamese.
_RHYMES = frozenset(
    """
    a ac ach ai am an ang anh ao ap at au ay
    ăc ăm ăn ăng ăp ăt
    âc âm ân âng âp ât âu ây
    e ec em en eng eo ep et
    ê êch êm ên ênh êp êt êu
    i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
    o oc oi om on ong op ot
    oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oe oem oen oeo oet
    ô ôc ôi ôm ôn ông ôp ôt
    ơ ơi ơm ơn ơp ơt
    u ua uc ui um un ung up ut uy uya uych uyên uyêt uynh uyt uyu
    uân uâng uât uây uê uêch uênh uơ uôc uôi uôm uôn uông uôt
    ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
    y yêm yên yêng yêt yêu
    """.split()
)
# After "qu" the medial u belongs to the initial: quá, quân, quyết, quỳnh, quốc, quở.
_QU_RHYMES = frozenset(r[1:] for r in _RHYMES if r[0] in "ou" and len(r) > 1 and r[1] in _VOWELS)
_CHECKED_FINALS = ("p", "t", "c", "ch")

# Very frequent syllables (general text, party-organisation vocabulary, names): when the TCVN3 and the
# VNI readings give as many syllables ("Löu": TCVN3 "Lửu", VNI "Lưu"), the one with more of these wins.
_COMMON_SYLLABLES = frozenset(
    """
    của và các có được là trong cho không người những với một này đã để đến theo từ về năm thì khi
    ra vào tại trên dưới sau trước cũng như nhiều đó hay hoặc bị bởi cùng mới lại đang sẽ phải làm nhà
    nước việt nam tôi ông bà anh chị em
    đảng viên chi bộ ủy uỷ ban tổ chức cấp huyện tỉnh xã phường thị trấn quận thành phố quyết định kết
    nạp bí thư phó trưởng hội đồng nhân dân công tác cán sinh ngày tháng số họ tên quê quán tộc tôn giáo
    trình độ học chuyên môn chính trị lý luận nghiệp vụ hành
    nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương đinh đào trương văn hữu đức
    thanh minh hồng hương hà hải hùng dũng tuấn lan linh hoa mai phương quang quốc trung tiến thắng
    thảo thủy trang vân xuân yến hiền hạnh sơn hưng lưu tư thư phúc lộc thọ hiếu khánh tùng bình chí
    kiên cường thành lâm mạnh tâm tú ngọc bích thúy nguyệt
    """.split()
)


def _tone_positions(rhyme: str) -> set[int]:
    """Indexes in ``rhyme`` where the tone mark may stand (old and new styles: hoà and hòa)."""
    end = 0
    while end < len(rhyme) and rhyme[end] in _VOWELS:
        end += 1
    cluster = rhyme[:end]
    marked = [i for i, ch in enumerate(cluster) if ch in _QUALITY_VOWELS]
    if marked:
        return {marked[-1]}  # mưa, người, thuế, khuấy
    if end < len(rhyme) or len(cluster) == 1:
        return {end - 1}  # toán, huỳnh; má
    if len(cluster) == 3:
        return {1}  # ngoài, xoáy, khuỷu, ngoẹo
    if cluster in ("oa", "oe", "uy"):
        return {0, 1}  # hoà/hòa, khoẻ/khỏe, thuỷ/thủy
    return {0}  # mái, cháo, cháu, tay, kẻo, kìa, rìu, gói, của, túi


def _spelling_ok(initial: str, rhyme: str) -> bool:
    first = rhyme[0]
    if initial == "c":
        return first not in "eêiy"
    if initial == "k":
        return first in "eêiy"
    if initial in ("gh", "ngh"):
        return first in "eêi"
    if initial == "ng":
        return first not in "eêi"
    if initial == "g":
        return first not in "eê"
    if initial == "gi":
        return first != "i"
    return True


def _letters(word: str) -> tuple[str, str | None, int] | None:
    """Split ``word`` into tone-less NFC letters, its tone and the index of the toned letter;
    None if it holds anything but Vietnamese letters, or a tone mark elsewhere than on one vowel."""
    letters: list[str] = []
    tone: str | None = None
    toned = -1
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONE_MARKS:
            if tone is not None or not letters or letters[-1][0] not in "aeiouy":
                return None
            tone, toned = _TONE_MARKS[ch], len(letters) - 1
        elif unicodedata.combining(ch):
            if not letters:
                return None
            letters[-1] += ch
        else:
            letters.append(ch)
    base = [_nfc(letter) for letter in letters]
    if not base or any(letter not in _LETTERS for letter in base):
        return None
    return "".join(base), tone, toned


def is_vietnamese_syllable(word: str) -> bool:
    """Whether ``word`` (NFC or NFD; lower case, Capitalised or UPPER CASE) is a well-formed Vietnamese
    syllable: initial consonant and rhyme, at most one tone mark, on the vowel that carries it, and
    sắc/nặng on rhymes ending in p, t, c, ch."""
    if any(a.islower() and b.isupper() for a, b in itertools.pairwise(word)):
        return False  # "ChÝ", "NguyÔn": TCVN3 read as Latin-1, not a word
    parsed = _letters(word)
    if parsed is None:
        return False
    base, tone, toned = parsed
    for initial in _INITIALS:
        if not base.startswith(initial):
            continue
        rhyme = base[len(initial) :]
        if not rhyme or not (rhyme in _QU_RHYMES if initial == "qu" else rhyme in _RHYMES):
            continue
        if not _spelling_ok(initial, rhyme):
            continue
        if rhyme.endswith(_CHECKED_FINALS) and tone not in ("sac", "nang"):
            continue
        if tone is not None and toned - len(initial) not in _tone_positions(rhyme):
            continue
        return True
    return False


# ---------------------------------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------------------------------
# A word for scoring: letters of ASCII and of the Latin-1 upper half (legacy letters such as "§", "¶",
# "×" and the soft hyphen are symbols in Latin-1, hence the whole range; 0xA0 is a space).
_WORD_RE = re.compile(r"[A-Za-z\u00a1-\u00ff]+")


def _could_be_legacy(text: str) -> bool:
    """Whether every character of ``text`` can come out of reading a byte as Windows-1252 or Latin-1
    (so not ă, đ, ơ, ư, ạ ..., combining marks or any other script)."""
    return all(ord(ch) < 0x100 or ch in _CP1252_SYMBOLS for ch in text)


def _score(words: list[str]) -> tuple[int, int]:
    """(number of Vietnamese syllables, weight: 1 a syllable, 2 a very frequent one)."""
    valid = [w.lower() for w in words if is_vietnamese_syllable(w)]
    return len(valid), sum(2 if _nfc(w) in _COMMON_SYLLABLES else 1 for w in valid)


def detect(text: str) -> str:
    """Guess the encoding of ``text``: "ascii", "unicode", "tcvn3" or "vni".

    * only ASCII characters: "ascii" (nothing to convert);
    * any character that no Windows-1252/Latin-1 byte yields (ă, đ, ơ, ư, ạ ..., combining marks, any
      other script): "unicode";
    * otherwise every word holding a non-ASCII character is read three ways (as it is, as TCVN3, as
      VNI) and the well-formed Vietnamese syllables of each reading are counted. The better legacy
      reading (more syllables; if equal, more very frequent ones; if still equal, TCVN3) wins only with
      strictly more syllables than the text as it is, for at least half of those words, and with the
      ASCII words makes at least a third of the text Vietnamese. Ties go to "unicode", so "Café",
      "Tôi là Hà", "Lâm Thu Bé", "résumé" or "Je ne sais pas où il est" stay Unicode.

    A short cell can be ambiguous ("Phan Thò Loan" is valid as it is and is VNI for "Phan Thị Loan"):
    detect on a whole column or file (joined text) when possible and pass the result to
    ``to_unicode(cell, encoding=...)``.
    """
    if text.isascii():
        return ASCII
    if not _could_be_legacy(text):
        return UNICODE
    tokens = _WORD_RE.findall(text.translate(_C1_TO_CP1252))
    words = [w for w in tokens if not w.isascii()]
    if not words:
        return UNICODE
    as_is, _ = _score(words)
    tcvn3 = _score([tcvn3_to_unicode(w) for w in words])
    vni = _score([vni_to_unicode(w) for w in words])
    best, (valid, _) = (TCVN3, tcvn3) if tcvn3 >= vni else (VNI, vni)
    # The ASCII words too must look Vietnamese ("où" is VNI for "ó", but not in a French sentence);
    # abbreviations in capitals (UBND, TP) are left out of that count.
    plain = [w for w in tokens if w.isascii() and not w.isupper()]
    plain_valid = sum(is_vietnamese_syllable(w) for w in plain)
    if valid > as_is and 2 * valid >= len(words) and 3 * (valid + plain_valid) >= len(words) + len(plain):
        return best
    return UNICODE


def to_unicode(text: str, encoding: str | None = None, upper_font: bool = False) -> tuple[str, str]:
    """Detect the encoding of ``text`` and convert it: returns ``(NFC Unicode text, encoding used)``.

    ``encoding`` ("tcvn3" or "vni"), when known (the cell's font, or ``detect`` run on the whole column),
    replaces the detection, except for text that cannot be legacy (ASCII, or characters such as ă, ơ, ạ):
    that is returned as "ascii" or "unicode". ``upper_font`` applies to TCVN3 only (a cell set in
    .VnTimeH or another all-capitals font).
    """
    if encoding not in (None, TCVN3, VNI):
        raise ValueError(f"unknown legacy encoding: {encoding!r}")
    if encoding is None or text.isascii() or not _could_be_legacy(text):
        encoding = detect(text)
    if encoding == TCVN3:
        return tcvn3_to_unicode(text, upper_font=upper_font), encoding
    if encoding == VNI:
        return vni_to_unicode(text), encoding
    if encoding == UNICODE:
        return _nfc(text), encoding
    return text, encoding
