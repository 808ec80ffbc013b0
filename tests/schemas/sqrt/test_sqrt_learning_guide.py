"""Every SQRT example of the learning guide, with the outcome its text documents."""

from __future__ import annotations

import pytest
from sqrt_examples import LEARNING_GUIDE as G
from sqrt_probe import PLAIN, holds, set_of, tagged

from sequrity_contract.schemas.sqrt import PolicyPresets, PolicySession, SqrtPolicyError, parse_policy


@pytest.mark.parametrize("name", sorted(G))
def test_every_learning_guide_example_parses(name: str) -> None:
    assert parse_policy(G[name]).declarations


# --- quick reference -------------------------------------------------------------------------

def test_quick_reference_check_rules_need_their_condition_bound() -> None:
    with pytest.raises(SqrtPolicyError, match="'condition' is not defined"):
        PolicySession(G["index.check_rules"])
    session = PolicySession('let condition = x.value == "bad";' + G["index.check_rules"])
    assert session.check_call("my_tool", {"x": "bad"}).verdict == "hard_denied"
    assert session.check_call("my_tool", {"x": "good"}).verdict == "soft_denied"


def test_quick_reference_meta_updates() -> None:
    session = PolicySession(G["index.meta_updates"], PLAIN)
    assert session.observe_result("my_tool", "out").meta.tags.strings() == ["processed"]
    assert session.session_meta.tags.strings() == ["completed"]


def test_quick_reference_shorthand() -> None:
    session = PolicySession(G["index.shorthand"], PLAIN)
    session.observe_result("my_tool", "plain")
    assert session.session_meta.tags.strings() == []
    result = session.observe_result("my_tool", "x", {"tags": ["important"]})
    assert result.meta.tags.strings() == ["important", "tagged"]
    assert session.session_meta.tags.strings() == ["priority"]


# --- metadata ----------------------------------------------------------------------------------

def test_metadata_result_update_adds_producers_consumers_and_tags() -> None:
    session = PolicySession(G["metadata.policy_meta_update"], PLAIN)
    profile = session.observe_result("get_applicant_profile", {"name": "Alice White", "age": 20, "gpa": 3.8})
    assert profile.meta.producers.strings() == ["university_database_service"]
    assert profile.meta.tags.strings() == ["education", "personal_data", "university"]
    # consumers start universal (the documented default), so the union stays universal
    assert all(profile.meta.consumers.contains(c) for c in ("admissions_office", "scholarship_committee"))


@pytest.mark.parametrize(("to", "allowed"), [("research@gmail.com", False), ("dean@university.edu", True),
                                              ("hr@admission.edu", True)])
def test_metadata_check_denies_university_data_to_outsiders(to: str, allowed: bool) -> None:
    session = PolicySession(G["metadata.policy_meta_update"] + G["metadata.policy_meta_check"])
    profile = session.observe_result("get_applicant_profile", '{"name": "Alice White"}')
    body = f"Applicant Profile: {profile.value}"
    assert session.check_call("send_email", {"to": to, "subject": "Profile", "body": body}).allowed is allowed
    assert session.check_call("send_email", {"to": to, "body": "no profile here"}).allowed


# --- basic types -----------------------------------------------------------------------------

