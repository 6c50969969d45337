"""The decision documents filled from a member's record (văn bản theo mẫu), and which event each is about."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from tcxd.rules.pure.membership import EventKind as K


class DocumentKind(models.TextChoices):
    ADMISSION = "ket_nap", "Quyết định kết nạp đảng viên"
    RECOGNITION = "chinh_thuc", "Quyết định công nhận đảng viên chính thức"
    TRANSFER = "gioi_thieu", "Giấy giới thiệu sinh hoạt đảng (chính thức)"
    TEMP_TRANSFER = "gioi_thieu_tam_thoi", "Giấy giới thiệu sinh hoạt đảng tạm thời"
    BADGE = "huy_hieu", "Quyết định tặng Huy hiệu Đảng"


@dataclass(frozen=True)
class KindSpec:
    events: tuple[str, ...]  # the member events the document is about (the latest one by default)
    short: str  # the button's label
    file_stem: str  # the downloaded file's name, before "-<member id>.docx"
    needs: str  # what is missing when the member has no such event


SPECS: dict[str, KindSpec] = {
    DocumentKind.ADMISSION: KindSpec((K.ADMISSION_DECISION, K.READMISSION_DECISION), "QĐ kết nạp",
                                     "quyet-dinh-ket-nap", "quyết định kết nạp"),
    DocumentKind.RECOGNITION: KindSpec((K.RECOGNITION,), "QĐ công nhận chính thức",
                                       "quyet-dinh-cong-nhan-chinh-thuc", "quyết định công nhận đảng viên chính thức"),
    DocumentKind.TRANSFER: KindSpec((K.TRANSFER_OUT,), "Giấy giới thiệu", "giay-gioi-thieu-sinh-hoat-dang",
                                    "giới thiệu chuyển sinh hoạt đảng chính thức"),
    DocumentKind.TEMP_TRANSFER: KindSpec((K.TEMP_TRANSFER_OUT,), "Giấy giới thiệu tạm thời",
                                         "giay-gioi-thieu-sinh-hoat-dang-tam-thoi", "chuyển sinh hoạt đảng tạm thời"),
    DocumentKind.BADGE: KindSpec((K.BADGE,), "QĐ tặng Huy hiệu", "quyet-dinh-tang-huy-hieu-dang",
                                 "tặng Huy hiệu Đảng"),
}

KIND_OF_EVENT: dict[str, str] = {event: kind for kind, spec in SPECS.items() for event in spec.events}
