"""Code lists of the member dossier (product.md §4, domain G-03). Codes are stable identifiers;
labels are what users read and what statistics print."""

from __future__ import annotations

from django.db import models


class Sex(models.TextChoices):
    MALE = "M", "Nam"
    FEMALE = "F", "Nữ"


class Ethnicity(models.TextChoices):
    """The 54 ethnic groups in the GSO code order (danh mục các dân tộc Việt Nam), plus other."""

    KINH = "01", "Kinh"
    TAY = "02", "Tày"
    THAI = "03", "Thái"
    HOA = "04", "Hoa"
    KHMER = "05", "Khmer"
    MUONG = "06", "Mường"
    NUNG = "07", "Nùng"
    HMONG = "08", "Mông"
    DAO = "09", "Dao"
    GIA_RAI = "10", "Gia Rai"
    NGAI = "11", "Ngái"
    E_DE = "12", "Ê Đê"
    BA_NA = "13", "Ba Na"
    XO_DANG = "14", "Xơ Đăng"
    SAN_CHAY = "15", "Sán Chay"
    CO_HO = "16", "Cơ Ho"
    CHAM = "17", "Chăm"
    SAN_DIU = "18", "Sán Dìu"
    HRE = "19", "Hrê"
    MNONG = "20", "Mnông"
    RA_GLAI = "21", "Ra Glai"
    XTIENG = "22", "Xtiêng"
    BRU_VAN_KIEU = "23", "Bru - Vân Kiều"
    THO = "24", "Thổ"
    GIAY = "25", "Giáy"
    CO_TU = "26", "Cơ Tu"
    GIE_TRIENG = "27", "Giẻ Triêng"
    MA = "28", "Mạ"
    KHO_MU = "29", "Khơ Mú"
    CO = "30", "Co"
    TA_OI = "31", "Tà Ôi"
    CHO_RO = "32", "Chơ Ro"
    KHANG = "33", "Kháng"
    XINH_MUN = "34", "Xinh Mun"
    HA_NHI = "35", "Hà Nhì"
    CHU_RU = "36", "Chu Ru"
    LAO = "37", "Lào"
    LA_CHI = "38", "La Chí"
    LA_HA = "39", "La Ha"
    PHU_LA = "40", "Phù Lá"
    LA_HU = "41", "La Hủ"
    LU = "42", "Lự"
    LO_LO = "43", "Lô Lô"
    CHUT = "44", "Chứt"
    MANG = "45", "Mảng"
    PA_THEN = "46", "Pà Thẻn"
    CO_LAO = "47", "Cơ Lao"
    CONG = "48", "Cống"
    BO_Y = "49", "Bố Y"
    SI_LA = "50", "Si La"
    PU_PEO = "51", "Pu Péo"
    BRAU = "52", "Brâu"
    O_DU = "53", "Ơ Đu"
    RO_MAM = "54", "Rơ Măm"
    OTHER = "99", "Khác (người nước ngoài nhập quốc tịch Việt Nam…)"


class Religion(models.TextChoices):
    NONE = "none", "Không"
    BUDDHISM = "phat_giao", "Phật giáo"
    CATHOLIC = "cong_giao", "Công giáo"
    PROTESTANT = "tin_lanh", "Tin lành"
    CAO_DAI = "cao_dai", "Cao Đài"
    HOA_HAO = "hoa_hao", "Phật giáo Hòa Hảo"
    ISLAM = "hoi_giao", "Hồi giáo"
    BAHAI = "bahai", "Baha'i"
    TINH_DO = "tinh_do_cu_si", "Tịnh độ Cư sĩ Phật hội Việt Nam"
    ADVENTIST = "co_doc_phuc_lam", "Cơ đốc Phục lâm"
    TU_AN = "tu_an_hieu_nghia", "Phật giáo Tứ Ân Hiếu Nghĩa"
    MINH_SU = "minh_su_dao", "Minh Sư đạo"
    MINH_LY = "minh_ly_dao", "Minh Lý đạo"
    BUU_SON = "buu_son_ky_huong", "Bửu Sơn Kỳ Hương"
    BRAHMIN = "ba_la_mon", "Bà-la-môn giáo"
    MORMON = "mac_mon", "Các Thánh hữu ngày sau (Mặc Môn)"
    OTHER = "khac", "Khác"


class GeneralEducation(models.TextChoices):
    """Giáo dục phổ thông; B-02 requires lower secondary (THCS) or higher for admission."""

    PRIMARY = "tieu_hoc", "Tiểu học"
    LOWER_SECONDARY = "thcs", "Trung học cơ sở"
    UPPER_SECONDARY = "thpt", "Trung học phổ thông"


class ProfessionalLevel(models.TextChoices):
    NONE = "none", "Chưa qua đào tạo"
    ELEMENTARY = "so_cap", "Sơ cấp"
    INTERMEDIATE = "trung_cap", "Trung cấp"
    COLLEGE = "cao_dang", "Cao đẳng"
    UNIVERSITY = "dai_hoc", "Đại học"
    MASTER = "thac_si", "Thạc sĩ"
    DOCTOR = "tien_si", "Tiến sĩ"


class AcademicTitle(models.TextChoices):
    NONE = "none", "Không"
    ASSOCIATE_PROFESSOR = "pgs", "Phó Giáo sư"
    PROFESSOR = "gs", "Giáo sư"


class PoliticalTheory(models.TextChoices):
    """Lý luận chính trị: only the highest counts (C-13, G-02)."""

    NONE = "none", "Chưa qua đào tạo"
    ELEMENTARY = "so_cap", "Sơ cấp"
    INTERMEDIATE = "trung_cap", "Trung cấp"
    ADVANCED = "cao_cap", "Cao cấp"
    BACHELOR = "cu_nhan", "Cử nhân"