@pytest.mark.parametrize(("section", "name", "value", "inside"), [
    ("bool_domains", "BoolTrue", True, True), ("bool_domains", "BoolTrue", False, False),
    ("bool_domains", "BoolFalse", False, True), ("bool_domains", "BoolTrue", 1, False),
    ("int_domains", "ExactInt", 42, True), ("int_domains", "ExactInt", 43, False),
    ("int_domains", "IntRange", 1, True), ("int_domains", "IntRange", 100, True),
    ("int_domains", "IntRange", 101, False), ("int_domains", "IntRange", 50.5, False),
    ("int_domains", "IntExclusive", 0, False), ("int_domains", "IntExclusive", 99, True),
    ("int_domains", "IntExclusive", 100, False),
    ("int_domains", "IntExcludeLeft", 0, False), ("int_domains", "IntExcludeLeft", 10, True),
    ("int_domains", "IntExcludeRight", 0, True), ("int_domains", "IntExcludeRight", 10, False),
    ("int_domains", "IntFrom", 10, True), ("int_domains", "IntFrom", 9, False),
    ("int_domains", "IntTo", 50, True), ("int_domains", "IntTo", 51, False),
    ("float_domains", "ExactFloat", 3.14, True), ("float_domains", "ExactFloat", 3.15, False),
    ("float_domains", "FloatRange", 0.5, True), ("float_domains", "FloatRange", 1, True),
    ("float_domains", "FloatRange", 1.01, False),
    ("float_domains", "FloatToExclusive", 3.13, True), ("float_domains", "FloatToExclusive", 3.14, False),
    ("str_domains", "ExactStr", "hello world", True), ("str_domains", "ExactStr", "hello", False),
    ("str_domains", "EmailPattern", "alice@example.com", True),
    ("str_domains", "EmailPattern", "alice@exampleXcom", False),
    ("str_domains", "EmailPattern", "Alice@example.com", False),
    ("str_domains", "TxtFiles", "notes.txt", True), ("str_domains", "TxtFiles", "notes.txt.bak", False),
    ("str_domains", "ShortStr", "", False), ("str_domains", "ShortStr", "abc", True),
    ("str_domains", "ShortStr", "x" * 21, False),
    ("datetime_domains", "ExactDate", "2023-10-01T00:00:00Z", True),
    ("datetime_domains", "ExactDate", "2023-10-01T00:00:01Z", False),
    ("datetime_domains", "DateRange", "2023-09-15T12:00:00+00:00", True),
    ("datetime_domains", "DateRange", "2023-10-01T00:00:00Z", True),
    ("datetime_domains", "DateRange", "2023-10-02T00:00:00Z", False),
    ("datetime_domains", "EpochZero", "1970-01-01T00:00:00Z", True),
    ("datetime_domains", "EpochZero", 0, True), ("datetime_domains", "EpochZero", "not a date", False),
])
def test_basic_type_domains(section: str, name: str, value: object, inside: bool) -> None:
    assert holds(G[f"basic_types.{section}"], f"v.value in {name}", v=value) is inside


# --- set operations ----------------------------------------------------------------------------

def test_set_literals() -> None:
    policy = G["set_operations.set_literals"]
    assert set_of(policy, "EmptySet") == []
    assert set_of(policy, "SimpleSet") == ["a", "b", "c"]
    assert set_of(policy, "UniversalSet") == ["*"]
    assert holds(policy, "x.tags subset of UniversalSet", x=tagged("v", "anything"))
    assert holds(policy, "x.tags subset of SimpleSet", x=tagged("v", "a", "c"))
    assert not holds(policy, "x.tags subset of SimpleSet", x=tagged("v", "a", "z"))


@pytest.mark.parametrize(("names", "expected"), [
    (("Union1", "Union2"), ["a", "new", "remove", "toggle"]),
    (("Intersect1", "Intersect2"), ["a"]),
    (("Minus1", "Minus2"), ["a", "toggle"]),
    (("Xor1", "Xor2"), ["a", "remove"]),
])
def test_set_binary_operations_in_symbol_and_keyword_form(names: tuple[str, str], expected: list[str]) -> None:
    arg1 = tagged("v", "a", "remove", "toggle")
    for name in names:
        assert set_of(G["set_operations.set_binary_ops"], name, arg1=arg1) == expected


def test_set_element_operations() -> None:
    policy, arg1 = G["set_operations.set_element_ops"], tagged("v", "old", "removed", "kept")
    assert set_of(policy, "WithElement", arg1=arg1) == ["added", "kept", "old", "removed"]
    assert set_of(policy, "WithoutElement", arg1=arg1) == ["kept", "old"]
    assert set_of(policy, "Chained", arg1=arg1) == ["kept", "new", "removed"]


def test_set_aggregations_and_their_args_shorthand() -> None:
    args = {"a": tagged("1", "x", "y", producers=("p1",), consumers=("c1", "c2")),
            "b": tagged("2", "y", "z", producers=("p2",), consumers=("c2",))}
    aggregations, sugar = G["set_operations.set_aggregations"], G["set_operations.args_meta_sugar"]
    assert set_of(aggregations, "AllTags", **args) == ["x", "y", "z"]
    assert set_of(aggregations, "CommonTags", **args) == ["y"]
    assert set_of(aggregations, "AllProducers", **args) == ["p1", "p2"]
    assert set_of(aggregations, "CommonConsumers", **args) == ["c2"]
    for name, expected in (("AllTags", ["x", "y", "z"]), ("AllTagsExplicit", ["x", "y", "z"]),
                           ("CommonTags", ["y"]), ("AllProducers", ["p1", "p2"]), ("CommonConsumers", ["c2"])):
        assert set_of(sugar, name, **args) == expected


