"""The SQRT examples of the official client's documentation, as test data: the learning guide
(its quick reference and the five tutorials, by tutorial and snippet) and the advanced examples
page (by example). Each must parse; the engine tests give each its documented outcome."""

from __future__ import annotations

LEARNING_GUIDE: dict[str, str] = {
    "index.check_rules": r"""
tool "my_tool" {
    must deny when condition;     // Hard block
    should allow when condition;  // Soft allow
    should deny always;           // Default fallback
}
""",
    "index.meta_updates": r"""
tool "my_tool" {
    result {
        @tags |= {"processed"};
    }
    session after {
        @tags |= {"completed"};
    }
}
""",
    "index.shorthand": r"""
tool "my_tool" -> @tags |= {"tagged"};
tool "my_tool" [10] -> session @tags |= {"priority"} when @result.tags overlaps {"important"};
""",
    "metadata.policy_meta_update": r"""
tool "get_applicant_profile" {
    result {
        @producers |= {"university_database_service"};
        @consumers |= {"admissions_office", "scholarship_committee", "email_service"};
        @tags |= {"education", "university", "personal_data"};
    }
}
""",
    "metadata.policy_meta_check": r"""
tool "send_email" {
    hard deny when ("university_database_service" in body.producers) and
        not (to.value in {str like w"*@university.edu", "hr@admission.edu"});
}
""",
    "basic_types.bool_domains": r"""
let BoolTrue = bool true;
let BoolFalse = bool false;
""",
    "basic_types.int_domains": r"""
// Exact value
let ExactInt = int 42;

// Inclusive range: 1 <= x <= 100
let IntRange = int 1..100;

// Exclusive range: 0 < x < 100
let IntExclusive = int 0<..<100;

// Half-open ranges
let IntExcludeLeft = int 0<..10;   // 0 < x <= 10
let IntExcludeRight = int 0..<10;  // 0 <= x < 10

// Open-ended ranges
let IntFrom = int 10..;   // x >= 10
let IntTo = int ..50;     // x <= 50
""",
    "basic_types.float_domains": r"""
let ExactFloat = float 3.14;
let FloatRange = float 0.0..1.0;
let FloatToExclusive = float ..<3.14;
""",
    "basic_types.str_domains": r"""
// Exact string match
let ExactStr = str "hello world";

// Regex pattern (r"..." prefix)
let EmailPattern = str matching r"^[a-z]+@example\\.com$";

// Wildcard pattern (w"..." prefix, uses * and ?)
let TxtFiles = str like w"*.txt";

// String with length constraint
let ShortStr = str matching r".*" length 1..20;
""",
    "basic_types.datetime_domains": r"""
// Exact datetime
let ExactDate = datetime d"2023-10-01T00:00:00Z";

// Datetime range (inclusive)
let DateRange = datetime d"2023-09-01T00:00:00Z"..d"2023-10-01T00:00:00Z";

// Epoch timestamp
let EpochZero = datetime 0;
""",
    "set_operations.set_literals": r"""
// Empty set
let EmptySet = {};

// Non-empty set with string elements
let SimpleSet = {"a", "b", "c"};

// Universal set (matches everything)
let UniversalSet = {"*"};
""",
    "set_operations.set_binary_ops": r"""
// Union: | or union
let Union1 = arg1.tags | {"new"};
let Union2 = arg1.tags union {"new"};

// Intersection: & or intersect
let Intersect1 = arg1.tags & {"a", "b"};
let Intersect2 = arg1.tags intersect {"a", "b"};

// Difference: - or minus
let Minus1 = arg1.tags - {"remove"};
let Minus2 = arg1.tags minus {"remove"};

// Symmetric difference: ^ or xor
let Xor1 = arg1.tags ^ {"toggle"};
let Xor2 = arg1.tags xor {"toggle"};
""",
    "set_operations.set_element_ops": r"""
// Add a single element
let WithElement = arg1.tags with "added";

// Remove a single element
let WithoutElement = arg1.tags without "removed";

// Chain operations
let Chained = arg1.tags with "new" without "old";
""",
    "set_operations.set_aggregations": r"""
// Union of all argument tags
let AllTags = union of tags from args;

// Intersection of all argument tags
let CommonTags = intersect of tags from args;

// Works with producers and consumers too
let AllProducers = union of producers from args;
let CommonConsumers = intersect of consumers from args;
""",
    "set_operations.args_meta_sugar": r"""
// @args.tags is equivalent to union of tags from args
let AllTags = @args.tags;

// Explicit union suffix
let AllTagsExplicit = @args.tags.union;

// Intersect suffix
let CommonTags = @args.tags.intersect;

// Works with all meta fields
let AllProducers = @args.producers;
let CommonConsumers = @args.consumers.intersect;
""",
    "set_operations.meta_field_access": r"""
// Argument meta fields
let ArgTags = arg1.tags;
let ArgProducers = arg2.producers;
let ArgConsumers = arg3.consumers;

// Result meta fields (in result/session blocks)
tool "example" {
    result {
        @result.tags = @result.tags | {"processed"};
    }
}

// Session meta fields
tool "session_example" {
    session before {
        @session.tags = @session.tags | {"started"};
    }
}
""",
    "predicates.value_comparisons": r"""
// Check if value is in a set
let IsAdmin = arg1.value in {"admin", "root", "superuser"};

// Equality check
let IsSpecificUser = arg1.value == "alice";

// Values can include type domains
let IsValidPort = port.value in {int 1..65535};

// Check value against regex patterns
let IsEmail = email.value in {str matching r"^[a-z]+@example\\.com$"};
""",
    "predicates.set_comparisons": r"""
// Check if sets share any elements
let HasSensitiveTag = data.tags overlaps {"pii", "secret", "confidential"};

// Check if one set is contained in another
let OnlyAllowedTags = data.tags subset of {"public", "internal", "safe"};

// Check if one set contains another
let HasRequiredTags = data.tags superset of {"reviewed", "approved"};

// Check if sets are exactly equal
let ExactMatch = data.tags == {"expected", "tags"};

// Check if set is empty
let NoTags = data.tags is empty;

// Check if set is universal (matches everything)
let OpenAccess = data.consumers is universal;
""",
    "predicates.logical_ops": r"""
// Define base predicates
let IsAdmin = role.value == "admin";
let IsTrusted = user.tags overlaps {"trusted", "verified"};
let IsSensitive = data.tags overlaps {"pii", "secret"};

// AND: both conditions must be true
let AdminAndTrusted = IsAdmin and IsTrusted;

// OR: at least one condition must be true
let AdminOrTrusted = IsAdmin or IsTrusted;

// NOT: negates the condition
let NotAdmin = not IsAdmin;

// Complex combinations
let CanAccessSensitive = (IsAdmin or IsTrusted) and not IsSensitive;
""",
    "predicates.session_predicates": r"""
// Check session tags
let SessionIsAdmin = @session.tags overlaps {"admin", "elevated"};

// Compare argument tags with session
let ArgsInSession = arg1.tags subset of @session.tags;

// Check session value
let SessionActive = @session.value == "active";
""",
    "predicates.predicate_in_tools": r"""
// Define reusable predicates
let IsBlocked = to.value in {"spam@evil.com", "blocked@test.com"};
let IsTrustedSender = from.tags overlaps {"trusted", "internal"};

// Use predicates in tool checks
tool "send_email" {
    must deny when IsBlocked;
    should allow when IsTrustedSender;
    should allow always;
}
""",
    "tool_policies.basic_tool": r"""
/// Policy for send_email tool
tool "send_email" {
    priority 100;

    // Check rules
    must deny when to.value in {"spam@evil.com"};
    should allow always;
}
""",
    "tool_policies.check_rules": r"""
tool "file_access" {
    // Hard deny: blocks the call, cannot be overridden
    must deny when path.value in {"/etc/passwd", "/etc/shadow"};

    // Hard allow: always permits when condition is met
    must allow when user.tags overlaps {"root"};

    // Soft deny: can be overridden by higher priority allow
    should deny when path.tags overlaps {"sensitive"};

    // Soft allow: permits but can be overridden
    should allow when user.tags overlaps {"trusted"};

    // Unconditional fallback
    should deny always;
}
""",
    "tool_policies.result_block": r"""
tool "process_data" {
    result {
        // Add tags to mark processing
        @result.tags = @result.tags | {"processed", "verified"};

        // Track the tool as a producer
        @result.producers = @result.producers with "process_data";

        // Conditional updates
        when @result.tags overlaps {"sensitive"} {
            @result.consumers = @result.consumers & {"internal"};
        }
    }
}
""",
    "tool_policies.session_blocks": r"""
tool "login" {
    // Before: runs before tool execution
    session before {
        @session.tags = @session.tags | {"auth:pending"};
    }

    // After: runs after tool execution, can access @result
    session after {
        when @result.tags overlaps {"auth:success"} {
            @session.tags = @session.tags | {"authenticated"};
        }
        @session.tags = @session.tags - {"auth:pending"};
    }
}
""",
    "tool_policies.augmented_ops": r"""
tool "tag_updater" {
    result {
        // |= is shorthand for union: @tags = @tags | {...}
        @tags |= {"new_tag"};

        // &= is shorthand for intersect: @tags = @tags & {...}
        @producers &= {"allowed_producers"};

        // -= is shorthand for minus: @tags = @tags - {...}
        @consumers -= {"removed"};

        // ^= is shorthand for xor
        @tags ^= {"toggled"};
    }
}
""",
    "tool_policies.context_sugar": r"""
tool "demo" {
    // In result block: @tags means @result.tags
    result {
        @tags = @tags | {"from_result"};
        @producers = @producers with "demo_tool";
    }

    // In session block: @tags means @session.tags
    session after {
        @tags = @tags | {"from_session"};
    }
}
""",
    "tool_policies.shorthand_syntax": r"""
// Basic: defaults to result target, priority 0
tool "t1" -> @tags |= {"tagged"};

// With priority
tool "t2" [10] -> @tags |= {"high_priority"};

// Explicit result target
tool "t3" -> result @tags |= {"result_tag"};

// Session target (defaults to after)
tool "t4" -> session @tags |= {"session_tag"};

// Session before
tool "t5" -> session before @tags |= {"pre_process"};

// With condition
tool "t6" -> @tags |= {"flagged"} when @result.tags overlaps {"important"};

// Simple assignment (replaces instead of merging)
tool "t7" -> @tags = {"replaced"};

// Remove element
tool "t8" -> @tags = @tags without "removed";
""",
    "tool_policies.regex_tool_id": r"""
// Match all tools starting with "file_"
tool r"^file_.*" {
    must deny when path.tags overlaps {"blocked"};
}

// Match specific patterns
tool r"^(send|forward)_email$" {
    should deny when to.tags overlaps {"external"};
}

// Shorthand with regex
tool r"^log_.*" -> @tags |= {"logged"};
""",
    "tool_policies.doc_comments": r"""
/// Main policy for email sending
/// Handles spam filtering and access control
tool "send_email" {
    /// Block known spam recipients
    must deny when to.value in {"spam@evil.com"};

    /// Allow internal communications
    should allow when to.tags overlaps {"internal"};

    /// Default: require review
    should deny always;
}

/// Shorthand with doc comment
tool "quick_action" -> @tags |= {"processed"};
""",
    "tool_policies.complete_example": r"""
// Reusable predicates
let IsSensitive = data.tags overlaps {"pii", "secret", "confidential"};
let IsExternal = @result.consumers overlaps {"external_api", "public"};
let IsAdmin = user.tags overlaps {"admin", "superuser"};

// Reusable sets
let InternalDomains = {"@company.com", "@internal.org"};
let BlockedRecipients = {"spam@evil.com", str matching r".*@blocked\\.com$"};

/// Main email policy with full access control
tool "send_email" {
    priority 100;

    /// Hard block for known bad recipients
    must deny when to.value in BlockedRecipients;

    /// Allow admins unrestricted access
    must allow when IsAdmin;

    /// Soft deny external sends of sensitive data
    should deny when IsSensitive and IsExternal;

    /// Default allow for internal
    should allow always;

    result {
        // Track email sending
        @tags |= {"email:sent"};
        @producers |= {"email_service"};

        // Restrict sensitive data consumers
        when IsSensitive {
            @consumers &= {"internal", "audit"};
        }
    }

    session after {
        // Log successful email sends
        when @result.tags overlaps {"email:sent"} {
            @tags |= {"activity:email"};
        }
    }
}

// Shorthand for simple read-only operations
tool r"^(read|get|list)_.*" -> @tags |= {"readonly"};
tool "audit_log" [50] -> session @producers |= {"audit_system"};
""",
}

