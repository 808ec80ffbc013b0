"""The admin API under ``/__admin``: an aiohttp sub-application with the admin token as middleware."""
