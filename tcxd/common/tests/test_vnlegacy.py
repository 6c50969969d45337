"""Legacy Vietnamese encodings (TCVN3, VNI Windows) to Unicode: tables, conversion, detection."""

import unicodedata

import pytest

from tcxd.common.vnlegacy import (
    ASCII,
    TCVN3,
    TCVN3_TO_UNICODE,
    UNICODE,
    VNI,
    VNI_TO_UNICODE,
    detect,
    is_tcvn3_upper_font,
    is_vietnamese_syllable,
    tcvn3_to_unicode,
    to_unicode,
    vni_to_unicode,
)

# --- the Vietnamese alphabet, built from combining marks (independently of the module's tables) ------
TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]  # none, sắc, huyền, hỏi, ngã, nặng
VOWELS = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]
CONSONANTS = "bcdđghklmnpqrstvx"
LOWER = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES] + list(CONSONANTS)
UPPER = [ch.upper() for ch in LOWER]
UNTONED_CAPITALS = "ĂÂÊÔƠƯĐ"  # the only capitals TCVN3 has


def test_alphabet_is_complete():
    assert len(LOWER) == 12 * 6 + 17 == len(set(LOWER))
    assert all(len(ch) == 1 for ch in LOWER + UPPER)
    assert "ự" in LOWER and "Ỵ" in UPPER and "Đ" in UPPER


# --- tables against a second transcription of their sources -----------------------------------------
# GNU libiconv lib/tcvn.h, tcvn_2uni_2[0x20:] (bytes 0xA0-0xFF of TCVN 5712 VN1).
LIBICONV_TCVN_A0_FF = [
    0x00A0, 0x0102, 0x00C2, 0x00CA, 0x00D4, 0x01A0, 0x01AF, 0x0110, 0x0103, 0x00E2, 0x00EA, 0x00F4, 0x01A1, 0x01B0,
    0x0111, 0x1EB0, 0x0300, 0x0309, 0x0303, 0x0301, 0x0323, 0x00E0, 0x1EA3, 0x00E3, 0x00E1, 0x1EA1, 0x1EB2, 0x1EB1,
    0x1EB3, 0x1EB5, 0x1EAF, 0x1EB4, 0x1EAE, 0x1EA6, 0x1EA8, 0x1EAA, 0x1EA4, 0x1EC0, 0x1EB7, 0x1EA7, 0x1EA9, 0x1EAB,
    0x1EA5, 0x1EAD, 0x00E8, 0x1EC2, 0x1EBB, 0x1EBD, 0x00E9, 0x1EB9, 0x1EC1, 0x1EC3, 0x1EC5, 0x1EBF, 0x1EC7, 0x00EC,
    0x1EC9, 0x1EC4, 0x1EBE, 0x1ED2, 0x0129, 0x00ED, 0x1ECB, 0x00F2, 0x1ED4, 0x1ECF, 0x00F5, 0x00F3, 0x1ECD, 0x1ED3,
    0x1ED5, 0x1ED7, 0x1ED1, 0x1ED9, 0x1EDD, 0x1EDF, 0x1EE1, 0x1EDB, 0x1EE3, 0x00F9, 0x1ED6, 0x1EE7, 0x0169, 0x00FA,
    0x1EE5, 0x1EEB, 0x1EED, 0x1EEF, 0x1EE9, 0x1EF1, 0x1EF3, 0x1EF7, 0x1EF9, 0x00FD, 0x1EF5, 0x1ED0,
]


def test_tcvn3_table_matches_libiconv():
    # TCVN3 (VN3) is the part of VN1 made of the seven untoned capitals at 0xA1-0xA7 and the lower case.
    expected = {}
    for byte, code in enumerate(LIBICONV_TCVN_A0_FF, start=0xA0):
        if byte >= 0xA1 and (chr(code).islower() or byte <= 0xA7):
            expected[chr(byte)] = chr(code)
    assert TCVN3_TO_UNICODE == expected
    assert len(TCVN3_TO_UNICODE) == 74


