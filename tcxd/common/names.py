"""Deterministic Vietnamese person names for fake data, in "Họ đệm tên" order (engineering.md 2.9).

Faker ``vi_VN`` uses Western order, honorifics and tiny name lists, so we generate our own:
weighted surnames, gendered middle names (sometimes two) and several hundred given names per sex.
Pure Python; all randomness comes from one ``random.Random(seed)``.

>>> NameGenerator(7).person(sex=FEMALE).full.split()[0] in SURNAMES
True
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

MALE = "M"
FEMALE = "F"

# Surname shares in percent. The 14 common ones follow the usual survey figures; the rarer ones
# share the remaining ~11.5 %.
SURNAMES: dict[str, float] = {
    "Nguyễn": 38.0, "Trần": 11.0, "Lê": 9.5, "Phạm": 7.0, "Hoàng": 3.1, "Huỳnh": 1.9, "Phan": 4.5,
    "Vũ": 2.2, "Võ": 1.7, "Đặng": 2.1, "Bùi": 2.0, "Đỗ": 1.4, "Hồ": 1.3, "Ngô": 1.3, "Dương": 1.0,
    "Lý": 0.5,
    "Đinh": 0.9, "Trương": 0.8, "Đào": 0.8, "Mai": 0.7, "Trịnh": 0.7, "Đoàn": 0.7, "Lâm": 0.6,
    "Cao": 0.6, "Hà": 0.6, "Lương": 0.5, "Tô": 0.4, "Nông": 0.4, "Lưu": 0.4, "Chu": 0.35, "Tạ": 0.35,
    "Phùng": 0.3, "Vương": 0.3, "Thái": 0.3, "Kiều": 0.25, "Lại": 0.25, "Quách": 0.2, "Triệu": 0.2,
    "Lò": 0.2, "Mạc": 0.15, "Hứa": 0.15, "Khúc": 0.1, "La": 0.1,
}

# Middle names with weights. "Văn"/"Thị" dominate, most strongly among older generations.
MIDDLE_MALE: dict[str, float] = {
    "Văn": 38, "Đức": 8, "Minh": 7, "Quang": 5, "Hữu": 5, "Công": 4, "Thành": 3, "Xuân": 3, "Đình": 4,
    "Ngọc": 3, "Mạnh": 2, "Anh": 2, "Tuấn": 2, "Hoàng": 2, "Quốc": 3, "Trọng": 2, "Thanh": 3, "Bá": 1.5,
    "Duy": 2, "Tiến": 1.5, "Viết": 1, "Huy": 1.5, "Gia": 1, "Thế": 1.5, "Khắc": 1, "Trung": 1, "Hải": 1,
    "Việt": 1, "Đăng": 1, "Kim": 0.5, "Hồng": 1, "Chí": 1, "Phúc": 0.5, "Nhật": 0.5, "Bảo": 0.5,
}
MIDDLE_FEMALE: dict[str, float] = {
    "Thị": 58, "Ngọc": 6, "Thu": 5, "Thanh": 5, "Thúy": 2, "Kim": 3, "Minh": 3, "Hồng": 3, "Phương": 2,
    "Bích": 2, "Mai": 1.5, "Thùy": 2, "Diệu": 1, "Khánh": 1, "Bảo": 1, "Quỳnh": 1, "Hoài": 1, "Tuyết": 1,
    "Lan": 0.5, "Hải": 1, "Mỹ": 1, "Cẩm": 0.5, "Xuân": 1, "Ánh": 0.5, "Hoàng": 0.5, "Diễm": 0.5,
}
# Second middle name when there are two ("Nguyễn Thị Thu Hà", "Trần Văn Minh Tuấn").
SECOND_MIDDLE_MALE = ("Minh", "Quang", "Đức", "Anh", "Hoàng", "Gia", "Tuấn", "Thanh", "Ngọc", "Hữu", "Quốc")
SECOND_MIDDLE_FEMALE = (
    "Thu", "Ngọc", "Minh", "Kim", "Thanh", "Bích", "Hồng", "Mai", "Phương", "Diệu", "Thùy",
)
TWO_MIDDLE_SHARE = 0.12

# Given names, roughly most common first (the first COMMON of each list are drawn 3x as often).
GIVEN_MALE: tuple[str, ...] = tuple(dict.fromkeys("""
Hùng Dũng Tuấn Minh Hải Long Nam Sơn Thắng Cường Hưng Quang Thành Trung Hiếu Đức Huy Khánh Tùng Phong
Bình Tâm Việt Hoàng Anh Hòa Lâm Vinh Phúc Quân Hào Hiệp Toàn Thịnh Tiến Kiên Đạt Duy Lợi Chiến
An Ân Bách Bảo Bằng Biên Cảnh Chánh Châu Chinh Chính Chung Công Cương Danh Doanh Du Duẩn Dụng
Duyệt Dương Đại Đàm Đan Đạo Điền Điệp Định Đoàn Độ Đông Đồng Được Giang Giao Giáp Hà Hạnh Hảo
Hậu Hiền Hiển Hiến Hinh Hoài Hoan Hoàn Hoạt Học Hội Hợi Hợp Huân Huấn Hướng Hữu Huynh Kha Khải
Khang Khanh Khiêm Khoa Khôi Khuê Kiệt Kỳ Lạc Lai Lân Lập Liêm Linh Lịch Lộc Luân Luận Lực Lương
Lượng Mạnh Mừng Nghị Nghĩa Ngọc Nguyên Nhân Nhật Ninh Phát Phi Phú Phụng Phước Phương Quế Quốc
Quý Quyền Quyết Sang Sáng Sinh Sỹ Tài Tân Tấn Thạch Thái Thanh Thao Thạo Thế Thiện Thọ Thông
Thuận Thức Thường Tiệp Tín Tình Toản Tới Trí Triều Triết Trọng Trực Trường Tú Tuệ Tuyên Tuyền Tư
Tường Uy Vận Viên Viễn Vĩnh Vũ Vương Vượng Xuân Yên Bắc Chương Diệp Đăng Hàn Hoành Kế Kính Lãm
Lễ Lưu Mẫn Nhuận Phục Quảng San Sĩ Song Sửu Tạo Tập Thân Thiêm Thiết Thìn Thống Thụ Tính Toại
Tráng Triển Trình Tuân Tuất Tước Ước Vỹ Đô Cần Khương Luyện Nhượng Quyết Sâm Thuyết
""".split()))
GIVEN_FEMALE: tuple[str, ...] = tuple(dict.fromkeys("""
Hương Lan Hà Linh Trang Hằng Thảo Hoa Nga Mai Huyền Phương Thủy Dung Ngọc Anh Yến Nhung Hạnh Loan
Thúy Vân Hiền Oanh Liên Quỳnh Châu Giang Thu Tuyết Huệ Hồng Nhàn Ly Trinh Vy Nhi Uyên Duyên Tâm
An Ánh Ban Bảo Bích Bình Cầm Châm Chang Chi Chinh Cúc Dạ Diễm Diệp Diệu Dịu Dương Đài Đan Đào
Điệp Đoan Gấm Giao Hạ Hải Hảo Hân Hậu Hiên Hiếu Hòa Hoài Hoan Huế Hường Khánh Khanh Khuê Kiều
Kim Lam Liễu Lụa Lựu Lý Mận Miên Minh My Mỹ Ngà Ngân Nghi Nguyệt Nhã Như Nương Phấn Phượng Quế
Quý Quyên Sa Sương Thắm Thanh Thêu Thi Thơ Thoa Thơm Thùy Thư Thương Thường Thục Thuận Thuần Tiên
Tình Trà Trâm Trân Trúc Tú Tuyền Tươi Vi Viên Việt Vinh Vui Xoan Xuân Ý Yên Ngát Hợp Lành Lệ
Luyến Lài Mơ Mừng Na Năm Nết Nụ Phúc Quyến Sen Son Sinh Tám Thìn Thịnh Thỏa Thiềm Tính Tuyến Út
Vàng Vẻ Xinh Xuyến Đông Giáng Hội Hợi Huyên Lâm Mây Ngoan Nhạn Nhiên Nhị Nhuần Ninh Phụng San
Sáu Thêm Thiện Thuyên Tiến Trầm Tuệ Tư Tường Uyển Bông Cẩm Chúc Hoàn Khuyên Lợi Nguyên
Nhâm Sim Xuyên Mến Ngần Ngọ Quyền Bé Tơ Chuyên Hòe Nhài Đẹp Phi Thiên Tố Lương Mùi Dần
""".split()))
COMMON = 40


@dataclass(frozen=True, slots=True)
class PersonName:
    surname: str
    middle: str  # one or two words
    given: str
    full: str
    sex: str  # MALE or FEMALE


class _Pool:
    """Weighted choice: one ``random()`` and a bisect over precomputed cumulative weights."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, weighted: dict[str, float] | Sequence[str]) -> None:
        if isinstance(weighted, dict):
            self.items = tuple(weighted)
            weights = list(weighted.values())
        else:
            self.items = tuple(weighted)
            weights = [3.0 if i < COMMON else 1.0 for i in range(len(self.items))]
        self.cum = tuple(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> str:
        return self.items[bisect.bisect(self.cum, rng.random() * self.total)]


_SURNAMES = _Pool(SURNAMES)
_MIDDLE = {MALE: _Pool(MIDDLE_MALE), FEMALE: _Pool(MIDDLE_FEMALE)}
_SECOND = {MALE: SECOND_MIDDLE_MALE, FEMALE: SECOND_MIDDLE_FEMALE}
_GIVEN = {MALE: _Pool(GIVEN_MALE), FEMALE: _Pool(GIVEN_FEMALE)}


class NameGenerator:
    """``NameGenerator(seed).person()`` -> PersonName; the same seed gives the same sequence."""

    def __init__(self, seed: int | str | None = 0, *, female_share: float = 0.5) -> None:
        self.rng = random.Random(seed)
        self.female_share = female_share

    def person(self, sex: str | None = None) -> PersonName:
        rng = self.rng
        if sex is None:
            sex = FEMALE if rng.random() < self.female_share else MALE
        elif sex not in (MALE, FEMALE):
            raise ValueError(f"sex must be {MALE!r} or {FEMALE!r}, not {sex!r}")
        surname = _SURNAMES.pick(rng)
        middle = [_MIDDLE[sex].pick(rng)]
        if rng.random() < TWO_MIDDLE_SHARE:
            second = rng.choice(_SECOND[sex])
            if second != middle[0]:
                middle.append(second)
        given = _GIVEN[sex].pick(rng)
        while given in middle:
            given = _GIVEN[sex].pick(rng)
        mid = " ".join(middle)
        return PersonName(surname, mid, given, f"{surname} {mid} {given}", sex)

    def people(self, n: int, sex: str | None = None) -> Iterator[PersonName]:
        for _ in range(n):
            yield self.person(sex)