ADVANCED_EXAMPLES: dict[str, str] = {
    "1_sensitive_data_leaks": r"""
let sensitive_docs = {"internal_use", "confidential"};
tool "get_internal_document" -> @tags |= sensitive_docs;
tool "send_email" {
    hard deny when (body.tags overlaps sensitive_docs) and (not to.value in {str matching r".*@trustedcorp\.com"});
}
""",
    "2_business_logic": r"""
tool "issue_refund" {
    session before {
        // before issue tool call to issue_refund, add "final_attempt" to session tags if "attempt3" is in session tags.
        when "attempt3" in @tags { @tags |= {"final_attempt"}; }
    }
    session before {
        // before issue tool call to issue_refund, add "attempt3" to session tags if "attempt2" is in session tags.
        when "attempt2" in @tags { @tags |= {"attempt3"}; }
    }
    session before {
        // before issue tool call to issue_refund, add "attempt2" to session tags if "attempt1" is in session tags.
        when "attempt1" in @tags { @tags |= {"attempt2"}; }
    }
    session before {
        // before issue tool call to issue_refund, add "attempt1" to session tags.
        @tags |= {"attempt1"};
    }

    hard allow when "final_attempt" in @session.tags;
}
""",
    "3_data_provenance": r"""
tool "get_quarterly_earning_report" -> @producers |= {"verified_financial_data"};
tool "get_marketing_analysis" -> @producers |= {"verified_marketing_data"};
tool "generate_business_summary" {
    hard allow when @args.producers superset of {"verified_financial_data", "verified_marketing_data"};
}
""",
    "4_legal_compliance": r"""
tool "load_patient_record" -> @tags |= {"pii"};
tool "de_identify_data" -> @tags -= {"pii"};
tool r"send_to_.*" {
    hard deny when "pii" in data.tags;
}
""",
    "5_1_fairness": r"""
tool "retrive_applicant_profile" -> @tags |= {"RACE"};
""",
    "5_2_llm_blocked": r"""
tool "retrive_applicant_profile_text" -> @tags |= {"__llm_blocked"};
""",
}