def test_tcvn3_table_covers_the_lower_case_alphabet():
    assert sorted(TCVN3_TO_UNICODE.values()) == sorted(
        [ch for ch in LOWER if not ch.isascii()] + list(UNTONED_CAPITALS)
    )
    assert all(0xA1 <= ord(k) <= 0xFE for k in TCVN3_TO_UNICODE)


# UniKey / VnConv ukengine/data.cpp, DoubleByteTables "VNI-WIN": per vowel, upper/lower pairs for no tone,
# sắc, huyền, hỏi, ngã, nặng; a word is base byte | mark byte << 8.
UNIKEY_VNI_WIN = {
    "a": [0x0041, 0x0061, 0xD941, 0xF961, 0xD841, 0xF861, 0xDB41, 0xFB61, 0xD541, 0xF561, 0xCF41, 0xEF61],
    "â": [0xC241, 0xE261, 0xC141, 0xE161, 0xC041, 0xE061, 0xC541, 0xE561, 0xC341, 0xE361, 0xC441, 0xE461],
    "ă": [0xCA41, 0xEA61, 0xC941, 0xE961, 0xC841, 0xE861, 0xDA41, 0xFA61, 0xDC41, 0xFC61, 0xCB41, 0xEB61],
    "e": [0x0045, 0x0065, 0xD945, 0xF965, 0xD845, 0xF865, 0xDB45, 0xFB65, 0xD545, 0xF565, 0xCF45, 0xEF65],
    "ê": [0xC245, 0xE265, 0xC145, 0xE165, 0xC045, 0xE065, 0xC545, 0xE565, 0xC345, 0xE365, 0xC445, 0xE465],
    "i": [0x0049, 0x0069, 0x00CD, 0x00ED, 0x00CC, 0x00EC, 0x00C6, 0x00E6, 0x00D3, 0x00F3, 0x00D2, 0x00F2],
    "o": [0x004F, 0x006F, 0xD94F, 0xF96F, 0xD84F, 0xF86F, 0xDB4F, 0xFB6F, 0xD54F, 0xF56F, 0xCF4F, 0xEF6F],
    "ô": [0xC24F, 0xE26F, 0xC14F, 0xE16F, 0xC04F, 0xE06F, 0xC54F, 0xE56F, 0xC34F, 0xE36F, 0xC44F, 0xE46F],
    "ơ": [0x00D4, 0x00F4, 0xD9D4, 0xF9F4, 0xD8D4, 0xF8F4, 0xDBD4, 0xFBF4, 0xD5D4, 0xF5F4, 0xCFD4, 0xEFF4],
    "u": [0x0055, 0x0075, 0xD955, 0xF975, 0xD855, 0xF875, 0xDB55, 0xFB75, 0xD555, 0xF575, 0xCF55, 0xEF75],
    "ư": [0x00D6, 0x00F6, 0xD9D6, 0xF9F6, 0xD8D6, 0xF8F6, 0xDBD6, 0xFBF6, 0xD5D6, 0xF5F6, 0xCFD6, 0xEFF6],
    "y": [0x0059, 0x0079, 0xD959, 0xF979, 0xD859, 0xF879, 0xDB59, 0xFB79, 0xD559, 0xF579, 0x00CE, 0x00EE],
    "đ": [0x00D1, 0x00F1],
}


def test_vni_table_matches_unikey():
    expected = {}
    for base, words in UNIKEY_VNI_WIN.items():
        if base == "đ":
            forms = ["Đ", "đ"]
        else:
            forms = [case(unicodedata.normalize("NFC", base + t)) for t in TONES for case in (str.upper, str.lower)]
        for word, uni in zip(words, forms, strict=True):
            seq = chr(word & 0xFF) + (chr(word >> 8) if word >> 8 else "")
            if not seq.isascii():
                expected[seq] = uni
    assert VNI_TO_UNICODE == expected
    assert len(VNI_TO_UNICODE) == 134


