"""The pytest plugin (entry point ``pytest11: sequrity``): hypothesis profiles now;
fixtures, options and markers as the toolkit grows."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

PROFILES = {
    "sequrity-dev": settings(max_examples=25, deadline=None),
    "sequrity-ci": settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]),
    "sequrity-nightly": settings(
        max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    ),
}
"""Hypothesis profiles: ``sequrity-dev`` (fast), ``sequrity-ci`` and ``sequrity-nightly`` (thousands)."""

for _name, _profile in PROFILES.items():
    settings.register_profile(_name, _profile)
