"""Item 5: the E2B(R3) export parses back and carries the required elements for the data held."""

from __future__ import annotations

from typing import Any

import pytest
from defusedxml import ElementTree as SafeET
from django.test import Client

from besponsa.intake import e2b
from besponsa.intake.models import AdverseEventReport

from .conftest import COMPLETE_REPORT, post_form

pytestmark = pytest.mark.django_db
NS = {"h": e2b.HL7, "xsi": e2b.XSI}
OBS = e2b.OID["observation"]


def _export(gated: Client, data: dict[str, Any]) -> Any:
    post_form(gated, "/report-adverse-event/", data)
    report = AdverseEventReport.objects.latest("received_at")
    return report, SafeET.fromstring(e2b.to_bytes(report))


def _coded(elements: list[Any], code: str) -> Any:
    return next(e for e in elements if e.find("h:code", NS).get("code") == code)


def _one(root: Any, path: str) -> Any:
    found = root.findall(path, NS)
    assert len(found) == 1, (path, len(found))
    return found[0]


def test_a_complete_case_exports_the_required_e2b_elements(gated: Client) -> None:
    report, root = _export(gated, COMPLETE_REPORT)
    assert root.tag == f"{{{e2b.HL7}}}MCCI_IN200100UV01"
    assert _one(root, "h:id").get("root") == "2.16.840.1.113883.3.989.2.1.3.22"  # N.1.2
    assert _one(root, "h:PORR_IN049016UV/h:interactionId").get("extension") == "PORR_IN049016UV"
    event = _one(root, "h:PORR_IN049016UV/h:controlActProcess/h:subject/h:investigationEvent")
    ids = {i.get("root"): i.get("extension") for i in event.findall("h:id", NS)}
    assert ids["2.16.840.1.113883.3.989.2.1.3.1"].endswith(report.case_number)  # C.1.1
    assert ids["2.16.840.1.113883.3.989.2.1.3.2"].startswith("US-")  # C.1.8.1
    assert (
        _one(event, "h:effectiveTime/h:low").get("value").startswith(report.received_at.strftime("%Y"))
    )  # C.1.4
    assert _one(event, "h:availabilityTime").get("value")  # C.1.5
    characteristics = event.findall("h:subjectOf2/h:investigationCharacteristic", NS)
    report_type = _coded(characteristics, "1").find("h:value", NS)
    assert report_type.get("code") == "1" and report_type.get("codeSystem") == e2b.OID["report_type"]  # C.1.3
    expedited = _coded(event.findall("h:component/h:observationEvent", NS), "23")
    assert expedited.find("h:value", NS).get("value") == "true"  # C.1.7 (serious)
    # C.2.r: the primary source, qualification physician, country US.
    person = _one(event, "h:outboundRelationship/h:relatedInvestigation/h:subjectOf2/h:controlActEvent"
                         "/h:author/h:assignedEntity/h:assignedPerson")  # fmt: skip
    assert _one(person, "h:name/h:family").text == "Franklin"
    assert _one(person, "h:asQualifiedEntity/h:code").get("code") == "1"
    assert (
        _one(event, "h:subjectOf1/h:controlActEvent/h:author/h:assignedEntity/h:code").get("code") == "1"
    )  # C.3.1
    # D: the patient.
    role = _one(event, "h:component/h:adverseEventAssessment/h:subject1/h:primaryRole")
    player = _one(role, "h:player1")
    assert _one(player, "h:name").text == "J.D."
    assert _one(player, "h:administrativeGenderCode").get("code") == "2"
    observations = {
        o.find("h:code", NS).get("code"): o for o in role.findall("h:subjectOf2/h:observation", NS)
    }
    age = observations["3"].find("h:value", NS)
    assert (age.get("value"), age.get("unit")) == ("34", "a")
    assert observations["7"].find("h:value", NS).get("value") == "62.5"
    # E.i: the reaction as reported, onset, seriousness criteria, outcome.
    reaction = observations["29"]
    assert _one(reaction, "h:value/h:originalText").text.startswith("Raised bilirubin")
    assert _one(reaction, "h:effectiveTime/h:low").get("value") == "20261020"
    criteria = {
        o.find("h:code", NS).get("code"): o.find("h:value", NS)
        for o in reaction.findall("h:outboundRelationship2/h:observation", NS)
    }
    assert criteria["33"].get("value") == "true" and criteria["21"].get("value") == "true"
    assert criteria["34"].get("nullFlavor") == "NI"
    assert criteria["27"].get("codeSystem") == e2b.OID["outcome"]
    # G.k: the suspect drug, its dosage, lot and role.
    drug = _one(role, "h:subjectOf2/h:organizer/h:component/h:substanceAdministration")
    assert _one(drug, "h:consumable/h:instanceOfKind/h:kindOfProduct/h:name").text.startswith("BESPONSA")
    dosage = _one(drug, "h:outboundRelationship2/h:substanceAdministration")
    assert _one(dosage, "h:effectiveTime/h:low").get("value") == "20260901"
    assert (
        _one(dosage, "h:consumable/h:instanceOfKind/h:productInstanceInstance/h:lotNumberText").text
        == "LOT123"
    )
    causality = _one(event, "h:component/h:adverseEventAssessment/h:component/h:causalityAssessment")
    assert _one(causality, "h:value").get("code") == "1"  # G.k.1 suspect
    assert _one(causality, "h:subject2/h:productUseReference/h:id").get("root") == _one(drug, "h:id").get(
        "root"
    )
    assert _one(event, "h:text").text.startswith("Raised bilirubin")  # H.1


def test_an_incomplete_case_exports_null_flavors_instead_of_inventing_data(gated: Client) -> None:
    _report, root = _export(gated, {"event_description": "Fever", "product_name": "BESPONSA"})
    event = _one(root, "h:PORR_IN049016UV/h:controlActProcess/h:subject/h:investigationEvent")
    player = _one(event, "h:component/h:adverseEventAssessment/h:subject1/h:primaryRole/h:player1")
    assert _one(player, "h:name").get("nullFlavor") == "UNK"
    assert _one(player, "h:administrativeGenderCode").get("nullFlavor") == "UNK"
    expedited = _coded(event.findall("h:component/h:observationEvent", NS), "23")
    assert expedited.find("h:value", NS).get("value") == "false"
