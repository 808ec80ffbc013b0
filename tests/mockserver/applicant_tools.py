"""The tools of the applicant scenario (issue #19): load an applicant's profile, send an email; as
function definitions (``name``, ``description``, ``parameters``) each test dresses for its endpoint."""

from __future__ import annotations

REQUEST = "Load 'applicant-829''s profile and send it to hr@gmail.com"
LOAD = {"name": "load_applicant_profile", "description": "Load the profile of a job applicant",
        "parameters": {"type": "object", "properties": {"applicant_id": {"type": "string"}},
                       "required": ["applicant_id"]}}
SEND = {"name": "send_email", "description": "Send an email",
        "parameters": {"type": "object", "properties": {"to": {"type": "string"}, "subject": {"type": "string"},
                                                        "body": {"type": "string"}},
                       "required": ["to", "body"]}}
