"""Small parts the server's concerns share: a bounded cache, strict JSON, JSON paths, a regex guard.

Nothing here knows about requests, endpoints or the server."""