class OccupationGroup(models.TextChoices):
    """Nghề nghiệp / thành phần as used in published new-member statistics (G-03)."""

    FARMER = "nong_dan", "Nông dân"
    CIVIL_SERVANT = "can_bo_cong_chuc", "Cán bộ, công chức"
    PUBLIC_EMPLOYEE = "vien_chuc", "Viên chức"
    ENTERPRISE_MANAGER = "quan_ly_doanh_nghiep", "Chủ, người quản lý doanh nghiệp"
    WORKER = "cong_nhan_lao_dong", "Công nhân, người lao động"
    ARMED_FORCES = "luc_luong_vu_trang", "Lực lượng vũ trang"
    STUDENT = "hoc_sinh_sinh_vien", "Học sinh, sinh viên"
    RETIRED = "huu_tri", "Hưu trí"
    OTHER = "khac", "Khác"


class FeeGroup(models.TextChoices):
    """Đảng phí groups (B-27)."""

    SALARY = "salary", "Hưởng lương, đóng BHXH bắt buộc (1 % tiền lương tháng trước)"
    INSURANCE_ALLOWANCE = "insurance_allowance", "Hưởng trợ cấp BHXH (1 % trợ cấp)"
    PENSION = "pension", "Hưởng lương hưu (0,5 % lương hưu)"
    STUDENT = "student", "Học sinh, sinh viên (mức cố định)"
    OTHER = "other", "Đảng viên khác (mức theo bảng cấu hình)"
    ABROAD = "abroad", "Đảng viên ở nước ngoài"


class Relation(models.TextChoices):
    FATHER = "cha", "Cha"
    MOTHER = "me", "Mẹ"
    SPOUSE = "vo_chong", "Vợ / chồng"
    FATHER_IN_LAW = "cha_vo_chong", "Cha vợ / cha chồng"
    MOTHER_IN_LAW = "me_vo_chong", "Mẹ vợ / mẹ chồng"
    SIBLING = "anh_chi_em", "Anh chị em ruột"
    CHILD = "con", "Con"
    GRANDPARENT = "ong_ba", "Ông bà"


class DocumentType(models.TextChoices):
    """The dossier document catalogue (product.md §4), the core items."""

    CANDIDATE_CV = "ly_lich_nguoi_xin_vao_dang", "Lý lịch người xin vào Đảng"
    MEMBER_CV = "ly_lich_dang_vien", "Lý lịch đảng viên"
    MEMBER_SHEET = "phieu_dang_vien", "Phiếu đảng viên"
    SUPPLEMENT = "phieu_bo_sung", "Phiếu bổ sung hồ sơ"
    APPLICATION = "don_xin_vao_dang", "Đơn xin vào Đảng"
    AWARENESS_CERT = "giay_chung_nhan_nhan_thuc", "Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng"
    NEW_MEMBER_CERT = "giay_chung_nhan_dang_vien_moi", "Giấy chứng nhận lớp đảng viên mới"
    YOUTH_INTRO = "nghi_quyet_gioi_thieu_doan", "Nghị quyết giới thiệu của Đoàn / Công đoàn"
    RESIDENCE_OPINION = "tong_hop_y_kien_noi_cu_tru", "Tổng hợp ý kiến nơi cư trú"
    CELL_RESOLUTION = "nghi_quyet_chi_bo", "Nghị quyết đề nghị kết nạp của chi bộ"
    COMMITTEE_RESOLUTION = "nghi_quyet_dang_uy", "Nghị quyết đề nghị kết nạp của đảng ủy cơ sở"
    ADMISSION_DECISION = "quyet_dinh_ket_nap", "Quyết định kết nạp"
    PROBATION_SELF_REVIEW = "tu_kiem_diem_du_bi", "Bản tự kiểm điểm đảng viên dự bị"
    RECOGNITION_DECISION = "quyet_dinh_cong_nhan", "Quyết định công nhận đảng viên chính thức"
    TRANSFER_LETTER = "giay_gioi_thieu_sinh_hoat", "Giấy giới thiệu sinh hoạt đảng"
    CARD_DECISION = "quyet_dinh_phat_the", "Quyết định phát thẻ đảng viên"
    BADGE_DECISION = "quyet_dinh_huy_hieu", "Quyết định tặng Huy hiệu Đảng"
    DISCIPLINE_DECISION = "quyet_dinh_ky_luat", "Quyết định kỷ luật"
    POLITICAL_THEORY_DIPLOMA = "bang_ly_luan_chinh_tri", "Bằng lý luận chính trị"
    DEATH_CERTIFICATE = "giay_chung_tu", "Giấy chứng tử"
    OTHER = "khac", "Tài liệu khác"


# The dossier completeness checklist: what a member in each stage must have on file.
REQUIRED_DOCUMENTS = {
    "candidate": [DocumentType.CANDIDATE_CV, DocumentType.APPLICATION, DocumentType.AWARENESS_CERT],
    "probationary": [DocumentType.CANDIDATE_CV, DocumentType.APPLICATION, DocumentType.AWARENESS_CERT,
                     DocumentType.CELL_RESOLUTION, DocumentType.ADMISSION_DECISION, DocumentType.MEMBER_CV],
    "official": [DocumentType.CANDIDATE_CV, DocumentType.APPLICATION, DocumentType.AWARENESS_CERT,
                 DocumentType.CELL_RESOLUTION, DocumentType.ADMISSION_DECISION, DocumentType.MEMBER_CV,
                 DocumentType.MEMBER_SHEET, DocumentType.PROBATION_SELF_REVIEW,
                 DocumentType.RECOGNITION_DECISION],
}