# --- round trips over the whole alphabet --------------------------------------------------------------
TCVN3_FROM_UNICODE = {v: k for k, v in TCVN3_TO_UNICODE.items()}
VNI_FROM_UNICODE = {v: k for k, v in VNI_TO_UNICODE.items()}


def encode_tcvn3(text: str) -> str:
    """Unicode -> TCVN3 for the lower-case font (no capital with a tone mark in TCVN3)."""
    return "".join(TCVN3_FROM_UNICODE.get(ch, ch) for ch in text)


def encode_vni(text: str) -> str:
    return "".join(VNI_FROM_UNICODE.get(ch, ch) for ch in text)


@pytest.mark.parametrize("letter", LOWER)
def test_tcvn3_round_trip_lower_case(letter):
    legacy = encode_tcvn3(letter)
    assert legacy.isascii() == letter.isascii()
    assert tcvn3_to_unicode(legacy) == letter


@pytest.mark.parametrize("letter", UPPER)
def test_tcvn3_round_trip_upper_case_font(letter):
    # .VnTimeH: the lower-case code of the letter, shown as a capital.
    assert tcvn3_to_unicode(encode_tcvn3(letter.lower()), upper_font=True) == letter


@pytest.mark.parametrize("letter", UNTONED_CAPITALS)
def test_tcvn3_untoned_capitals_in_the_lower_case_font(letter):
    assert tcvn3_to_unicode(encode_tcvn3(letter)) == letter


@pytest.mark.parametrize("letter", LOWER + UPPER)
def test_vni_round_trip(letter):
    legacy = encode_vni(letter)
    assert legacy.isascii() == letter.isascii()
    assert vni_to_unicode(legacy) == letter


def test_whole_alphabet_round_trips():
    lower, upper = " ".join(LOWER), " ".join(UPPER)
    assert tcvn3_to_unicode(encode_tcvn3(lower)) == lower
    assert tcvn3_to_unicode(encode_tcvn3(lower), upper_font=True) == upper
    assert vni_to_unicode(encode_vni(lower)) == lower
    assert vni_to_unicode(encode_vni(upper)) == upper
    assert vni_to_unicode(encode_vni(lower + upper)) == lower + upper


