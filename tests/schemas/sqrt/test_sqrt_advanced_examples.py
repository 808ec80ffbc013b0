"""The advanced examples page's policies and the issue's example, with their documented outcomes."""

from __future__ import annotations

import pytest
from sqrt_examples import ADVANCED_EXAMPLES as A

from sequrity_contract.schemas.sqrt import PolicyPresets, PolicySession, parse_policy

ISSUE_POLICY = r"""
tool "send_email" { must deny when body.tags superset of {"internal_use_only"}
                    and (not to.value in {str matching r".*@trustedcorp\.com"}); }
tool "load_applicant_profile" -> @tags |= {"internal_use_only"};
"""


@pytest.mark.parametrize("name", sorted(A))
def test_every_advanced_example_parses(name: str) -> None:
    assert parse_policy(A[name]).declarations


@pytest.mark.parametrize(("to", "allowed"), [("hr@gmail.com", False), ("someone@trustedcorp.com", True),
                                              ("someone@trustedcorp.com.evil.org", False)])
def test_the_issue_example(to: str, allowed: bool) -> None:
    session = PolicySession(ISSUE_POLICY)
    assert session.check_call("load_applicant_profile", {"applicant_id": "applicant-829"}).allowed
    profile = session.observe_result("load_applicant_profile", "Name: Alice White; SSN: 000-12-3456")
    assert "internal_use_only" in profile.meta.tags.strings()
    decision = session.check_call("send_email", {"to": to, "subject": "Profile", "body": f"Here: {profile.value}"})
    assert decision.allowed is allowed
    if not allowed:
        assert decision.message is not None and "'send_email' is denied" in decision.message
        assert decision.verdict == "hard_denied" and len(decision.fired) == 1
        assert decision.to_json()["fired"][0]["line"] == 2
    assert session.check_call("send_email", {"to": to, "body": "nothing from the profile"}).allowed


@pytest.mark.parametrize(("to", "allowed"), [("research@gmail.com", False), ("admin@trustedcorp.com", True)])
def test_example_1_sensitive_data_leaks(to: str, allowed: bool) -> None:
    session = PolicySession(A["1_sensitive_data_leaks"])
    document = session.observe_result("get_internal_document", "# Internal Transaction\ndocument ID: DOC12345")
    body = f"Attached: {document.value}"
    assert session.check_call("send_email", {"to": to, "subject": "Doc", "body": body}).allowed is allowed


def test_example_2_the_fourth_refund_attempt_is_allowed() -> None:
    session = PolicySession(A["2_business_logic"])
    verdicts = [session.check_call("issue_refund", {"order_id": "ORDER67890"}) for _ in range(4)]
    assert [d.allowed for d in verdicts] == [False, False, False, True]
    assert all("'issue_refund' is denied by argument" in (d.message or "") for d in verdicts[:3])
    assert session.session_meta.tags.strings() == ["attempt1", "attempt2", "attempt3", "final_attempt"]


@pytest.mark.parametrize("with_marketing", [True, False])
def test_example_3_data_provenance(with_marketing: bool) -> None:
    session = PolicySession(A["3_data_provenance"])
    report = session.observe_result("get_quarterly_earning_report", "# Quarter Report\nCompany: Sequrity AI")
    marketing = (session.observe_result("get_marketing_analysis", "# Marketing Analysis: strong").value
                 if with_marketing else "The marketing analysis indicates a strong brand presence")
    decision = session.check_call("generate_business_summary",
                                  {"earning_report": report.value, "marketing_analysis": marketing})
    assert decision.allowed is with_marketing
    if not with_marketing:
        assert decision.message == "Tool call to 'generate_business_summary' is denied by argument checking policies."


@pytest.mark.parametrize("de_identify", [True, False])
def test_example_4_legal_compliance(de_identify: bool) -> None:
    session = PolicySession(A["4_legal_compliance"])
    record = session.observe_result("load_patient_record", "# Patient Record\nPatient ID: PATIENT001")
    data = record.value
    if de_identify:
        assert session.check_call("de_identify_data", {"data": data}).allowed
        data = session.observe_result("de_identify_data", "# Patient Record\nPatient ID: [REDACTED]").value
    decision = session.check_call("send_to_research_institute", {"data": data})
    assert decision.allowed is de_identify


def test_example_5_1_tags_the_profile_with_race() -> None:
    session = PolicySession(A["5_1_fairness"])
    profile = session.observe_result("retrive_applicant_profile", '{"race": "European"}')
    assert "RACE" in profile.meta.tags.strings()


@pytest.mark.parametrize("preset", [True, False])
def test_example_5_2_llm_blocked_tag(preset: bool) -> None:
    session = PolicySession(A["5_2_llm_blocked"], PolicyPresets(enable_llm_blocked_tag=preset))
    text = session.observe_result("retrive_applicant_profile_text", "Applicant ID: applicant-154\nRace: European").value
    decision = session.check_call("parse_with_ai", {"query": f"Extract the name from: {text}"})
    assert decision.allowed is not preset
    assert session.check_call("send_email", {"to": "hr-1@gmail.com", "attachment_content": text}).allowed
