"""Host names as the web tools and their rules compare them: one spelling, one match.

``WebFetch(domain:example.com)`` rules, WebSearch's ``allowed_domains`` and
``blocked_domains`` and the fetcher's "same host" test all go through these functions, so
a host cannot mean one thing to a rule and another to the tool.
"""

from __future__ import annotations

import ipaddress
import re

# A host name's labels: letters, digits, hyphens and underscores (some hosts use them).
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")


class HostError(ValueError):
    """A host name that cannot be one; the message says why."""


def normal_host(text: str) -> str:
    """``text`` as a host compares: lower case, no trailing dot, IDN as punycode.

    Raises:
        HostError: a port, a scheme, a path, a wildcard or an empty label.
    """
    host = text.strip().lower().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host:
        raise HostError("no host given")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if "://" in host or "/" in host:
        raise HostError(f"{text!r} is a URL; give the host alone (example.com)")
    if ":" in host:
        raise HostError(f"{text!r} names a port; give the host alone (example.com)")
    if "*" in host:
        raise HostError(f"{text!r} holds a wildcard; a domain already covers its subdomains")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise HostError(f"{text!r} is not a host name") from None
    if not all(_LABEL.fullmatch(label) for label in host.split(".")):
        raise HostError(f"{text!r} is not a host name")
    return host


def host_in_domain(host: str, domain: str) -> bool:
    """Whether ``host`` is ``domain`` or one of its subdomains (both normal hosts).

    An IP address matches only itself: ``1.2.3.4`` has no subdomains.
    """
    if host == domain:
        return True
    if _is_ip(domain) or _is_ip(host):
        return False
    return host.endswith("." + domain)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine: ``localhost`` (and its subdomains) or a loopback IP."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
