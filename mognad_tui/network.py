"""Which of this machine's addresses a phone on the room's Wi-Fi will reach.

A laptop has many addresses: loopback, the Wi-Fi, a docking station's Ethernet, a VPN tunnel
(whose addresses, 100.64.0.0/10 for Tailscale, are unreachable from the room), a container or
virtual machine bridge (docker0, "vEthernet (WSL)", vmnet8, bridge100) and self-assigned
link-local ones. The join URL and its QR code must carry the one a phone can open, so every
address is classified by its interface's name and its range, and ranked: a private LAN address
on a wireless interface first, then wired, then anything else before a VPN, a virtual bridge,
link-local and loopback. IPv4 before IPv6 (phones on guest Wi-Fi often have no IPv6, and an
IPv6 URL is hard to type).

The choice is a pure function of an interface table (tests feed Windows, macOS and Linux
tables); ``read_interfaces`` reads the real one with psutil, which works the same on the three
platforms from wheels, instead of parsing ``ipconfig``/``ifconfig`` output.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """What an interface is, from the phones' point of view (best first)."""

    WIRELESS = "wireless"
    WIRED = "wired"
    OTHER = "other"  # an interface whose name tells nothing: a LAN as far as we know
    VPN = "vpn"
    VIRTUAL = "virtual"
    LINK_LOCAL = "link_local"
    LOOPBACK = "loopback"


#: Kinds a phone on the room's network may reach.
REACHABLE = (Kind.WIRELESS, Kind.WIRED, Kind.OTHER)
_ORDER = {kind: n for n, kind in enumerate(Kind)}

# Interface names, lower case. Linux, macOS and Windows (friendly names, as psutil gives them).
_LOOPBACK_NAMES = re.compile(r"^(lo\d*|loopback.*)$")
_VPN_NAMES = re.compile(
    r"^(tun|tap|wg|utun|ppp|ipsec|gpd|zt|nordlynx|proton|tailscale)"
    r"|vpn|wireguard|tailscale|zerotier|anyconnect|globalprotect|pangp|fortinet|forticlient"
    r"|openvpn|tap-windows|wintun|cisco|juniper|pulse secure|check point"
)
_VIRTUAL_NAMES = re.compile(
    r"^(docker|br-|veth|virbr|vboxnet|vmnet|bridge|lxcbr|lxdbr|cni|flannel|cali|podman|kube"
    r"|vnic|awdl|llw|anpi|ap\d)"
    r"|vethernet|virtualbox|vmware|hyper-v|\bwsl\b|default switch"
)
_WIRELESS_NAMES = re.compile(r"^(wl|wifi|wi-fi|wlan|airport)|wireless|wi-fi|wlan|trådlös")
_WIRED_NAMES = re.compile(
    r"^(eth|en|em\d|eno|enp|ens|enx)|ethernet|local area connection|lan-anslutning|^lan"
)

#: Shared address space (RFC 6598): carrier-grade NAT, and Tailscale's tailnet addresses.
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_TAILSCALE_V6 = ipaddress.ip_network("fd7a:115c:a1e0::/48")


@dataclass(frozen=True)
class Interface:
    """One address of one interface, as the operating system lists it."""

    name: str
    address: str
    up: bool = True


@dataclass(frozen=True)
class Candidate:
    """An address a server may be reached on, classified."""

    name: str
    address: str
    kind: Kind
    private: bool
    version: int

    @property
    def reachable(self) -> bool:
        """Whether a phone in the room may reach it (as far as names and ranges tell)."""
        return self.kind in REACHABLE


def classify(interface: Interface) -> Candidate | None:
    """The candidate for one address, or None for what no one can connect to (down,
    unspecified, multicast, not an IP address)."""
    if not interface.up:
        return None
    text = interface.address.split("%", 1)[0]  # fe80::1%en0: the scope is not the address
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    if ip.is_unspecified or ip.is_multicast:
        return None
    name = interface.name.strip().lower()
    if ip.is_loopback or _LOOPBACK_NAMES.search(name):
        kind = Kind.LOOPBACK
    elif ip.is_link_local:
        kind = Kind.LINK_LOCAL
    elif ip in _CGNAT or ip in _TAILSCALE_V6 or _VPN_NAMES.search(name):
        kind = Kind.VPN
    elif _VIRTUAL_NAMES.search(name):
        kind = Kind.VIRTUAL
    elif _WIRELESS_NAMES.search(name):
        kind = Kind.WIRELESS
    elif _WIRED_NAMES.search(name):
        kind = Kind.WIRED
    else:
        kind = Kind.OTHER
    private = ip.is_private and ip not in _CGNAT
    return Candidate(interface.name, text, kind, private, ip.version)


