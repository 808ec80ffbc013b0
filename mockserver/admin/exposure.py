"""Who can reach the admin API: a server listening beyond loopback must protect ``/__admin``.

The admin API registers stubs and faults and reads the journal; open on a network address it
lets anyone who can reach the port script the server. So a server whose host is not a loopback
one (``127.0.0.0/8``, ``::1``, ``localhost``) refuses to start unless the admin API has a token
(``--admin-token``, ``MockConfig(admin_token=...)``) or is opened on purpose (``--admin-open``,
``MockConfig(admin_open=True)``).
"""

from __future__ import annotations

import ipaddress

LOOPBACK_NAMES = ("localhost",)
"""Host names that always mean this machine (besides loopback addresses)."""


def is_loopback_host(host: str) -> bool:
    """True for a loopback address (``127.0.0.0/8``, ``::1``, an IPv4-mapped loopback) or ``localhost``."""
    name = host.strip().strip("[]").lower().rstrip(".")
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


def check_admin_exposure(host: str, admin_token: str | None, admin_open: bool) -> None:
    """A ValueError saying how to fix it when ``host`` is reachable beyond this machine and the
    admin API is neither protected by a token nor opened on purpose."""
    if admin_token is not None or admin_open or is_loopback_host(host):
        return
    raise ValueError(f"host={host!r} is not a loopback address, and /__admin (stubs, faults, the journal) would "
                     "be open to anyone who can reach it: set --admin-token TOKEN (or $SEQURITY_MOCK_ADMIN_TOKEN; "
                     "MockConfig(admin_token=...)), or pass --admin-open (MockConfig(admin_open=True)) to open it "
                     "on purpose, or listen on 127.0.0.1")
