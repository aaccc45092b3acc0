"""ICH E2B(R3) export: one adverse-event case as an ICSR message (HL7 v3 ICSR R3, MCCI_IN200100UV01 batch
wrapping one PORR_IN049016UV message), built with xml.etree.ElementTree.

Element paths, OIDs and codes follow the ICH E2B(R3) implementation guide's reference instance as public
implementations reproduce it, and FDA's regional elements where marked FDA. docs/safety.md ("E2B(R3)
export") lists the sources relied on and what is not covered (MedDRA coding above all: the reaction is sent
as reported, in E.i.1.1a, with its MedDRA code left for the safety team's coding step).
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from typing import Any

from django.conf import settings
from django.utils import timezone

from besponsa.intake.models import AdverseEventReport

HL7 = "urn:hl7-org:v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ET.register_namespace("", HL7)
ET.register_namespace("xsi", XSI)

ICH = "2.16.840.1.113883.3.989.2.1"  # the ICH E2B(R3) OID arc
OID = {
    "batch_number": f"{ICH}.3.22",  # N.1.2
    "batch_sender": f"{ICH}.3.13",  # N.1.3
    "batch_receiver": f"{ICH}.3.14",  # N.1.4
    "message_number": f"{ICH}.3.1",  # N.2.r.1 and C.1.1
    "message_sender": f"{ICH}.3.11",  # N.2.r.2
    "message_receiver": f"{ICH}.3.12",  # N.2.r.3
    "worldwide_case_id": f"{ICH}.3.2",  # C.1.8.1
    "message_type": f"{ICH}.1.1",  # N.1.1
    "report_type": f"{ICH}.1.2",  # C.1.3 values
    "qualification": f"{ICH}.1.6",  # C.2.r.4
    "sender_type": f"{ICH}.1.7",  # C.3.1
    "outcome": f"{ICH}.1.11",  # E.i.7
    "drug_role": f"{ICH}.1.13",  # G.k.1
    "recurrence": f"{ICH}.1.16",  # G.k.9.i.4
    "observation": f"{ICH}.1.19",  # observation codes (age, weight, reaction, seriousness …)
    "value_grouping": f"{ICH}.1.20",  # organizer codes (history, tests, drugs)
    "report_relation": f"{ICH}.1.22",
    "characteristic": f"{ICH}.1.23",  # investigationCharacteristic codes
    "gender": "1.0.5218",  # ISO/IEC 5218
    "country": "1.0.3166.1.2.2",
    "hl7_interaction": "2.16.840.1.113883.1.6",
    "hl7_trigger": "2.16.840.1.113883.1.18",
    "hl7_act_code": "2.16.840.1.113883.5.4",
    "ncit": "2.16.840.1.113883.3.26.1.1",  # FDA regional codes are NCI Thesaurus concepts
    "fda_report_type": "2.16.840.1.113883.3.989.5.1.2.2.1.1.1",  # FDA.C.1.7.1 values
}
# Observation codes (OID["observation"]) used below.
OBS_AGE, OBS_WEIGHT, OBS_REACTION, OBS_OUTCOME = "3", "7", "29", "27"
OBS_HISTORY_TEXT, OBS_INDICATION, OBS_RECURRENCE, OBS_DRUG_ROLE = "18", "19", "31", "20"
OBS_ADDITIONAL_DOCS, OBS_EXPEDITED = "1", "23"
# E.i.3.2a-f seriousness criteria; FDA's "required intervention" (FDA.E.i.3.2h) is not emitted as its own
# element (see docs): it is sent as "other medically important condition", the ICH criterion that holds it.
SERIOUSNESS = (
    ("death", "34", "resultsInDeath"),
    ("life_threatening", "21", "isLifeThreatening"),
    ("hospitalization", "33", "requiresInpatientHospitalization"),
    ("disability", "35", "resultsInPersistentOrSignificantDisability"),
    ("congenital_anomaly", "12", "congenitalAnomalyBirthDefect"),
    ("other_serious", "26", "otherMedicallyImportantCondition"),
)
AGE_UNITS = {"years": "a", "months": "mo", "weeks": "wk", "days": "d"}  # UCUM
SEX_CODES = {"male": "1", "female": "2"}
QUALIFICATIONS = {"physician": "1", "pharmacist": "2"}  # any other HCP is 3 (other health professional)
RECURRENCE = {"yes": "1", "no": "2", "unknown": "3", "not_applicable": "4"}


def _tag(name: str) -> str:
    return f"{{{HL7}}}{name}"


def sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _tag(name), {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def _typed(parent: ET.Element, name: str, xsi_type: str, **attrs: str) -> ET.Element:
    element = sub(parent, name, **attrs)
    element.set(f"{{{XSI}}}type", xsi_type)
    return element


def ts(value: dt.datetime) -> str:
    """An HL7 TS with seconds and UTC offset (CCYYMMDDhhmmss+ZZZZ)."""
    return timezone.localtime(value).strftime("%Y%m%d%H%M%S%z")


def day(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%Y%m%d")


def _code(parent: ET.Element, code: str, system: str, name: str = "code", **extra: str) -> ET.Element:
    return sub(parent, name, code=code, codeSystem=system, **extra)


def _observation(parent: ET.Element, code: str, display: str) -> ET.Element:
    holder = sub(parent, "subjectOf2", typeCode="SBJ")
    observation = sub(holder, "observation", classCode="OBS", moodCode="EVN")
    _code(observation, code, OID["observation"], displayName=display)
    return observation


def _bl(parent: ET.Element, value: bool) -> None:
    _typed(parent, "value", "BL", value="true" if value else "false")


def case_id(report: AdverseEventReport) -> str:
    """C.1.1 / C.1.8.1: country, sender and the case number (unique worldwide)."""
    return f"US-{settings.INTAKE_E2B_SENDER_ID}-{report.case_number}"


def build(report: AdverseEventReport, *, now: dt.datetime | None = None) -> ET.Element:
    now = now or timezone.now()
    data: dict[str, Any] = report.data
    sender = settings.INTAKE_E2B_SENDER_ID
    receiver = settings.INTAKE_E2B_RECEIVER_ID

    batch = ET.Element(_tag("MCCI_IN200100UV01"), {"ITSVersion": "XML_1.0"})
    sub(
        batch, "id", root=OID["batch_number"], extension=f"{sender}-B-{report.case_number}-{now:%Y%m%d%H%M%S}"
    )
    sub(batch, "creationTime", value=ts(now))
    sub(batch, "responseModeCode", code="D")
    sub(batch, "interactionId", root=OID["hl7_interaction"], extension="MCCI_IN200100UV01")
    _code(batch, "1", OID["message_type"], name="name", displayName="ichicsr")

    message = sub(batch, "PORR_IN049016UV")
    sub(
        message,
        "id",
        root=OID["message_number"],
        extension=f"{sender}-M-{report.case_number}-{now:%Y%m%d%H%M%S}",
    )
    sub(message, "creationTime", value=ts(now))
    sub(message, "interactionId", root=OID["hl7_interaction"], extension="PORR_IN049016UV")
    sub(message, "processingCode", code="P")
    sub(message, "processingModeCode", code="T")
    sub(message, "acceptAckCode", code="AL")
    device = sub(
        sub(message, "receiver", typeCode="RCV"), "device", classCode="DEV", determinerCode="INSTANCE"
    )
    sub(device, "id", root=OID["message_receiver"], extension=receiver)
    device = sub(sub(message, "sender", typeCode="SND"), "device", classCode="DEV", determinerCode="INSTANCE")
    sub(device, "id", root=OID["message_sender"], extension=sender)

    control = sub(message, "controlActProcess", classCode="CACT", moodCode="EVN")
    _code(control, "PORR_TE049016UV", OID["hl7_trigger"])
    sub(control, "effectiveTime", value=ts(now))  # C.1.2 date of creation
    event = sub(
        sub(control, "subject", typeCode="SUBJ"), "investigationEvent", classCode="INVSTG", moodCode="EVN"
    )
    sub(event, "id", root=OID["message_number"], extension=case_id(report))  # C.1.1
    sub(event, "id", root=OID["worldwide_case_id"], extension=case_id(report))  # C.1.8.1
    _code(event, "PAT_ADV_EVNT", OID["hl7_act_code"])
    sub(event, "text", _narrative(data))  # H.1
    sub(event, "statusCode", code="active")
    sub(sub(event, "effectiveTime"), "low", value=ts(report.received_at))  # C.1.4 first received
    sub(event, "availabilityTime", value=ts(report.updated_at))  # C.1.5 most recent

    assessment = sub(sub(event, "component", typeCode="COMP"), "adverseEventAssessment",
                     classCode="INVSTG", moodCode="EVN")  # fmt: skip
    role = sub(sub(assessment, "subject1", typeCode="SBJ"), "primaryRole", classCode="INVSBJ")
    _patient(role, data)
    drug_ids = _drugs(role, data)
    for drug_id, characterization in drug_ids:
        causality = sub(sub(assessment, "component", typeCode="COMP"), "causalityAssessment",
                        classCode="OBS", moodCode="EVN")  # fmt: skip
        _code(causality, OBS_DRUG_ROLE, OID["observation"], displayName="interventionCharacterization")
        _typed(causality, "value", "CE", code=characterization, codeSystem=OID["drug_role"])  # G.k.1
        use = sub(sub(causality, "subject2", typeCode="SUBJ"), "productUseReference", classCode="SBADM",
                  moodCode="EVN")  # fmt: skip
        sub(use, "id", root=drug_id)

    docs = sub(sub(event, "component", typeCode="COMP"), "observationEvent", classCode="OBS", moodCode="EVN")
    _code(docs, OBS_ADDITIONAL_DOCS, OID["observation"], displayName="additionalDocumentsAvailable")
    _bl(docs, False)  # C.1.6.1
    expedited = sub(
        sub(event, "component", typeCode="COMP"), "observationEvent", classCode="OBS", moodCode="EVN"
    )
    _code(expedited, OBS_EXPEDITED, OID["observation"], displayName="localCriteriaForExpedited")
    _bl(expedited, report.serious)  # C.1.7 (expectedness is the safety team's call: see docs)
    fda_type = sub(
        sub(event, "component", typeCode="COMP"), "observationEvent", classCode="OBS", moodCode="EVN"
    )
    _code(fda_type, "C54588", OID["ncit"], displayName="localCriteriaReportType")  # FDA.C.1.7.1
    _typed(fda_type, "value", "CE", code="1" if report.serious else "2", codeSystem=OID["fda_report_type"],
           displayName="15-Day" if report.serious else "Non-Expedited")  # fmt: skip

    _primary_source(event, data)
    sender_event = sub(
        sub(event, "subjectOf1", typeCode="SUBJ"), "controlActEvent", classCode="CACT", moodCode="EVN"
    )
    entity = sub(sub(sender_event, "author", typeCode="AUT"), "assignedEntity", classCode="ASSIGNED")
    _code(entity, "1", OID["sender_type"], displayName="pharmaceuticalCompany")  # C.3.1
    organization = sub(entity, "representedOrganization", classCode="ORG", determinerCode="INSTANCE")
    sub(organization, "name", settings.INTAKE_E2B_SENDER_NAME)  # C.3.2

    report_type = sub(sub(event, "subjectOf2", typeCode="SUBJ"), "investigationCharacteristic",
                      classCode="OBS", moodCode="EVN")  # fmt: skip
    _code(report_type, "1", OID["characteristic"], displayName="ichReportType")
    _typed(
        report_type, "value", "CE", code="1", codeSystem=OID["report_type"], displayName="Spontaneous"
    )  # C.1.3
    other_ids = sub(sub(event, "subjectOf2", typeCode="SUBJ"), "investigationCharacteristic",
                    classCode="OBS", moodCode="EVN")  # fmt: skip
    _code(other_ids, "2", OID["characteristic"], displayName="otherCaseIds")
    _bl(other_ids, False)  # C.1.9.1
    return batch


def to_bytes(report: AdverseEventReport, *, now: dt.datetime | None = None) -> bytes:
    root = build(report, now=now)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _narrative(data: dict[str, Any]) -> str:
    parts = [str(data.get("event_description") or "").strip()]
    for label, key in (("Dechallenge", "dechallenge"), ("Concomitant products", "concomitant_products"),
                       ("Reported to FDA by the reporter", "reported_to_fda")):  # fmt: skip
        if data.get(key):
            parts.append(f"{label}: {data[key]}")
    return "\n".join(part for part in parts if part) or "No narrative given."


def _patient(role: ET.Element, data: dict[str, Any]) -> None:
    person = sub(role, "player1", classCode="PSN", determinerCode="INSTANCE")
    initials = str(data.get("patient_initials") or "")
    if initials:
        sub(person, "name", initials)  # D.1
    else:
        sub(person, "name", nullFlavor="UNK")
    sex = SEX_CODES.get(str(data.get("patient_sex") or ""))
    if sex:
        _code(person, sex, OID["gender"], name="administrativeGenderCode")  # D.5
    else:
        sub(person, "administrativeGenderCode", nullFlavor="UNK")
    if data.get("patient_dob"):
        sub(person, "birthTime", value=day(data["patient_dob"]))  # D.2.1
    if data.get("death_date"):
        sub(person, "deceasedTime", value=day(data["death_date"]))  # D.9.1
    if data.get("patient_age") not in (None, ""):
        age = _observation(role, OBS_AGE, "age")  # D.2.2a/b
        unit = AGE_UNITS.get(str(data.get("patient_age_unit") or "years"), "a")
        _typed(age, "value", "PQ", value=str(data["patient_age"]), unit=unit)
    if data.get("patient_weight"):
        weight = _observation(role, OBS_WEIGHT, "bodyWeight")  # D.3 in kg
        kg = float(data["patient_weight"]) / (2.20462 if data.get("patient_weight_unit") == "lb" else 1.0)
        _typed(weight, "value", "PQ", value=f"{kg:.1f}", unit="kg")
    if data.get("medical_history"):
        organizer = sub(
            sub(role, "subjectOf2", typeCode="SBJ"), "organizer", classCode="CATEGORY", moodCode="EVN"
        )
        _code(
            organizer, "1", OID["value_grouping"], displayName="relevantMedicalHistoryAndConcurrentConditions"
        )
        history = sub(
            sub(organizer, "component", typeCode="COMP"), "observation", classCode="OBS", moodCode="EVN"
        )
        _code(history, OBS_HISTORY_TEXT, OID["observation"], displayName="historyAndConcurrentConditionText")
        _typed(history, "value", "ED").text = str(data["medical_history"])  # D.7.2
    _reaction(role, data)
    if data.get("tests_labs"):
        organizer = sub(
            sub(role, "subjectOf2", typeCode="SBJ"), "organizer", classCode="CATEGORY", moodCode="EVN"
        )
        _code(
            organizer, "3", OID["value_grouping"], displayName="testsAndProceduresRelevantToTheInvestigation"
        )
        test = sub(
            sub(organizer, "component", typeCode="COMP"), "observation", classCode="OBS", moodCode="EVN"
        )
        sub(sub(test, "code"), "originalText", "Relevant tests and laboratory data (as reported)")  # F.r.2.1
        _typed(test, "value", "ED").text = str(data["tests_labs"])  # F.r.3.4 result, unstructured


def _reaction(role: ET.Element, data: dict[str, Any]) -> None:
    reaction = _observation(role, OBS_REACTION, "reaction")
    sub(reaction, "id", root=str(uuid.uuid4()))
    if data.get("event_onset"):
        period = _typed(reaction, "effectiveTime", "IVL_TS")
        sub(period, "low", value=day(data["event_onset"]))  # E.i.4
    value = _typed(reaction, "value", "CE", nullFlavor="NI")  # E.i.2.1b MedDRA code: not coded here
    sub(value, "originalText", str(data.get("event_description") or "Not described")[:250])  # E.i.1.1a
    outcomes = set(data.get("outcomes") or ())
    if "required_intervention" in outcomes:
        outcomes.add("other_serious")
    for key, code, display in SERIOUSNESS:  # E.i.3.2a-f
        criterion = sub(sub(reaction, "outboundRelationship2", typeCode="PERT"), "observation",
                        classCode="OBS", moodCode="EVN")  # fmt: skip
        _code(criterion, code, OID["observation"], displayName=display)
        if key in outcomes:
            _bl(criterion, True)
        else:
            _typed(criterion, "value", "BL", nullFlavor="NI")
    outcome = sub(sub(reaction, "outboundRelationship2", typeCode="PERT"), "observation",
                  classCode="OBS", moodCode="EVN")  # fmt: skip
    _code(outcome, OBS_OUTCOME, OID["observation"], displayName="outcome")
    # E.i.7: the form asks for outcomes as seriousness, not the state at last observation; death is the
    # only one it can tell (5 fatal); anything else is 0 unknown until the safety team follows up.
    fatal = "death" in outcomes
    _typed(outcome, "value", "CE", code="5" if fatal else "0", codeSystem=OID["outcome"])


def _drugs(role: ET.Element, data: dict[str, Any]) -> list[tuple[str, str]]:
    organizer = sub(
        sub(role, "subjectOf2", typeCode="SBJ"), "organizer", classCode="CATEGORY", moodCode="EVN"
    )
    _code(organizer, "4", OID["value_grouping"], displayName="drugInformation")
    drugs: list[tuple[str, str]] = []
    suspect_id = str(uuid.uuid4())
    admin = sub(sub(organizer, "component", typeCode="COMP"), "substanceAdministration",
                classCode="SBADM", moodCode="EVN")  # fmt: skip
    sub(admin, "id", root=suspect_id)
    kind = sub(sub(sub(admin, "consumable", typeCode="CSM"), "instanceOfKind", classCode="INST"),
               "kindOfProduct", classCode="MMAT", determinerCode="KIND")  # fmt: skip
    sub(kind, "name", str(data.get("product_name") or "BESPONSA (inotuzumab ozogamicin)"))  # G.k.2.2
    dosage = sub(sub(admin, "outboundRelationship2", typeCode="COMP"), "substanceAdministration",
                 classCode="SBADM", moodCode="EVN")  # fmt: skip
    if data.get("dose"):
        sub(dosage, "text", str(data["dose"]))  # G.k.4.r.8 dosage text
    if data.get("therapy_start") or data.get("therapy_end"):
        period = _typed(dosage, "effectiveTime", "IVL_TS")
        if data.get("therapy_start"):
            sub(period, "low", value=day(data["therapy_start"]))  # G.k.4.r.4
        if data.get("therapy_end"):
            sub(period, "high", value=day(data["therapy_end"]))  # G.k.4.r.5
    if data.get("lot_number"):
        instance = sub(sub(sub(dosage, "consumable", typeCode="CSM"), "instanceOfKind", classCode="INST"),
                       "productInstanceInstance", classCode="MMAT", determinerCode="INSTANCE")  # fmt: skip
        sub(instance, "lotNumberText", str(data["lot_number"]))  # G.k.4.r.7
    if data.get("rechallenge"):
        recurrence = sub(sub(admin, "outboundRelationship2", typeCode="PERT"), "observation",
                         classCode="OBS", moodCode="EVN")  # fmt: skip
        _code(recurrence, OBS_RECURRENCE, OID["observation"], displayName="recurranceOfReaction")
        _typed(
            recurrence, "value", "CE", code=RECURRENCE[str(data["rechallenge"])], codeSystem=OID["recurrence"]
        )
    if data.get("indication"):
        reason = sub(sub(admin, "inboundRelationship", typeCode="RSON"), "observation", classCode="OBS",
                     moodCode="EVN")  # fmt: skip
        _code(reason, OBS_INDICATION, OID["observation"], displayName="indication")
        sub(
            _typed(reason, "value", "CE", nullFlavor="NI"), "originalText", str(data["indication"])
        )  # G.k.7.r.1
    drugs.append((suspect_id, "1"))  # suspect
    if data.get("concomitant_products"):
        other_id = str(uuid.uuid4())
        admin = sub(sub(organizer, "component", typeCode="COMP"), "substanceAdministration",
                    classCode="SBADM", moodCode="EVN")  # fmt: skip
        sub(admin, "id", root=other_id)
        kind = sub(sub(sub(admin, "consumable", typeCode="CSM"), "instanceOfKind", classCode="INST"),
                   "kindOfProduct", classCode="MMAT", determinerCode="KIND")  # fmt: skip
        sub(kind, "name", str(data["concomitant_products"])[:250])
        drugs.append((other_id, "2"))  # concomitant
    return drugs


def _primary_source(event: ET.Element, data: dict[str, Any]) -> None:
    related = sub(sub(event, "outboundRelationship", typeCode="SPRT"), "relatedInvestigation",
                  classCode="INVSTG", moodCode="EVN")  # fmt: skip
    _code(related, "2", OID["report_relation"], displayName="sourceReport")
    control = sub(
        sub(related, "subjectOf2", typeCode="SUBJ"), "controlActEvent", classCode="CACT", moodCode="EVN"
    )
    entity = sub(sub(control, "author", typeCode="AUT"), "assignedEntity", classCode="ASSIGNED")
    if data.get("reporter_phone"):
        sub(entity, "telecom", value=f"tel:{data['reporter_phone']}")
    if data.get("reporter_email"):
        sub(entity, "telecom", value=f"mailto:{data['reporter_email']}")
    person = sub(entity, "assignedPerson", classCode="PSN", determinerCode="INSTANCE")
    name = str(data.get("reporter_name") or "").split()
    if name:
        element = sub(person, "name")
        if len(name) > 1:
            sub(element, "given", " ".join(name[:-1]))  # C.2.r.1.2
        sub(element, "family", name[-1])  # C.2.r.1.4
    else:
        sub(person, "name", nullFlavor="UNK")
    profession = str(data.get("reporter_profession") or "")
    qualified = sub(person, "asQualifiedEntity", classCode="QUAL")
    if profession:
        _code(qualified, QUALIFICATIONS.get(profession, "3"), OID["qualification"])  # C.2.r.4
    else:
        sub(qualified, "code", nullFlavor="UNK", codeSystem=OID["qualification"])
    located = sub(person, "asLocatedEntity", classCode="LOCE")
    _code(
        sub(located, "location", classCode="COUNTRY", determinerCode="INSTANCE"), "US", OID["country"]
    )  # C.2.r.3
