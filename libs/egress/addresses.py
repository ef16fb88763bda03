"""Which IP addresses a request made on a user's behalf may reach: public unicast only.

`refusal(address)` names the first rule an address breaks, or None. IPv6 forms that carry an
IPv4 address inside them (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96` and
`64:ff9b:1::/48`, 6to4 `2002::/16`, Teredo `2001::/32`) are refused whole: no push service or
web site needs them, and each is a way to name a loopback or private IPv4 address in disguise.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

IPAddress = IPv4Address | IPv6Address

SHARED_ADDRESS_SPACE = IPv4Network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598)
NAT64_PREFIXES = (IPv6Network("64:ff9b::/96"), IPv6Network("64:ff9b:1::/48"))

# The reasons, in the order they are checked; stable strings (logs, metrics, tests, docs).
IPV4_EMBEDDED = "ipv4_embedded"
UNSPECIFIED = "unspecified"
LOOPBACK = "loopback"
LINK_LOCAL = "link_local"
MULTICAST = "multicast"
SHARED = "shared"
RESERVED = "reserved"
PRIVATE = "private"
NOT_GLOBAL = "not_global"


def parse_address(text: str) -> IPAddress | None:
    """`text` as an IP address (an IPv6 zone id such as `%eth0` dropped), or None."""
    try:
        return ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def refusal(address: IPAddress) -> str | None:
    """Why `address` must not be reached, or None for a globally routable unicast address."""
    if isinstance(address, IPv6Address) and _embeds_ipv4(address):
        return IPV4_EMBEDDED
    checks = (
        (address.is_unspecified, UNSPECIFIED),
        (address.is_loopback, LOOPBACK),
        (address.is_link_local, LINK_LOCAL),
        (address.is_multicast, MULTICAST),
        (isinstance(address, IPv4Address) and address in SHARED_ADDRESS_SPACE, SHARED),
        (address.is_reserved, RESERVED),
        (address.is_private, PRIVATE),
        (not address.is_global, NOT_GLOBAL),
    )
    return next((reason for broken, reason in checks if broken), None)


def _embeds_ipv4(address: IPv6Address) -> bool:
    return (
        address.ipv4_mapped is not None
        or address.sixtofour is not None
        or address.teredo is not None
        or any(address in prefix for prefix in NAT64_PREFIXES)
    )