def rank(
    interfaces: Iterable[Interface], *, route: str | None = None, versions: Iterable[int] = (4, 6)
) -> list[Candidate]:
    """Every usable address, the one to put in the QR code first.

    ``route`` is the source address the system's routing table would use towards a private
    network (``route_address``): among equals it wins, since that is where the traffic goes.
    ``versions`` keeps the IP versions the server listens on: 0.0.0.0 is IPv4 only, and
    asyncio binds :: as IPv6 only.
    """
    wanted = set(versions)
    seen: set[str] = set()
    found: list[Candidate] = []
    for interface in interfaces:
        candidate = classify(interface)
        if candidate is None or candidate.address in seen:
            continue
        if candidate.version not in wanted:
            continue
        seen.add(candidate.address)
        found.append(candidate)

    def key(c: Candidate) -> tuple[int, int, bool, bool]:
        return (_ORDER[c.kind], c.version, not c.private, c.address != route)

    return sorted(found, key=key)  # stable: the system's own order among equals


def choose(
    interfaces: Iterable[Interface], *, route: str | None = None, versions: Iterable[int] = (4, 6)
) -> Candidate | None:
    ranked = rank(interfaces, route=route, versions=versions)
    return ranked[0] if ranked else None


def read_interfaces() -> list[Interface]:
    """This machine's addresses (empty if the system does not tell)."""
    try:
        import psutil

        addresses = psutil.net_if_addrs()
        stats = psutil.net_if_stats()
    except Exception:  # an unusual platform or a sandbox: fall back to the route
        return []
    table = []
    for name, entries in addresses.items():
        up = stats[name].isup if name in stats else True
        for entry in entries:
            if entry.family in (socket.AF_INET, socket.AF_INET6):
                table.append(Interface(name, str(entry.address), up))
    return table


def route_address() -> str | None:
    """The source address this machine would use towards a private network, found without
    sending anything: a UDP socket's ``connect()`` only asks the kernel for a route."""
    for target in ("10.254.254.254", "192.168.254.254", "172.31.254.254"):
        with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect((target, 9))
            return str(s.getsockname()[0])
    return None


def local_candidates(version: int = 4) -> list[Candidate]:
    """This machine's addresses of one IP version, ranked (``rank``). When the system lists
    none, the routed address stands alone, and loopback at the very least."""
    route = route_address() if version == 4 else None
    ranked = rank(read_interfaces(), route=route, versions=(version,))
    if not any(c.kind is not Kind.LOOPBACK for c in ranked) and route:
        routed = classify(Interface("", route))
        if routed is not None and routed.kind is not Kind.LOOPBACK:
            ranked.insert(0, routed)
    if not ranked:
        ranked = [
            Candidate("", "127.0.0.1" if version == 4 else "::1", Kind.LOOPBACK, True, version)
        ]
    return ranked


@dataclass(frozen=True)
class Finding:
    """One line of the diagnosis: ``code`` names its sentence in a face's catalogue;
    ``problem`` marks what likely keeps phones out (``mognad check`` then exits 1)."""

    code: str
    problem: bool
    detail: str = ""


def diagnose(
    candidates: Iterable[Candidate], *, reachable: bool | None, platform: str
) -> list[Finding]:
    """What likely keeps phones from reaching this machine, from its ranked addresses, whether
    the port answered on the chosen address (None: not tried) and ``sys.platform``.

    A VPN is a problem even beside a LAN address: many tunnels route or block the local
    network. The firewall cannot be seen from here without rights, so on Windows and macOS
    it is only named, as is the guest network that isolates devices.
    """
    ranked = list(candidates)
    findings = []
    if not ranked or not ranked[0].reachable:
        findings.append(Finding("no_lan", True))
    if reachable is False:
        findings.append(Finding("unreachable", True))
    vpn = sorted({c.name or c.address for c in ranked if c.kind is Kind.VPN})
    if vpn:
        findings.append(Finding("vpn", True, ", ".join(vpn)))
    if platform == "win32":
        findings.append(Finding("firewall_windows", False))
    elif platform == "darwin":
        findings.append(Finding("firewall_macos", False))
    findings.append(Finding("guest", False))
    return findings


def listening_candidates(bind: str) -> list[Candidate]:
    """The addresses a server bound to ``bind`` is reached on, best first: every interface's
    IPv4 address for 0.0.0.0, IPv6 for :: (asyncio binds it IPv6 only), else the bound address
    alone. Blocking (it reads the system's tables): call it off the event loop."""
    if bind in ("0.0.0.0", ""):
        return local_candidates(4)
    if bind == "::":
        return local_candidates(6)
    given = classify(Interface("", bind))
    return [given or Candidate("", bind, Kind.OTHER, True, 4)]
