"""The modes beside synthesis: the validating proxy, record, replay, and the cassette format."""
