"""The request pipeline: route handlers, authentication, intake (body and configuration headers),
sessions, the answer cache, the responder seam, delivery as JSON or SSE, and the journal."""
