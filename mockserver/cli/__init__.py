"""The ``sequrity-mock`` commands of the server: ``serve`` (with ``--workers``) and ``openapi``."""
