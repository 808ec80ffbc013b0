"""Small parts the server's concerns share: a bounded cache, strict JSON, JSON paths, a regex guard,
the pace of young-generation garbage collections.

Nothing here knows about requests, endpoints or the server."""
