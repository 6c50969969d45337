"""The member dossier (2-HSĐV) and its dated events.

The dossier holds what is typed in; everything about the member's standing (status, orgs, party
age, deadlines) is derived from ``MemberEvent`` rows by ``tcxd.rules.pure.membership``. The few
derived columns on ``Member`` (status, org, …) are a projection kept by the services in the same
transaction as the events, so lists and counts are plain indexed queries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tcxd.rules.pure.membership.types import STATUS_LABELS, EventKind, Status

from .codes import (
    AcademicTitle,
    DocumentType,
    Ethnicity,
    FeeGroup,
    GeneralEducation,
    OccupationGroup,
    PoliticalTheory,
    ProfessionalLevel,
    Relation,
    Religion,
    Sex,
)

StatusChoices = models.TextChoices("StatusChoices", [(s.name, (s.value, STATUS_LABELS[s])) for s in Status])

EVENT_LABELS = {
    EventKind.CANDIDATE: "Quần chúng ưu tú được giới thiệu",
    EventKind.AWARENESS_COURSE: "Học lớp bồi dưỡng nhận thức về Đảng",
    EventKind.APPLICATION: "Đơn xin vào Đảng",
    EventKind.INTRODUCERS: "Người giới thiệu",
    EventKind.BACKGROUND_CHECK: "Thẩm tra lý lịch",
    EventKind.CELL_VOTE: "Chi bộ xét, đề nghị kết nạp",
    EventKind.COMMITTEE_VOTE: "Đảng ủy cơ sở xét, đề nghị kết nạp",
    EventKind.ADMISSION_DECISION: "Quyết định kết nạp",
    EventKind.CEREMONY: "Lễ kết nạp",
    EventKind.CANDIDATE_DROPPED: "Dừng xem xét kết nạp",
    EventKind.RECOGNITION_VOTE: "Chi bộ xét công nhận chính thức",
    EventKind.RECOGNITION: "Công nhận đảng viên chính thức",
    EventKind.PROBATION_STRUCK_OFF: "Xóa tên đảng viên dự bị",
    EventKind.TRANSFER_OUT: "Giới thiệu chuyển sinh hoạt đảng chính thức",
    EventKind.TRANSFER_IN: "Tiếp nhận sinh hoạt đảng chính thức",
    EventKind.TRANSFER_CANCELLED: "Hủy giới thiệu chuyển sinh hoạt",
    EventKind.TEMP_TRANSFER_OUT: "Chuyển sinh hoạt đảng tạm thời",
    EventKind.TEMP_TRANSFER_RETURN: "Trở lại sinh hoạt chính thức",
    EventKind.ORG_RESTRUCTURED: "Chuyển sinh hoạt theo sắp xếp tổ chức",
    EventKind.EXEMPTION_START: "Miễn công tác và sinh hoạt đảng",
    EventKind.EXEMPTION_END: "Thôi miễn công tác và sinh hoạt đảng",
    EventKind.TEMP_EXEMPTION_START: "Tạm miễn sinh hoạt đảng",
    EventKind.TEMP_EXEMPTION_END: "Thôi tạm miễn sinh hoạt đảng",
    EventKind.STRUCK_OFF: "Xóa tên",
    EventKind.EXPELLED: "Khai trừ",
    EventKind.LEFT: "Ra khỏi Đảng",
    EventKind.DIED: "Từ trần",
    EventKind.READMISSION_DECISION: "Quyết định kết nạp lại",
    EventKind.RESTORED: "Khôi phục đảng tịch",
    EventKind.CARD_ISSUED: "Phát thẻ đảng viên",
    EventKind.CARD_REPLACED: "Cấp lại / đổi thẻ đảng viên",
    EventKind.BADGE: "Tặng Huy hiệu Đảng",
    EventKind.DISCIPLINE: "Kỷ luật",
    EventKind.SCREENING_VOTE: "Rà soát: chi bộ bỏ phiếu kín đưa vào danh sách cần giáo dục, giúp đỡ",
    EventKind.SCREENING_RESULT: "Rà soát: kết quả giáo dục, giúp đỡ",
}
EventKindChoices = models.TextChoices("EventKindChoices", [(k.name, (k.value, EVENT_LABELS[k])) for k in EventKind])


class Member(models.Model):
    """One person's dossier, from quần chúng ưu tú to the end."""

    # Identity (2-HSĐV 01–11)
    full_name = models.CharField("họ và tên đang dùng", max_length=150)
    birth_name = models.CharField("họ và tên khai sinh", max_length=150, blank=True)
    other_names = models.CharField("tên gọi khác, bí danh", max_length=150, blank=True)
    name_norm = models.CharField(max_length=150, editable=False, db_index=True)
    given_name_norm = models.CharField(max_length=60, editable=False)
    sex = models.CharField("giới tính", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("ngày sinh")
    birth_place = models.CharField("nơi sinh", max_length=255, blank=True)
    hometown = models.CharField("quê quán (ghi như giấy tờ)", max_length=255, blank=True)
    hometown_pre2025 = models.ForeignKey("geo.AdminUnit", verbose_name="quê quán (địa giới trước 2025)",
                                         null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    hometown_2025 = models.ForeignKey("geo.AdminUnit", verbose_name="quê quán (địa giới từ 2025)",
                                      null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    permanent_address = models.CharField("nơi thường trú", max_length=255, blank=True)
    current_address = models.CharField("nơi ở hiện nay", max_length=255, blank=True)
    ethnicity = models.CharField("dân tộc", max_length=2, choices=Ethnicity.choices, default=Ethnicity.KINH)
    religion = models.CharField("tôn giáo", max_length=24, choices=Religion.choices, default=Religion.NONE)
    cccd = models.CharField("số CCCD", max_length=12, unique=True)
    cccd_issued_on = models.DateField("ngày cấp CCCD", null=True, blank=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    email = models.EmailField("email", blank=True)
    photo = models.FileField("ảnh", upload_to="members/photos/", blank=True)
    # Education (17)
    general_education = models.CharField("giáo dục phổ thông", max_length=10, choices=GeneralEducation.choices,
                                         default=GeneralEducation.UPPER_SECONDARY)
    general_grade = models.CharField("lớp (x/12)", max_length=10, blank=True)
    professional_level = models.CharField("chuyên môn, nghiệp vụ", max_length=12,
                                          choices=ProfessionalLevel.choices, default=ProfessionalLevel.NONE)
    specialization = models.CharField("chuyên ngành", max_length=150, blank=True)
    academic_title = models.CharField("học hàm", max_length=4, choices=AcademicTitle.choices,
                                      default=AcademicTitle.NONE)
    political_theory = models.CharField("lý luận chính trị (cao nhất)", max_length=10,
                                        choices=PoliticalTheory.choices, default=PoliticalTheory.NONE)
    foreign_language = models.CharField("ngoại ngữ", max_length=100, blank=True)
    it_level = models.CharField("tin học", max_length=100, blank=True)
    occupation_group = models.CharField("nghề nghiệp (nhóm thống kê)", max_length=24,
                                        choices=OccupationGroup.choices, default=OccupationGroup.OTHER)
    occupation = models.CharField("nghề nghiệp hiện nay", max_length=150, blank=True)
    workplace = models.CharField("đơn vị công tác", max_length=255, blank=True)
    youth_union_joined_on = models.DateField("ngày vào Đoàn", null=True, blank=True)
    # Party facts (12, 27)
    profile_no = models.CharField("số lý lịch đảng viên", max_length=20, blank=True, db_index=True)
    fee_group = models.CharField("nhóm đóng đảng phí", max_length=24, choices=FeeGroup.choices,
                                 default=FeeGroup.OTHER)
    # Projection of the events (kept by services; never typed in)
    status = models.CharField("trạng thái", max_length=16, choices=StatusChoices.choices, db_index=True)
    org = models.ForeignKey("orgs.Org", verbose_name="nơi sinh hoạt chính thức", on_delete=models.PROTECT,
                            related_name="members")
    temporary_org = models.ForeignKey("orgs.Org", verbose_name="nơi sinh hoạt tạm thời", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="temporary_members")
    transfer_to = models.ForeignKey("orgs.Org", verbose_name="đang chuyển đến", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="incoming_members")
    exempted = models.BooleanField("miễn công tác và sinh hoạt", default=False)
    card_no = models.CharField("số thẻ đảng viên", max_length=20, blank=True, db_index=True)
    admitted_on = models.DateField("ngày quyết định kết nạp", null=True, blank=True)
    ceremony_on = models.DateField("ngày lễ kết nạp", null=True, blank=True)
    official_on = models.DateField("ngày chính thức", null=True, blank=True)
    last_event_on = models.DateField("ngày sự kiện gần nhất", null=True, blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "đảng viên"
        verbose_name_plural = "đảng viên"
        indexes = [
            models.Index(fields=["org", "status"], name="member_org_status"),
            models.Index(fields=["given_name_norm", "name_norm"], name="member_given_name"),
            models.Index(fields=["transfer_to"], name="member_transfer_to"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def cccd_masked(self) -> str:
        return f"{'•' * 8}{self.cccd[-4:]}" if self.cccd else ""


# the columns of a spell the statistics group by (``reports.stats``), with the org
SPELL_FIGURES = ("org", "status", "sex", "birth_date", "party_age_start", "exempted", "temporary", "ethnicity",
                 "religion", "general_education", "professional_level", "academic_title", "political_theory",
                 "occupation_group")


class MemberSpell(models.Model):
    """A period during which a member is counted (probationary or official, G-04) at one official org
    in one standing: what the statistics count, as of any date, without replaying events.

    Derived, never typed in: rewritten from the events with the projection (``members.spells``, same
    transaction as the event), and its dossier columns (sex, birth date, ethnicity, …) with the
    dossier. A member counted on day D has exactly one spell with ``valid_from <= D <= valid_to``
    (``valid_to`` inclusive, null while open): the state at the end of D (``state_on``). A pending
    official transfer stays at the sender until received; a temporarily transferred member is
    counted here with ``temporary`` set (B-16).
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="spells", db_index=False)
    # no database constraint (one deferred check per row at commit; millions when a dataset is
    # loaded): orgs are never deleted, and the spells are rewritten from events that name them
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", db_index=False,
                            db_constraint=False)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=StatusChoices.choices)
    exempted = models.BooleanField(default=False)
    temporary = models.BooleanField(default=False)
    # party age on D (B-12) = whole months from this day to D; null: no party age (never recognized)
    party_age_start = models.DateField(null=True, blank=True)
    # the dossier's statistical columns, copied (kept by the dossier services)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    birth_date = models.DateField()
    ethnicity = models.CharField(max_length=2, choices=Ethnicity.choices)
    religion = models.CharField(max_length=24, choices=Religion.choices)
    general_education = models.CharField(max_length=10, choices=GeneralEducation.choices)
    professional_level = models.CharField(max_length=12, choices=ProfessionalLevel.choices)
    academic_title = models.CharField(max_length=4, choices=AcademicTitle.choices)
    political_theory = models.CharField(max_length=10, choices=PoliticalTheory.choices)
    occupation_group = models.CharField(max_length=24, choices=OccupationGroup.choices)

    class Meta:
        verbose_name = "giai đoạn được tính đảng số"
        verbose_name_plural = "giai đoạn được tính đảng số"
        indexes = [
            models.Index(fields=["member", "valid_from"], name="spell_member"),
            models.Index(fields=["org", "valid_from"], name="spell_org_from"),
            # a past day's figures from today's tallies (``reports.stats._since_rows``): the spells counted today
            # that began after the day, and the spells closed since the day, with every column the figures group
            # by (PostgreSQL: read from the index alone; the changed spells lie all over the table)
            models.Index(fields=["valid_from"], name="spell_open_from", condition=models.Q(valid_to__isnull=True),
                         include=SPELL_FIGURES),
            models.Index(fields=["valid_to"], name="spell_closed_to", condition=models.Q(valid_to__isnull=False),
                         include=("valid_from", *SPELL_FIGURES)),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.org_id}: {self.valid_from} – {self.valid_to or '…'}"


class MemberTally(models.Model):
    """How many members are counted today under one unit (an org near the top of the tree — depth ≤
    ``members.tallies.UNIT_DEPTH`` but a district of a pre-2025 tree, or a commune under such a district — with its
    whole subtree
    as it stands today), by one cuboid of
    dimensions: the national and provincial figures without reading millions of spells.

    Derived from the open spells (``MemberSpell.valid_to`` null) in the same transaction
    (``members.tallies``); ``stats_rebuild`` recomputes them. Every cuboid has status and sex; then
    ``cuboid`` 0: the static dimensions (``day`` unused); 1: ethnicity and birth date (``day``); 2:
    ethnicity and party-age start (``day``; ``tallies.NO_DAY`` when none); 3: nothing more. Unused
    columns hold "" (and ``tallies.NO_DAY``).
    """

    pk = models.CompositePrimaryKey("unit", "cuboid", "status", "sex", "day", "ethnicity", "exempted", "temporary",
                                    "religion", "general_education", "professional_level", "academic_title",
                                    "political_theory", "occupation_group")
    unit = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", db_constraint=False,
                             db_index=False)
    cuboid = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16)
    sex = models.CharField(max_length=1)
    day = models.DateField()
    ethnicity = models.CharField(max_length=2)
    exempted = models.CharField(max_length=1)  # "1" / "0"
    temporary = models.CharField(max_length=1)
    religion = models.CharField(max_length=24)
    general_education = models.CharField(max_length=10)
    professional_level = models.CharField(max_length=12)
    academic_title = models.CharField(max_length=4)
    political_theory = models.CharField(max_length=10)
    occupation_group = models.CharField(max_length=24)
    n = models.IntegerField()

    class Meta:
        verbose_name = "số liệu tổng hợp đảng viên"
        verbose_name_plural = "số liệu tổng hợp đảng viên"

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.cuboid}: {self.n}"


class MemberNameSlot(models.Model):
    """A province's key in the name index (``MemberNameWord``'s ``*_slot`` columns): a small number standing
    for the *top* of an org path (its first ``namewords.SCOPE_STEPS`` steps: the root or a province's party
    committee). The word rows keep the slot, this row keeps what it stands for, so when a province's whole
    content moves under another (a merge) one row changes here instead of every word row of its members.

    Several slots may stand for the same top (the merged provinces' and the new one's); the smallest is the
    one new rows get (``namewords.slot_ids``). Never deleted while a word row may hold it.
    """

    id = models.AutoField(primary_key=True)
    top = models.CharField(max_length=40, db_index=True)

    class Meta:
        verbose_name = "khóa tỉnh của chỉ mục tên"
        verbose_name_plural = "khóa tỉnh của chỉ mục tên"

    def __str__(self) -> str:
        return f"{self.pk} → {self.top}"


class MemberNameWord(models.Model):
    """Search index of member names, derived from ``Member.name_norm`` (never typed in; written with
    the name by the services and the bulk loaders, see ``tcxd.members.namewords``).

    One row per word start of the folded name: "nguyen van hung" → "nguyen van hung", "van hung",
    "hung". A prefix search ("hung", "nguyen van", "van h") is then one range of ``word``: the full
    name, the given name and a word sequence inside the name alike. ``token`` is the first word of
    ``word``; with the list's sort key copied here (given name, full name), the rows of one token
    come out of the ``member_name_token`` index already in list order.
    """

    # (word, member): the prefix ranges; the rows of a member are found by the words of its name
    pk = models.CompositePrimaryKey("word", "member")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="name_words", db_index=False)
    word = models.CharField(max_length=150)
    token = models.CharField(max_length=150)
    given_name_norm = models.CharField(max_length=60)
    name_norm = models.CharField(max_length=150)
    # the name holds a word twice ("nguyen van nguyen"): a term may then match it at two word starts
    repeats = models.BooleanField(default=False)
    # the slots (``MemberNameSlot``) of the tops of the member's official org, temporary host and pending
    # receiver (0 for none): a province's scope is tested inside the index (``namewords``). Plain integers, not
    # foreign keys: the index stays narrow and 0 needs no row.
    org_slot = models.PositiveIntegerField(default=0, db_default=0)
    temporary_slot = models.PositiveIntegerField(default=0, db_default=0)
    transfer_slot = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = "từ trong tên đảng viên"
        verbose_name_plural = "từ trong tên đảng viên"
        indexes = [
            models.Index(fields=["token", "given_name_norm", "name_norm", "member", "word", "repeats", "org_slot",
                                 "temporary_slot", "transfer_slot"], name="member_name_token"),
            # a member's rows when its orgs change (``namewords._place``): without it PostgreSQL reads the whole
            # primary key per member (a merge of provinces re-placing 200 000 members ran for minutes)
            models.Index(fields=["member"], name="member_name_member"),
        ]

    def __str__(self) -> str:
        return self.word


class MemberSensitive(models.Model):
    """Parts of the dossier visible only to organization-commission roles (product.md §4 H/I)."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, primary_key=True, related_name="sensitive")
    family_political_notes = models.TextField("đặc điểm chính trị của gia đình", blank=True)
    personal_history_notes = models.TextField("đặc điểm lịch sử bản thân", blank=True)
    economic_situation = models.TextField("hoàn cảnh kinh tế", blank=True)

    class Meta:
        verbose_name = "thông tin nhạy cảm"
        verbose_name_plural = "thông tin nhạy cảm"

    def __str__(self) -> str:
        return f"Thông tin nhạy cảm của {self.member_id}"


class FieldSource(models.TextChoices):
    TCXD = "tcxd", "Cập nhật trong TCXD"
    IMPORT = "import", "Nhập từ tệp"
    CSDL3 = "csdl3", "CSDL đảng viên 3.0"


ALL_FIELDS = "*"  # a source row for every field of a dossier created from that source


class MemberFieldSource(models.Model):
    """Which source last set a dossier field: the field's own row, else the dossier's row for every field
    ("*": created by an import), else TCXD itself (the forms or the API). A correction in TCXD removes the
    field's row, or writes one saying TCXD when the dossier came from an import."""

    pk = models.CompositePrimaryKey("member", "field")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="field_sources")
    field = models.CharField(max_length=40)
    source = models.CharField(max_length=10, choices=FieldSource.choices)
    ref = models.CharField("lô nhập", max_length=64, blank=True)  # the import batch (its number)
    set_at = models.DateTimeField()

    class Meta:
        verbose_name = "nguồn của trường hồ sơ"

    def __str__(self) -> str:
        return f"{self.field}: {self.get_source_display()}"


class MemberEvent(models.Model):
    """One dated fact of a member's life. Never edited; a mistaken event is voided (with reason)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("sự kiện", max_length=24, choices=EventKindChoices.choices)
    on = models.DateField("ngày hiệu lực")
    seq = models.PositiveIntegerField(default=0)
    org = models.ForeignKey("orgs.Org", verbose_name="tổ chức", null=True, blank=True, on_delete=models.PROTECT,
                            related_name="+")
    target_org = models.ForeignKey("orgs.Org", verbose_name="tổ chức tiếp nhận", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decision_no = models.CharField("số quyết định", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    decision_issuer = models.CharField("cơ quan quyết định", max_length=255, blank=True)
    data = models.JSONField("chi tiết", default=dict, blank=True)
    note = models.TextField("ghi chú", blank=True)
    regulation = models.CharField("văn bản áp dụng", max_length=64, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField("hủy lúc", null=True, blank=True)
    void_reason = models.CharField("lý do hủy", max_length=255, blank=True)

    class Meta:
        verbose_name = "sự kiện đảng viên"
        verbose_name_plural = "sự kiện đảng viên"
        ordering = ["member", "on", "seq", "id"]
        indexes = [
            models.Index(fields=["member", "on", "seq"], name="event_member_on"),
            models.Index(fields=["kind", "on"], name="event_kind_on"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.on:%d/%m/%Y})"


class HistoryRow(models.Model):
    """Common shape of the repeating dossier rows (quá trình công tác, đào tạo, …)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE)
    from_date = models.DateField("từ", null=True, blank=True)
    to_date = models.DateField("đến", null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["member", "from_date", "id"]


class WorkHistory(HistoryRow):
    position = models.CharField("chức vụ, công việc", max_length=255)
    unit = models.CharField("đơn vị", max_length=255, blank=True)

    class Meta(HistoryRow.Meta):
        verbose_name = "quá trình công tác"
        verbose_name_plural = "quá trình công tác"
        default_related_name = "work_history"

    def __str__(self) -> str:
        return self.position


class TrainingHistory(HistoryRow):
    school = models.CharField("trường, cơ sở đào tạo", max_length=255)
    field_of_study = models.CharField("ngành học", max_length=255, blank=True)
    mode = models.CharField("hình thức", max_length=60, blank=True)
    diploma = models.CharField("văn bằng, chứng chỉ", max_length=150, blank=True)

    class Meta(HistoryRow.Meta):
        verbose_name = "quá trình đào tạo, bồi dưỡng"
        verbose_name_plural = "quá trình đào tạo, bồi dưỡng"
        default_related_name = "training_history"

    def __str__(self) -> str:
        return self.school


class ForeignTravel(HistoryRow):
    country = models.CharField("nước", max_length=100)
    purpose = models.CharField("mục đích", max_length=255, blank=True)

    class Meta(HistoryRow.Meta):
        verbose_name = "đi nước ngoài"
        verbose_name_plural = "đi nước ngoài"
        default_related_name = "foreign_travel"

    def __str__(self) -> str:
        return self.country


class Reward(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="rewards")
    form = models.CharField("hình thức khen thưởng", max_length=150)
    level = models.CharField("cấp khen", max_length=100, blank=True)
    decision_no = models.CharField("số quyết định", max_length=60, blank=True)
    decided_on = models.DateField("ngày quyết định", null=True, blank=True)

    class Meta:
        verbose_name = "khen thưởng"
        verbose_name_plural = "khen thưởng"
        ordering = ["member", "decided_on"]

    def __str__(self) -> str:
        return self.form


class FamilyMember(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="family")
    relation = models.CharField("quan hệ", max_length=16, choices=Relation.choices)
    full_name = models.CharField("họ và tên", max_length=150)
    birth_year = models.PositiveSmallIntegerField("năm sinh", null=True, blank=True)
    hometown = models.CharField("quê quán", max_length=255, blank=True)
    residence = models.CharField("nơi ở", max_length=255, blank=True)
    occupation = models.CharField("nghề nghiệp", max_length=150, blank=True)
    is_party_member = models.BooleanField("là đảng viên", default=False)
    political_notes = models.TextField("đặc điểm chính trị (nhạy cảm)", blank=True)

    class Meta:
        verbose_name = "quan hệ gia đình"
        verbose_name_plural = "quan hệ gia đình"
        ordering = ["member", "relation", "birth_year"]

    def __str__(self) -> str:
        return f"{self.get_relation_display()}: {self.full_name}"


class Attachment(models.Model):
    """A document of the dossier (tài liệu hồ sơ), for the completeness checklist."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attachments")
    doc_type = models.CharField("loại tài liệu", max_length=40, choices=DocumentType.choices)
    title = models.CharField("tên tài liệu", max_length=255, blank=True)
    file = models.FileField("tệp", upload_to="members/docs/", blank=True)
    event = models.ForeignKey(MemberEvent, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="attachments")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = "tài liệu hồ sơ"
        verbose_name_plural = "tài liệu hồ sơ"
        ordering = ["member", "doc_type"]

    def __str__(self) -> str:
        return self.title or self.get_doc_type_display()


class SavedSearch(models.Model):
    """A user's named member-list filter (the query string of the list page)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField("tên bộ lọc", max_length=100)
    query = models.CharField("điều kiện", max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "bộ lọc đã lưu"
        verbose_name_plural = "bộ lọc đã lưu"
        ordering = ["user", "name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_search_user_name")]

    def __str__(self) -> str:
        return self.name
