"""Scripting: stubs (answers chosen by matching the request), scenarios, and fault injection."""