def test_meta_field_access_from_arguments_result_and_session() -> None:
    policy = G["set_operations.meta_field_access"]
    arg = tagged("v", "t", producers=("p",), consumers=("c",))
    assert set_of(policy, "ArgTags", arg1=arg) == ["t"]
    assert set_of(policy, "ArgProducers", arg2=arg) == ["p"]
    assert set_of(policy, "ArgConsumers", arg3=arg) == ["c"]
    session = PolicySession(policy, PLAIN)
    assert session.observe_result("example", "r").meta.tags.strings() == ["processed"]
    session.check_call("session_example", {})
    assert session.session_meta.tags.strings() == ["started"]


# --- predicates --------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "args", "expected"), [
    ("IsAdmin", {"arg1": "root"}, True), ("IsAdmin", {"arg1": "guest"}, False),
    ("IsSpecificUser", {"arg1": "alice"}, True), ("IsSpecificUser", {"arg1": "bob"}, False),
    ("IsValidPort", {"port": 65535}, True), ("IsValidPort", {"port": 0}, False),
    ("IsValidPort", {"port": 70000}, False), ("IsValidPort", {"port": "80"}, False),
    ("IsEmail", {"email": "bob@example.com"}, True), ("IsEmail", {"email": "bob@example.org"}, False),
])
def test_value_comparisons(name: str, args: dict[str, object], expected: bool) -> None:
    assert holds(G["predicates.value_comparisons"], name, **args) is expected


@pytest.mark.parametrize(("name", "tags", "expected"), [
    ("HasSensitiveTag", ("pii", "x"), True), ("HasSensitiveTag", ("x",), False),
    ("OnlyAllowedTags", ("public", "safe"), True), ("OnlyAllowedTags", ("public", "x"), False),
    ("OnlyAllowedTags", (), True),
    ("HasRequiredTags", ("reviewed", "approved", "x"), True), ("HasRequiredTags", ("reviewed",), False),
    ("ExactMatch", ("expected", "tags"), True), ("ExactMatch", ("expected",), False),
    ("NoTags", (), True), ("NoTags", ("x",), False),
])
def test_set_comparisons(name: str, tags: tuple[str, ...], expected: bool) -> None:
    assert holds(G["predicates.set_comparisons"], name, data=tagged("v", *tags)) is expected


def test_is_universal_reads_consumers() -> None:
    policy = G["predicates.set_comparisons"]
    assert holds(policy, "OpenAccess", data=tagged("v"))
    assert not holds(policy, "OpenAccess", data=tagged("v", consumers=("alice",)))


@pytest.mark.parametrize(("role", "user_tags", "data_tags"), [
    (role, user, data) for role in ("admin", "guest") for user in ((), ("trusted",)) for data in ((), ("pii",))])
def test_logical_operations(role: str, user_tags: tuple[str, ...], data_tags: tuple[str, ...]) -> None:
    policy = G["predicates.logical_ops"]
    args = {"role": role, "user": tagged("u", *user_tags), "data": tagged("d", *data_tags)}
    admin, trusted, sensitive = role == "admin", bool(user_tags), bool(data_tags)
    assert holds(policy, "AdminAndTrusted", **args) is (admin and trusted)
    assert holds(policy, "AdminOrTrusted", **args) is (admin or trusted)
    assert holds(policy, "NotAdmin", **args) is (not admin)
    assert holds(policy, "CanAccessSensitive", **args) is ((admin or trusted) and not sensitive)


def test_session_predicates() -> None:
    policy = G["predicates.session_predicates"] + '\ntool "elevate" -> session before @tags |= {"admin"};'
    session = PolicySession(policy + '\ntool "probe" { must allow when SessionIsAdmin; }', PLAIN)
    assert not session.check_call("probe", {}).allowed
    session.check_call("elevate", {})
    assert session.check_call("probe", {}).allowed
    assert holds(policy, "ArgsInSession", arg1=tagged("v")) is True
    assert holds(policy, "ArgsInSession", arg1=tagged("v", "x")) is False
    assert holds(policy, "SessionActive") is False  # a session has no value