# --- known samples, written out in their legacy form ----------------------------------------------------
# "\xad" is the TCVN3 ư (a soft hyphen in Latin-1, invisible, hence escaped).
TCVN3_SAMPLES = [
    ("§¶ng Céng s¶n ViÖt Nam", "Đảng Cộng sản Việt Nam"),
    ("NguyÔn ThÞ H\xad¬ng", "Nguyễn Thị Hương"),
    ("Ban Tæ chøc Trung \xad¬ng", "Ban Tổ chức Trung ương"),
    ("QuyÕt ®Þnh kÕt n¹p ®¶ng viªn", "Quyết định kết nạp đảng viên"),
    ("Tr\xad¬ng V¨n Bµi, x· Hoµ B×nh, huyÖn Th\xad¬ng TÝn", "Trương Văn Bài, xã Hoà Bình, huyện Thương Tín"),
    ("Ng\xadêi ®Ò nghÞ: ¤ng Ph¹m Quang Kh¶i", "Người đề nghị: Ông Phạm Quang Khải"),
]
TCVN3_UPPER_FONT_SAMPLES = [
    ("céng hßa x· héi chñ nghÜa viÖt nam", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("§éc lËp - Tù do - H¹nh phóc", "ĐỘC LẬP - TỰ DO - HẠNH PHÚC"),
    ("ban chÊp hµnh trung \xad¬ng", "BAN CHẤP HÀNH TRUNG ƯƠNG"),
]
VNI_SAMPLES = [
    ("Ñaûng Coäng saûn Vieät Nam", "Đảng Cộng sản Việt Nam"),
    ("Nguyeãn Thò Höông", "Nguyễn Thị Hương"),
    ("Ban Toå chöùc Trung öông", "Ban Tổ chức Trung ương"),
    ("Quyeát ñònh keát naïp ñaûng vieân", "Quyết định kết nạp đảng viên"),
    ("ÑAÛNG COÄNG SAÛN VIEÄT NAM", "ĐẢNG CỘNG SẢN VIỆT NAM"),
    ("Ngöôøi ñeà nghò: OÂng Phaïm Quang Khaûi", "Người đề nghị: Ông Phạm Quang Khải"),
    ("Tröông Vaên Baøi, xaõ Hoøa Bình, huyeän Thöôøng Tín", "Trương Văn Bài, xã Hòa Bình, huyện Thường Tín"),
]


@pytest.mark.parametrize(("legacy", "expected"), TCVN3_SAMPLES)
def test_tcvn3_samples(legacy, expected):
    assert tcvn3_to_unicode(legacy) == expected
    assert detect(legacy) == TCVN3
    assert to_unicode(legacy) == (expected, TCVN3)


@pytest.mark.parametrize(("legacy", "expected"), TCVN3_UPPER_FONT_SAMPLES)
def test_tcvn3_upper_font_samples(legacy, expected):
    assert tcvn3_to_unicode(legacy, upper_font=True) == expected
    assert detect(legacy) == TCVN3
    assert to_unicode(legacy, upper_font=True) == (expected, TCVN3)
    converted, encoding = to_unicode(legacy)  # without the font: lower case but for the untoned capitals
    assert (converted.lower(), encoding) == (expected.lower(), TCVN3)


@pytest.mark.parametrize(("legacy", "expected"), VNI_SAMPLES)
def test_vni_samples(legacy, expected):
    assert vni_to_unicode(legacy) == expected
    assert detect(legacy) == VNI
    assert to_unicode(legacy) == (expected, VNI)


def test_vni_accepts_a_mark_of_the_other_case():
    assert vni_to_unicode("Aù Vieät VIEÄT VIEät Ôø") == "Á Việt VIỆT VIỆt Ờ"


def test_text_read_as_latin1_c1_controls_become_windows_1252_symbols():
    # Bytes 0x93/0x94/0x96 read as Latin-1 are C1 controls; Windows-1252 (and the legacy fonts) show “ ” –.
    tcvn3 = "\x93§¶ng\x94 \x96 ViÖt Nam"
    assert detect(tcvn3) == TCVN3
    assert tcvn3_to_unicode(tcvn3) == "“Đảng” – Việt Nam"
    assert vni_to_unicode("\x93Ñaûng\x94") == "“Đảng”"


# --- NFC ---------------------------------------------------------------------------------------------------
def test_output_is_nfc():
    samples = [x for x, _ in TCVN3_SAMPLES + TCVN3_UPPER_FONT_SAMPLES + VNI_SAMPLES]
    outputs = [tcvn3_to_unicode(s) for s in samples] + [vni_to_unicode(s) for s in samples]
    outputs += [to_unicode(s)[0] for s in samples]
    outputs += [tcvn3_to_unicode(encode_tcvn3(" ".join(LOWER)), upper_font=True)]
    outputs += [vni_to_unicode(encode_vni(" ".join(LOWER + UPPER)))]
    assert all(unicodedata.is_normalized("NFC", out) for out in outputs)


def test_decomposed_unicode_is_detected_and_composed():
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hương")
    assert nfd != "Nguyễn Thị Hương"
    assert detect(nfd) == UNICODE
    assert to_unicode(nfd) == ("Nguyễn Thị Hương", UNICODE)


# --- detection ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Đảng Cộng sản Việt Nam",
        "Nguyễn Thị Hương",
        "Ban Tổ chức Trung ương",
        "Quyết định kết nạp đảng viên",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        # Vietnamese with Latin-1 letters only: valid as it is, so never taken for legacy
        "Tôi là Hà",
        "Lâm Thu Bé",
        "Lê Thanh Tú",
        "Hoàng Minh Chí",
        # other languages
        "Café",
        "Café Trung Nguyên",
        "Müller résumé naïve São Paulo Zürich",
        "Señor José, El Niño",
        "Je ne sais pas où il est",
        "Hello – “world”",
        "Ủy ban nhân dân 東京",
    ],
)
def test_detect_unicode(text):
    assert detect(text) == UNICODE
    assert to_unicode(text) == (text, UNICODE)


