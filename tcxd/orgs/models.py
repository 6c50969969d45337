"""The organization tree (A-01), its dated history, congresses (A-06) and committees (A-04)."""

from __future__ import annotations

from django.db import models
from treebeard.mp_tree import MP_Node

from .kinds import CommitteeBody, CommitteeRole, GrassrootsType, OrgKind, OrgStatus, SelectionMethod


class Org(MP_Node):
    """A party organization as it stands now (the latest state). History lives in OrgVersion.

    Nothing is hard-deleted: a dissolved org is closed (status CLOSED, valid_to set) and stays in
    the tree so members' histories and past figures still resolve.
    """

    steplen = 4
    code = models.CharField("mã tổ chức", max_length=40, unique=True)
    name = models.CharField("tên tổ chức", max_length=255)
    short_name = models.CharField("tên ngắn", max_length=120, blank=True)
    name_norm = models.CharField(max_length=255, db_index=True, editable=False)
    kind = models.CharField("loại tổ chức", max_length=30, choices=OrgKind.choices)
    grassroots_type = models.CharField(
        "loại hình tổ chức cơ sở đảng", max_length=30, choices=GrassrootsType.choices, blank=True
    )
    admin_unit = models.ForeignKey(
        "geo.AdminUnit", verbose_name="đơn vị hành chính", null=True, blank=True,
        on_delete=models.PROTECT, related_name="orgs",
    )
    valid_from = models.DateField("hiệu lực từ ngày")
    valid_to = models.DateField("hiệu lực đến ngày", null=True, blank=True)
    status = models.CharField("trạng thái", max_length=10, choices=OrgStatus.choices,
                              default=OrgStatus.ACTIVE)
    congress_cycle_months = models.PositiveSmallIntegerField(
        "chu kỳ đại hội (tháng)", null=True, blank=True,
        help_text="60 với tổ chức cơ sở đảng trở lên; chi bộ trực thuộc 30 hoặc 60 (thí điểm QĐ 294).",
    )
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "tổ chức đảng"
        verbose_name_plural = "tổ chức đảng"
        indexes = [
            # treebeard's own LIKE 'p%' queries on PostgreSQL; ignored on SQLite.
            models.Index(fields=["path"], name="org_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["kind", "status"], name="org_kind_status"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.ACTIVE

    @property
    def parent_path(self) -> str:
        return self.path[: -self.steplen]


class OrgChange(models.Model):
    """One dated change of the tree (creation, rename, move, close…) with its decision."""

    class Kind(models.TextChoices):
        CREATED = "created", "Thành lập"
        RENAMED = "renamed", "Đổi tên"
        RECODED = "recoded", "Đổi mã"
        RETYPED = "retyped", "Đổi loại tổ chức"
        EDITED = "edited", "Cập nhật thông tin"
        MOVED = "moved", "Chuyển trực thuộc"
        CLOSED = "closed", "Giải thể / chấm dứt hoạt động"
        REOPENED = "reopened", "Khôi phục hoạt động"

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="changes",
                            verbose_name="tổ chức")
    kind = models.CharField("loại thay đổi", max_length=20, choices=Kind.choices)
    effective_on = models.DateField("ngày hiệu lực")
    decision_no = models.CharField("số quyết định", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    decision_issuer = models.CharField("cơ quan ban hành", max_length=255, blank=True)
    summary = models.CharField("nội dung", max_length=500, blank=True)
    note = models.TextField("ghi chú", blank=True)
    created_at = models.DateTimeField("ghi nhận lúc", auto_now_add=True)

    class Meta:
        verbose_name = "thay đổi tổ chức"
        verbose_name_plural = "thay đổi tổ chức"
        ordering = ["-effective_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.org} ({self.effective_on:%d/%m/%Y})"


class OrgVersion(models.Model):
    """The state of one org over a date range [valid_from, valid_to] (inclusive; open if null).

    A move writes a new version for every node of the moved subtree, so the tree as of any date
    is a path-range query over the versions valid on that date.
    """

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="versions")
    change = models.ForeignKey(OrgChange, on_delete=models.PROTECT, related_name="versions")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    path = models.CharField(max_length=255)
    depth = models.PositiveIntegerField()
    parent = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=255)
    short_name = models.CharField(max_length=120, blank=True)
    kind = models.CharField(max_length=30, choices=OrgKind.choices)
    grassroots_type = models.CharField(max_length=30, choices=GrassrootsType.choices, blank=True)
    admin_unit = models.ForeignKey("geo.AdminUnit", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    status = models.CharField(max_length=10, choices=OrgStatus.choices)

    class Meta:
        verbose_name = "phiên bản tổ chức"
        verbose_name_plural = "lịch sử tổ chức"
        indexes = [
            models.Index(fields=["path", "valid_from"], name="orgver_path_from"),
            models.Index(fields=["org", "valid_from"], name="orgver_org_from"),
        ]

    def __str__(self) -> str:
        return f"{self.name} [{self.valid_from} – {self.valid_to or '…'}]"


class OrgHeadcount(models.Model):
    """Current member counts of one org (its own members, not the subtree).

    Kept current by the members context (issue 3) in the same transaction as member events;
    until then it is entered through ``org_headcount_set``. Read by the structural checks.
    """

    org = models.OneToOneField(Org, on_delete=models.CASCADE, primary_key=True,
                               related_name="headcount")
    official = models.PositiveIntegerField("đảng viên chính thức", default=0)
    probationary = models.PositiveIntegerField("đảng viên dự bị", default=0)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "đảng số"
        verbose_name_plural = "đảng số"

    def __str__(self) -> str:
        return f"{self.org_id}: {self.official} + {self.probationary}"

    @property
    def total(self) -> int:
        return self.official + self.probationary


class Congress(models.Model):
    """The congress (đại hội) of one org for one term (A-06)."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="congresses",
                            verbose_name="tổ chức")
    term_start_year = models.PositiveSmallIntegerField("nhiệm kỳ từ năm")
    term_end_year = models.PositiveSmallIntegerField("nhiệm kỳ đến năm")
    planned_on = models.DateField("ngày dự kiến", null=True, blank=True)
    held_on = models.DateField("ngày tổ chức", null=True, blank=True)
    held_to = models.DateField("ngày bế mạc", null=True, blank=True)
    is_delegate_congress = models.BooleanField("đại hội đại biểu", default=False)
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "đại hội"
        verbose_name_plural = "đại hội"
        ordering = ["-term_start_year"]
        constraints = [
            models.UniqueConstraint(fields=["org", "term_start_year", "term_end_year"],
                                    name="congress_org_term_unique"),
            models.CheckConstraint(condition=models.Q(term_end_year__gt=models.F("term_start_year")),
                                   name="congress_term_order"),
        ]
        indexes = [models.Index(fields=["term_start_year", "term_end_year", "held_on"],
                                name="congress_term_held")]

    def __str__(self) -> str:
        return f"Đại hội {self.org} nhiệm kỳ {self.term_label}"

    @property
    def term_label(self) -> str:
        return f"{self.term_start_year}–{self.term_end_year}"


class CommitteeMember(models.Model):
    """One seat on an org's committee (cấp ủy, ban thường vụ, ủy ban kiểm tra) over a period."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="committee",
                            verbose_name="tổ chức")
    congress = models.ForeignKey(Congress, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="committee", verbose_name="nhiệm kỳ")
    body = models.CharField("cơ quan", max_length=20, choices=CommitteeBody.choices)
    role = models.CharField("chức danh", max_length=30, choices=CommitteeRole.choices)
    person_name = models.CharField("họ và tên", max_length=150)
    person_ref = models.CharField("mã đảng viên", max_length=40, blank=True)
    from_date = models.DateField("từ ngày")
    to_date = models.DateField("đến ngày", null=True, blank=True)
    method = models.CharField("hình thức", max_length=20, choices=SelectionMethod.choices)
    ballot_round = models.PositiveSmallIntegerField("lần bỏ phiếu", null=True, blank=True)
    decision_no = models.CharField("số quyết định", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    end_reason = models.CharField("lý do thôi", max_length=255, blank=True)

    class Meta:
        verbose_name = "thành viên cấp ủy"
        verbose_name_plural = "cấp ủy"
        ordering = ["org", "body", "role", "from_date"]
        indexes = [models.Index(fields=["org", "to_date"], name="committee_org_open")]

    def __str__(self) -> str:
        return f"{self.person_name} — {self.get_role_display()}"

    def is_active_on(self, day) -> bool:
        return self.from_date <= day and (self.to_date is None or self.to_date >= day)


class OrgLineage(models.Model):
    """Predecessor → successor across a restructuring (A-01): a merged province's former provinces, a
    split cell's parts. ``whole``: the predecessor went entirely into the successor, so the successor's
    figures over a period that straddles ``effective_on`` take the predecessor's up to the day before
    (``reports``); a part (split, members of a dissolved org sent one way, children another) does not."""

    predecessor = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="successor_links",
                                    verbose_name="tổ chức trước sắp xếp")
    successor = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="predecessor_links",
                                  verbose_name="tổ chức sau sắp xếp")
    effective_on = models.DateField("ngày hiệu lực")
    whole = models.BooleanField("toàn bộ", default=True)
    # the restructuring operation that recorded it (restructure context; no constraint: orgs knows nothing of it)
    operation_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "kế thừa tổ chức"
        verbose_name_plural = "kế thừa tổ chức"
        ordering = ["effective_on", "id"]
        indexes = [models.Index(fields=["successor", "effective_on"], name="lineage_successor")]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_on:%d/%m/%Y})"