@pytest.mark.parametrize(("to", "sender_tags", "verdict"), [
    ("spam@evil.com", ("trusted",), "hard_denied"), ("a@b.com", ("trusted",), "soft_allowed"),
    ("a@b.com", (), "soft_allowed")])
def test_predicates_in_tools(to: str, sender_tags: tuple[str, ...], verdict: str) -> None:
    session = PolicySession(G["predicates.predicate_in_tools"])
    decision = session.check_call("send_email", {"to": to, "from": tagged("me", *sender_tags)})
    assert decision.verdict == verdict


# --- tool policies -----------------------------------------------------------------------------

def test_basic_tool_policy() -> None:
    session = PolicySession(G["tool_policies.basic_tool"])
    denied = session.check_call("send_email", {"to": "spam@evil.com"})
    assert (denied.allowed, denied.verdict) == (False, "hard_denied")
    assert denied.message == "Tool call to 'send_email' is denied by argument checking policies."
    assert [r.rule for r in denied.fired] == ['must deny when to.value in {"spam@evil.com"};', "should allow always;"]
    assert all(r.priority == 100 for r in denied.rules)
    assert session.check_call("send_email", {"to": "friend@example.com"}).verdict == "soft_allowed"
    assert session.check_call("other_tool", {}).verdict == "soft_allowed"


@pytest.mark.parametrize(("path", "path_tags", "user_tags", "verdict"), [
    ("/etc/passwd", (), ("root",), "hard_denied"),
    ("/tmp/x", ("sensitive",), ("root",), "hard_allowed"),
    ("/tmp/x", ("sensitive",), ("trusted",), "soft_denied"),
    ("/tmp/x", (), ("trusted",), "soft_allowed"),
    ("/tmp/x", (), (), "soft_denied"),
])
def test_check_rules(path: str, path_tags: tuple[str, ...], user_tags: tuple[str, ...], verdict: str) -> None:
    session = PolicySession(G["tool_policies.check_rules"])
    decision = session.check_call("file_access", {"path": tagged(path, *path_tags), "user": tagged("u", *user_tags)})
    assert decision.verdict == verdict


def test_result_block() -> None:
    session = PolicySession(G["tool_policies.result_block"], PLAIN)
    plain = session.observe_result("process_data", "x")
    assert plain.meta.tags.strings() == ["processed", "verified"]
    assert plain.meta.producers.strings() == ["process_data"]
    assert plain.meta.consumers.is_universal()
    sensitive = session.observe_result("process_data", "y", {"tags": ["sensitive"], "consumers": ["internal", "x"]})
    assert sensitive.meta.consumers.strings() == ["internal"]


def test_session_blocks() -> None:
    session = PolicySession(G["tool_policies.session_blocks"], PLAIN)
    session.check_call("login", {})
    assert session.session_meta.tags.strings() == ["auth:pending"]
    session.observe_result("login", "failed")
    assert session.session_meta.tags.strings() == []
    session.check_call("login", {})
    session.observe_result("login", "ok", {"tags": ["auth:success"]})
    assert session.session_meta.tags.strings() == ["authenticated"]


def test_augmented_assignments() -> None:
    session = PolicySession(G["tool_policies.augmented_ops"], PLAIN)
    result = session.observe_result("tag_updater", "x", {"tags": ["toggled"], "producers": ["allowed_producers", "p"]})
    assert result.meta.tags.strings() == ["new_tag"]
    assert result.meta.producers.strings() == ["allowed_producers"]
    assert not result.meta.consumers.contains("removed") and result.meta.consumers.contains("anyone")


def test_context_aware_field_shorthand() -> None:
    session = PolicySession(G["tool_policies.context_sugar"], PLAIN)
    result = session.observe_result("demo", "x")
    assert (result.meta.tags.strings(), result.meta.producers.strings()) == (["from_result"], ["demo_tool"])
    assert session.session_meta.tags.strings() == ["from_session"]