@pytest.mark.parametrize("text", ["", "Hello world", "Nguyen Van An, 12/3/1985", "Dang Cong san Viet Nam\n"])
def test_detect_ascii(text):
    assert detect(text) == ASCII
    assert to_unicode(text) == (text, ASCII)


@pytest.mark.parametrize(
    ("legacy", "encoding"),
    [
        ("§oµn Gia Phó", TCVN3),
        ("Mai ChÝ Sinh", TCVN3),
        ("§¶ng bé UBND TP HCM", TCVN3),
        ("Chi bé x· Yªn Phó, huyÖn ý Yªn", TCVN3),
        ("Leâ Thò Nga", VNI),
        ("Cao Coâng Giao", VNI),
        ("Phan Quang Höng", VNI),
        ("Chi boä xaõ Yeân Phuù", VNI),
    ],
)
def test_detect_short_legacy_cells(legacy, encoding):
    assert detect(legacy) == encoding


def test_ambiguous_cell_is_left_as_unicode_unless_the_encoding_is_given():
    # "Thò" is a Vietnamese word, and VNI for "Thị": alone, the cell is not converted ...
    assert detect("Phan Thò Loan") == UNICODE
    assert to_unicode("Phan Thò Loan") == ("Phan Thò Loan", UNICODE)
    # ... but the column it comes from is plainly VNI, and the import can pass that on.
    column = ["Phan Thò Loan", "Nguyeãn Vaên An", "Traàn Thò Mai", "Leâ Quang Huøng", "Phaïm Ñöùc Thaéng"]
    assert detect("\n".join(column)) == VNI
    assert to_unicode("Phan Thò Loan", encoding=VNI) == ("Phan Thị Loan", VNI)
    assert to_unicode("Chu Thanh Nô", encoding=TCVN3) == ("Chu Thanh Nụ", TCVN3)


def test_encoding_hint_does_not_touch_text_that_cannot_be_legacy():
    assert to_unicode("Đảng Cộng sản", encoding=TCVN3) == ("Đảng Cộng sản", UNICODE)
    assert to_unicode("Nguyen Van An", encoding=VNI) == ("Nguyen Van An", ASCII)
    with pytest.raises(ValueError):
        to_unicode("§¶ng", encoding="viscii")


# --- helpers ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "word",
    ["a", "nghiêng", "Người", "quỳnh", "QUỐC", "giữa", "gì", "khuỷu", "ngoẹo", "hoà", "hòa", "thuỷ", "thủy",
     "kết", "ếch", "yêu", "uống", "thuở", "ông", "kẻ", "Đảng"],
)
def test_vietnamese_syllables(word):
    assert is_vietnamese_syllable(word)
    assert is_vietnamese_syllable(unicodedata.normalize("NFD", word))


@pytest.mark.parametrize(
    "word",
    ["", "café", "ñinh", "leõ", "céng", "ce", "ka", "ngi", "ge", "tap", "tàp", "hóà", "ChÝ", "ViÖt", "§¶ng",
     "Müller", "world", "qoa"],
)
def test_not_vietnamese_syllables(word):
    assert not is_vietnamese_syllable(word)


def test_is_tcvn3_upper_font():
    assert is_tcvn3_upper_font(".VnTimeH")
    assert is_tcvn3_upper_font(" .VnArial NarrowH ")
    assert not is_tcvn3_upper_font(".VnTime")
    assert not is_tcvn3_upper_font("VNI-Times")
    assert not is_tcvn3_upper_font("Times New Roman")
    assert not is_tcvn3_upper_font(None)
