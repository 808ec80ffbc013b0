"""An aiohttp mock of Sequrity's Control API messages endpoint."""
