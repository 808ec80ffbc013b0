"""Typed views of the configuration headers: ``X-Features``, ``X-Policy``, ``X-Config``
(``x-features.json``, ``x-policy.json``, ``x-config.json``). Unknown keys are refused."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ._base import ClosedModel, ContractModel, JSONObject, UniqueStrings

# -- X-Features ------------------------------------------------------------------------------


class TaggerConfig(ClosedModel):
    """A content classifier and its threshold."""

    name: Literal["pii_redaction", "toxicity_filter", "healthcare_topic_guardrail", "finance_topic_guardrail"]
    threshold: float = Field(0.5, ge=0.0, le=1.0)
    mode: str | None = None


class ConstraintConfig(ClosedModel):
    """A content blocker."""

    name: Literal["url_blocker", "file_blocker"]


class XFeatures(ClosedModel):
    """The ``X-Features`` header: agent architecture, classifiers and blockers."""

    agent_arch: Literal["single-llm", "dual-llm"] | None = None
    content_classifiers: list[TaggerConfig] | None = None
    content_blockers: list[ConstraintConfig] | None = None


# -- X-Policy --------------------------------------------------------------------------------

EnforcementLevel = Literal["hard", "soft"]


class ControlFlowMetaPolicy(ContractModel):
    """The branching meta-policy: which producers, tags and consumers may steer control flow."""

    mode: Literal["allow", "deny"] = "deny"
    # literal defaults (pydantic copies them) show in the JSON Schema as the document's "default": []
    producers: UniqueStrings = []  # noqa: RUF012
    tags: UniqueStrings = []  # noqa: RUF012
    consumers: UniqueStrings = []  # noqa: RUF012


class InternalPolicyPresets(ClosedModel):
    """Policy presets."""

    default_allow: bool = True
    default_allow_enforcement_level: EnforcementLevel = "soft"
    enable_non_executable_memory: bool = True
    branching_meta_policy: ControlFlowMetaPolicy = ControlFlowMetaPolicy()
    enable_llm_blocked_tag: bool = True
    llm_blocked_tag_enforcement_level: EnforcementLevel = "hard"


class PolicyCode(ClosedModel):
    """Policy source code and its language."""

    code: str = ""
    language: Literal["sqrt", "cedar"] = "sqrt"


class XPolicy(ClosedModel):
    """The ``X-Policy`` header: policy mode, code and presets."""

    mode: Literal["standard", "strict", "custom"] | None = None
    codes: PolicyCode | None = None
    auto_gen: bool | None = None
    fail_fast: bool | None = None
    presets: InternalPolicyPresets | None = None


# -- X-Config --------------------------------------------------------------------------------

DebugInfoLevel = Literal["minimal", "normal", "extra"]


class FsmOverrides(ClosedModel):
    """``fsm``: the session state machine."""

    min_num_tools_for_filtering: int | None = Field(None, ge=2)
    clear_session_meta: Literal["never", "every_attempt", "every_turn"] | None = None
    max_n_turns: int | None = Field(None, ge=1)
    history_mismatch_policy: Literal["reject", "restart_turn", "continue"] | None = None
    clear_history_every_n_attempts: int | None = None
    disable_rllm: bool | None = None
    enable_multistep_planning: bool | None = None
    enabled_internal_tools: (
        list[Literal["parse_with_ai", "verify_hypothesis", "set_policy", "complete_turn"]] | None
    ) = None
    prune_failed_steps: bool | None = None
    force_to_cache: list[str] | None = None
    max_pllm_steps: int | None = None
    max_pllm_failed_steps: int | None = None
    max_tool_calls_per_step: int | None = None
    reduced_grammar_for_rllm_review: bool | None = None
    retry_on_policy_violation: bool | None = None
    wrap_tool_result: bool | None = None
    detect_tool_errors: Literal["none", "regex", "llm"] | None = None
    detect_tool_error_regex_pattern: str | None = None
    detect_tool_error_max_result_length: int | None = None
    strict_tool_result_parsing: bool | None = None
    tool_result_transform: Literal["none", "codex"] | None = None


class LlmPromptOverrides(ClosedModel):
    """Prompt flavour and version of one LLM."""

    flavor: str | None = None
    version: str | None = None


class PllmPromptOverrides(LlmPromptOverrides):
    """Prompt of the planning LLM."""

    clarify_ambiguous_queries: bool | None = None
    context_var_visibility: (
        Literal["none", "basic-notext", "basic-executable", "all-executable", "all"] | None
    ) = None
    query_inline_roles: list[Literal["assistant", "tool", "developer", "system"]] | None = None
    query_role_name_overrides: dict[str, str] | None = None
    query_include_tool_calls: bool | None = None
    query_include_tool_args: bool | None = None
    query_include_tool_results: bool | None = None
    debug_info_level: DebugInfoLevel | None = None


class RllmPromptOverrides(LlmPromptOverrides):
    """Prompt of the review LLM."""

    debug_info_level: DebugInfoLevel | None = None


class TllmPromptOverrides(LlmPromptOverrides):
    """Prompt of the tool LLM."""

    add_tool_description: bool | None = None
    add_tool_input_schema: bool | None = None


class PromptOverrides(ClosedModel):
    """``prompt``: per-LLM prompt overrides."""

    pllm: PllmPromptOverrides | None = None
    rllm: RllmPromptOverrides | None = None
    grllm: LlmPromptOverrides | None = None
    qllm: LlmPromptOverrides | None = None
    tllm: TllmPromptOverrides | None = None
    tagllm: LlmPromptOverrides | None = None
    policy_llm: LlmPromptOverrides | None = None
    error_detector_llm: LlmPromptOverrides | None = None


class ResponseFormatOverrides(ClosedModel):
    """``response_format``: what the answer includes."""

    strip_response_content: bool | None = None
    include_program: bool | None = None
    include_policy_check_history: bool | None = None
    include_namespace_snapshot: bool | None = None


class XConfig(ClosedModel):
    """The ``X-Config`` header: fsm, prompt, response_format and llm sections."""

    fsm: FsmOverrides | None = None
    prompt: PromptOverrides | None = None
    response_format: ResponseFormatOverrides | None = None
    llm: JSONObject | None = None