class JournalOrg(models.Model):
    """An org's row as it stood before a restructuring first changed it (``restructuring.Journal``): undoing the
    operation puts it back. Kept in a table, not in the operation's journal document: the nationwide district
    abolition touches 300 000 orgs (a 200 MB document). ``operation_id``: the restructuring operation (restructure
    context; no constraint: orgs knows nothing of it)."""

    operation_id = models.PositiveBigIntegerField()
    org_id = models.PositiveBigIntegerField()
    path = models.CharField(max_length=255)
    depth = models.PositiveIntegerField()
    numchild = models.PositiveIntegerField()
    status = models.CharField(max_length=10)
    valid_to = models.DateField(null=True)
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=255)
    short_name = models.CharField(max_length=120)
    name_norm = models.CharField(max_length=255)
    kind = models.CharField(max_length=30)
    grassroots_type = models.CharField(max_length=30)
    congress_cycle_months = models.PositiveSmallIntegerField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["operation_id", "org_id"], name="journal_org_once")]

    def __str__(self) -> str:
        return f"#{self.operation_id}: {self.code} {self.path}"


class JournalVersion(models.Model):
    """A version row (``OrgVersion``, same id) as it stood before a restructuring ended, rewrote or removed it
    (``restructuring.Journal``)."""

    operation_id = models.PositiveBigIntegerField()
    version_id = models.PositiveBigIntegerField()
    org_id = models.PositiveBigIntegerField()
    change_id = models.PositiveBigIntegerField()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True)
    path = models.CharField(max_length=255)
    depth = models.PositiveIntegerField()
    parent_id = models.PositiveBigIntegerField(null=True)
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=255)
    short_name = models.CharField(max_length=120)
    kind = models.CharField(max_length=30)
    grassroots_type = models.CharField(max_length=30)
    admin_unit_id = models.PositiveBigIntegerField(null=True)
    status = models.CharField(max_length=10)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["operation_id", "version_id"], name="journal_version_once")]

    def __str__(self) -> str:
        return f"#{self.operation_id}: version {self.version_id} ({self.valid_from} – {self.valid_to or '…'})"