def test_shorthand_forms() -> None:
    session = PolicySession(G["tool_policies.shorthand_syntax"], PLAIN)

    def tags(tool: str, *given: str) -> list[str]:
        return session.observe_result(tool, "x", {"tags": list(given)}).meta.tags.strings()

    assert tags("t1") == ["tagged"]
    assert tags("t2") == ["high_priority"]
    assert tags("t3") == ["result_tag"]
    assert tags("t4") == [] and session.session_meta.tags.strings() == ["session_tag"]
    session.check_call("t5", {})
    assert session.session_meta.tags.strings() == ["pre_process", "session_tag"]
    assert tags("t6") == [] and tags("t6", "important") == ["flagged", "important"]
    assert tags("t7", "old") == ["replaced"]
    assert tags("t8", "removed", "kept") == ["kept"]


def test_regex_tool_ids() -> None:
    session = PolicySession(G["tool_policies.regex_tool_id"], PLAIN)
    assert session.check_call("file_read", {"path": tagged("/x", "blocked")}).verdict == "hard_denied"
    assert session.check_call("file_read", {"path": "/x"}).allowed
    assert session.check_call("my_file_read", {"path": tagged("/x", "blocked")}).allowed  # patterns match whole names
    assert session.check_call("forward_email", {"to": tagged("a@b", "external")}).verdict == "soft_denied"
    assert session.observe_result("log_event", "x").meta.tags.strings() == ["logged"]


def test_doc_comments_are_kept_and_the_rules_apply() -> None:
    policy = parse_policy(G["tool_policies.doc_comments"])
    first = policy.declarations[0]
    assert first.docs == ("Main policy for email sending", "Handles spam filtering and access control")
    assert policy.declarations[1].docs == ("Shorthand with doc comment",)
    session = PolicySession(policy, PLAIN)
    assert session.check_call("send_email", {"to": "spam@evil.com"}).verdict == "hard_denied"
    assert session.check_call("send_email", {"to": tagged("a@corp", "internal")}).verdict == "soft_allowed"
    assert session.check_call("send_email", {"to": "a@elsewhere"}).verdict == "soft_denied"
    assert session.observe_result("quick_action", "x").meta.tags.strings() == ["processed"]


def test_complete_example() -> None:
    session = PolicySession(G["tool_policies.complete_example"], PLAIN)
    blocked = session.check_call("send_email", {"to": "x@blocked.com", "user": tagged("u", "admin")})
    assert blocked.verdict == "hard_denied"
    assert session.check_call("send_email", {"to": "a@b.com", "user": tagged("u", "admin"),
                                             "data": tagged("d", "pii")}).verdict == "hard_allowed"
    # before a result, @result.consumers is the default (every consumer), so IsExternal holds
    assert session.check_call("send_email", {"to": "a@b.com", "data": tagged("d", "pii")}).verdict == "soft_denied"
    assert session.check_call("send_email", {"to": "a@b.com", "data": "d"}).verdict == "soft_allowed"
    sent = session.observe_result("send_email", "sent", arguments={"to": "a@b.com", "data": tagged("d", "secret")})
    assert sent.meta.tags.strings() == ["email:sent", "secret"]
    assert sent.meta.producers.strings() == ["email_service"]
    assert sent.meta.consumers.strings() == ["audit", "internal"]
    assert session.session_meta.tags.strings() == ["activity:email"]
    assert session.observe_result("list_files", "x").meta.tags.strings() == ["readonly"]
    session.observe_result("audit_log", "x")
    assert session.session_meta.producers.strings() == ["audit_system"]


def test_presets_default_deny() -> None:
    session = PolicySession(G["tool_policies.regex_tool_id"], PolicyPresets(default_allow=False))
    assert session.check_call("anything", {}).verdict == "soft_denied"


@pytest.mark.parametrize(("combine", "tags"), [("merge", ["from_args", "manual", "processed"]),
                                               ("replace", ["manual", "processed"]),
                                               ("ignore", ["from_args", "processed"])])
def test_a_tool_can_wrap_its_result_with_metadata(combine: str, tags: list[str]) -> None:
    session = PolicySession(G["index.meta_updates"], PLAIN)
    wrapped = {"value": "raw", "meta": {"producers": [], "consumers": ["*"], "tags": ["manual"]},
               "is_sequrity_var": True, "combine_meta": combine}
    result = session.observe_result("my_tool", wrapped, arguments={"x": tagged("v", "from_args")})
    assert result.value == "raw"
    assert result.meta.tags.strings() == tags
