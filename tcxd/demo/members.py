"""Demo members: every cell of the demo province gets members in plausible states, with histories
that exercise every event type, loaded through the same validation as the services (bulk loader).

Members admitted long ago carry their admission as a historical record (``data["historical"]``):
the paper dossier says when they were admitted, the pipeline of the time is not re-judged.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from tcxd.common.names import NameGenerator
from tcxd.members.bulk import EventSpec, MemberRecord, members_bulk_load
from tcxd.members.codes import Ethnicity, GeneralEducation, OccupationGroup, PoliticalTheory, ProfessionalLevel
from tcxd.orgs.kinds import CELL_KINDS
from tcxd.orgs.models import Org
from tcxd.rules.pure.calendar import add_months
from tcxd.rules.pure.membership import EventKind as K

TODAY = dt.date(2026, 11, 1)  # demo histories end here so the data are the same whatever day it runs
REGISTRY_START = dt.date(2016, 7, 25)  # QĐ 29-QĐ/TW: the oldest rule pack the registry holds
VOTE = {"summoned_official": 12, "temp_transferred_out": 0, "exempted_absent": 0, "yes": 11, "ballot_round": 1}


def _d(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


class MemberFactory:
    def __init__(self, seed: int, province_code: str = "020", place: str = "Lạng Sơn") -> None:
        self.rng = random.Random(seed)
        self.names = NameGenerator(seed + 1)
        self.serial = 0
        self.province_code = province_code  # the CCCD's province of registration
        self.place = place

    def _dossier(self, *, birth_year: int) -> dict:
        person = self.names.person()
        sex = person.sex
        birth = dt.date(birth_year, self.rng.randint(1, 12), self.rng.randint(1, 28))
        self.serial += 1
        century = ("0", "1") if birth.year < 2000 else ("2", "3")
        cccd = f"{self.province_code}{century[0] if sex == 'M' else century[1]}{birth.year % 100:02d}{self.serial:06d}"
        rng = self.rng
        ethnicity = rng.choices([Ethnicity.KINH, Ethnicity.TAY, Ethnicity.NUNG, Ethnicity.DAO, Ethnicity.HOA],
                                weights=[30, 35, 28, 5, 2])[0]
        return {
            "full_name": person.full, "sex": sex, "birth_date": birth, "cccd": cccd,
            "ethnicity": ethnicity, "birth_place": self.place, "hometown": self.place,
            "general_education": GeneralEducation.UPPER_SECONDARY if rng.random() < 0.85
            else GeneralEducation.LOWER_SECONDARY,
            "professional_level": rng.choices(list(ProfessionalLevel.values), weights=[20, 5, 20, 10, 35, 8, 2])[0],
            "political_theory": rng.choices(list(PoliticalTheory.values), weights=[40, 35, 18, 5, 2])[0],
            "occupation_group": rng.choice(list(OccupationGroup.values)),
            "phone": f"09{rng.randint(10000000, 99999999)}",
        }

    # --- histories -----------------------------------------------------------------------------------
    def _pipeline(self, org: int, start: dt.date, *, until: str) -> list[EventSpec]:
        """Candidate → … → ceremony (→ recognition): the full modern admission pipeline."""
        ev = [EventSpec(K.CANDIDATE, start, org),
              EventSpec(K.AWARENESS_COURSE, _d(start, 15), org, data={"certificate_no": f"NT-{self.serial}"}),
              EventSpec(K.APPLICATION, _d(start, 30), org),
              EventSpec(K.INTRODUCERS, _d(start, 32), org, data={"introducers": [
                  {"name": self.names.person().full, "official": True, "months_together": 24},
                  {"name": self.names.person().full, "official": True, "months_together": 18}]}),
              EventSpec(K.BACKGROUND_CHECK, _d(start, 50), org)]
        if until == "background":
            return ev
        ev.append(EventSpec(K.CELL_VOTE, _d(start, 70), org, data=dict(VOTE)))
        if until == "cell_vote":
            return ev
        decision = _d(start, 95)
        ev.append(EventSpec(K.ADMISSION_DECISION, decision, org, decision_no=f"{self.serial}-QĐ/ĐU",
                            decision_date=decision))
        if until == "decision":
            return ev
        ceremony = _d(decision, 12)
        ev.append(EventSpec(K.CEREMONY, ceremony, org))
        if until == "ceremony":
            return ev
        end = add_months(ceremony, 12)
        ev.append(EventSpec(K.RECOGNITION_VOTE, _d(end, 8), org, data=dict(VOTE)))
        ev.append(EventSpec(K.RECOGNITION, end, org, decision_no=f"{self.serial}-QĐ/ĐU",
                            decision_date=_d(end, 25)))
        return ev

    def _historical(self, org: int, decision: dt.date) -> list[EventSpec]:
        ceremony = _d(decision, 20)
        end = add_months(ceremony, 12)
        return [EventSpec(K.ADMISSION_DECISION, decision, org, decision_date=decision,
                          decision_no=f"{self.serial}-QĐ", data={"historical": True}),
                EventSpec(K.CEREMONY, ceremony, org, data={"historical": True}),
                EventSpec(K.RECOGNITION, end, org, decision_date=_d(end, 30), decision_no=f"{self.serial}-QĐ",
                          data={"historical": True})]

    def official(self, org: int) -> MemberRecord:
        rng = self.rng
        admitted_year = rng.choices([rng.randint(1958, 1985), rng.randint(1986, 2021), rng.randint(2022, 2024)],
                                    weights=[18, 55, 27])[0]
        birth_year = admitted_year - rng.randint(19, 35)
        # The registry holds the whole admission rule pack from HD 01-HD/TW (28/9/2021): later admissions
        # go through the full pipeline; earlier ones are copied from the paper dossier as historical records.
        if admitted_year >= 2022:
            start = dt.date(admitted_year, rng.randint(1, 10), rng.randint(1, 28))
            if add_months(start, 18) > TODAY:
                start = add_months(TODAY, -20)
            events = self._pipeline(org, start, until="recognition")
        else:
            events = self._historical(org, dt.date(admitted_year, rng.randint(1, 12), rng.randint(1, 28)))
        official_on = events[-1].on
        events.append(EventSpec(K.CARD_ISSUED, max(_d(official_on, 60), dt.date(2025, 8, 20)), org,
                                decision_no=f"T-{self.serial}", data={"card_no": f"{20000000 + self.serial}"}))
        events.extend(self._badges(org, events))
        return MemberRecord(self._dossier(birth_year=birth_year), events)

    def _badges(self, org: int, events: list[EventSpec]) -> Iterator[EventSpec]:
        admitted = events[0].decision_date or events[0].on
        for years in (30, 40, 45, 50, 55, 60, 65):
            reached = add_months(admitted, 12 * years)
            occasion = next((d for d in (dt.date(reached.year + k, m, day) for k in (0, 1)
                                         for m, day in ((2, 3), (5, 19), (9, 2), (11, 7))) if d >= reached), None)
            if occasion is None or occasion > TODAY or occasion < events[-1].on:
                continue
            data = {"years": years, "reason": "normal"}
            if occasion < REGISTRY_START:
                data["historical"] = True  # awarded before the rules the registry holds
            yield EventSpec(K.BADGE, occasion, org, decision_no=f"HH-{years}-{self.serial}", data=data)

    def probationary(self, org: int, *, overdue: bool = False) -> MemberRecord:
        months_ago = self.rng.randint(13, 15) if overdue else self.rng.randint(2, 10)
        start = _d(add_months(TODAY, -months_ago), -110)
        events = self._pipeline(org, start, until="ceremony")
        return MemberRecord(self._dossier(birth_year=self.rng.randint(1985, 2005)), events)

    def candidate(self, org: int, stage: str) -> MemberRecord:
        start = add_months(TODAY, -(4 if stage in ("decision", "cell_vote", "ceremony") else 2))
        return MemberRecord(self._dossier(birth_year=self.rng.randint(1990, 2006)),
                            self._pipeline(org, start, until=stage))


def build_demo_members(*, actor, province: Org, seed: int = 2025, cccd_province: str = "020",
                       place: str = "Lạng Sơn") -> tuple[int, int]:
    """Members for every cell of ``province`` (sized by the cell's planned headcount); their CCCD numbers
    registered in ``cccd_province``, born in ``place``."""
    factory = MemberFactory(seed, cccd_province, place)
    rng = factory.rng
    cells = list(Org.objects.filter(path__startswith=province.path, kind__in=CELL_KINDS, status="active")
                 .select_related("headcount").order_by("path"))
    records: list[MemberRecord] = []
    for i, cell in enumerate(cells):
        planned = getattr(cell, "headcount", None)
        official = planned.official if planned else rng.randint(5, 20)
        probationary = planned.probationary if planned else rng.randint(0, 2)
        officials = [factory.official(cell.id) for _ in range(official)]
        if officials:
            _later_life(factory, officials, cell, cells, i)
        records += officials
        records += [factory.probationary(cell.id, overdue=(i % 17 == 0 and k == 0)) for k in range(probationary)]
        if i % 5 == 0:
            records.append(factory.candidate(cell.id, rng.choice(["background", "cell_vote", "decision"])))
        if i % 11 == 0:
            records.append(factory.candidate(cell.id, "ceremony"))
    result = members_bulk_load(actor=actor, records=records)
    return result.created, len(result.rejected)


def _after(record: MemberRecord, days: int) -> dt.date:
    day = _d(record.events[-1].on, days)
    return min(day, TODAY)


def _later_life(factory: MemberFactory, officials: list[MemberRecord], cell: Org, cells: list[Org], i: int) -> None:
    """Give some officials the rest of the lifecycle: transfers, exemption, exits, discipline."""
    rng = factory.rng
    other = cells[(i + 7) % len(cells)].id
    first = officials[0]
    if i % 13 == 0:  # official transfer, waiting for the receiver (some long overdue)
        sent = min(_after(first, 30), add_months(TODAY, -(4 if i % 26 == 0 else 1)))
        if sent > first.events[-1].on:
            first.events.append(EventSpec(K.TRANSFER_OUT, sent, cell.id, target_org_id=other,
                                          decision_no=f"GT-{factory.serial}"))
    elif i % 19 == 0:
        first.events.append(EventSpec(K.TEMP_TRANSFER_OUT, _after(first, 40), cell.id, target_org_id=other,
                                      decision_no=f"GTT-{factory.serial}"))
    for record in officials[1:]:
        roll = rng.random()
        if record.dossier["birth_date"].year < 1950 and roll < 0.5:
            record.events.append(EventSpec(K.EXEMPTION_START, _after(record, 200), cell.id,
                                           data={"reason": "Tuổi cao, sức khỏe yếu"}))
        elif roll < 0.01:
            record.events.append(EventSpec(K.DIED, _after(record, 300), cell.id))
        elif roll < 0.015:
            record.events.append(EventSpec(K.STRUCK_OFF, _after(record, 90), cell.id, decision_no="XT-1",
                                           data={"exit_ground": "a_unpaid_fees"}))
        elif roll < 0.018:
            record.events.append(EventSpec(K.LEFT, _after(record, 120), cell.id, decision_no="RK-1"))
        elif roll < 0.025:
            record.events.append(EventSpec(K.DISCIPLINE, _after(record, 60), cell.id, decision_no="KL-1",
                                           data={"form": "khien_trach", "reason": "Vi phạm quy định sinh hoạt"}))
        elif roll < 0.03:  # screening (B-21): put on the help list by secret ballot; some judged a year later
            size = max(len(officials), 3)
            voted = min(_after(record, 90), add_months(TODAY, -rng.choice([3, 14])))
            if voted > record.events[-1].on:
                record.events.append(EventSpec(K.SCREENING_VOTE, voted, cell.id, data={
                    "summoned_official": size, "exempted_absent": 0, "yes": size - size // 3, "ballot_round": 1}))
                if add_months(voted, 12) <= TODAY and rng.random() < 0.5:
                    record.events.append(EventSpec(K.SCREENING_RESULT, add_months(voted, 12), cell.id,
                                                   data={"outcome": "improved"}))
