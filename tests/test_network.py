"""The address a phone on the room's Wi-Fi will reach, chosen from fake interface tables of
the three platforms facilitators have (names as psutil reports them on each)."""

from __future__ import annotations

import ipaddress

from mognad_tui.network import Interface, Kind, choose, classify, local_candidates, rank

LINUX = [
    Interface("lo", "127.0.0.1"),
    Interface("lo", "::1"),
    Interface("docker0", "172.17.0.1"),
    Interface("br-3f2a1c", "172.18.0.1"),
    Interface("virbr0", "192.168.122.1"),
    Interface("tailscale0", "100.101.102.103"),
    Interface("wg0", "10.13.13.2"),
    Interface("enp0s31f6", "169.254.12.7"),  # no DHCP on the desk's cable
    Interface("wlp2s0", "192.168.1.42"),
    Interface("wlp2s0", "fe80::1c2d:3e4f:5a6b:7c8d%wlp2s0"),
]

WINDOWS = [
    Interface("Loopback Pseudo-Interface 1", "127.0.0.1"),
    Interface("vEthernet (WSL)", "172.29.16.1"),
    Interface("vEthernet (Default Switch)", "172.20.48.1"),
    Interface("Ethernet 2", "10.8.0.14"),  # the docking station, on the staff network
    Interface("Wi-Fi", "fe80::8d4c:2b1a:9e3f:1234%12"),
    Interface("Wi-Fi", "192.168.50.23"),
    Interface("VirtualBox Host-Only Network", "192.168.56.1"),
    Interface("Bluetooth Network Connection", "169.254.99.1"),
]

MACOS = [
    Interface("lo0", "127.0.0.1"),
    Interface("utun3", "100.88.12.5"),  # Tailscale
    Interface("utun4", "10.200.0.7"),  # the municipality's VPN
    Interface("bridge100", "192.168.64.1"),  # a virtual machine's network
    Interface("awdl0", "fe80::a1:b2ff:fec3:d4e5%awdl0"),
    Interface("en0", "fe80::4:5:6:7%en0"),
    Interface("en0", "10.42.7.19"),
]


def test_linux_laptop_picks_the_wifi_over_vpn_docker_and_link_local() -> None:
    best = choose(LINUX)
    assert best is not None
    assert (best.name, best.address, best.kind) == ("wlp2s0", "192.168.1.42", Kind.WIRELESS)
    kinds = {c.address: c.kind for c in rank(LINUX)}
    assert kinds["100.101.102.103"] is Kind.VPN
    assert kinds["10.13.13.2"] is Kind.VPN
    assert kinds["172.17.0.1"] is Kind.VIRTUAL
    assert kinds["192.168.122.1"] is Kind.VIRTUAL
    assert kinds["169.254.12.7"] is Kind.LINK_LOCAL
    assert kinds["127.0.0.1"] is Kind.LOOPBACK


def test_windows_laptop_picks_the_wifi_not_wsl_nor_the_host_only_network() -> None:
    best = choose(WINDOWS)
    assert best is not None and (best.name, best.address) == ("Wi-Fi", "192.168.50.23")
    ranked = rank(WINDOWS)
    # The docking station's cable is the next best: a LAN, not a virtual switch.
    assert (ranked[1].name, ranked[1].kind) == ("Ethernet 2", Kind.WIRED)
    assert {c.kind for c in ranked if c.name.startswith("vEthernet")} == {Kind.VIRTUAL}
    assert classify(Interface("VirtualBox Host-Only Network", "192.168.56.1")).kind is Kind.VIRTUAL  # type: ignore[union-attr]


def test_windows_without_wifi_takes_the_cable() -> None:
    table = [i for i in WINDOWS if i.name != "Wi-Fi"]
    best = choose(table)
    assert best is not None and best.name == "Ethernet 2"


def test_macos_laptop_picks_en0_over_utun_and_bridge() -> None:
    best = choose(MACOS)
    assert best is not None and (best.name, best.address) == ("en0", "10.42.7.19")
    kinds = {c.name: c.kind for c in rank(MACOS) if c.version == 4}
    assert kinds["utun3"] is Kind.VPN and kinds["utun4"] is Kind.VPN
    assert kinds["bridge100"] is Kind.VIRTUAL


def test_a_vpn_is_taken_only_when_nothing_better_exists_and_loopback_last() -> None:
    only = [Interface("lo0", "127.0.0.1"), Interface("utun3", "100.88.12.5")]
    best = choose(only)
    assert best is not None and best.kind is Kind.VPN
    assert choose([Interface("lo", "127.0.0.1")]).kind is Kind.LOOPBACK  # type: ignore[union-attr]
    assert choose([]) is None


def test_interfaces_that_are_down_are_left_out() -> None:
    table = [Interface("wlan0", "192.168.1.5", up=False), Interface("eth0", "10.0.0.5")]
    best = choose(table)
    assert best is not None and best.address == "10.0.0.5"


def test_ipv4_before_ipv6_and_ipv6_left_out_when_not_listened_on() -> None:
    table = [Interface("wlan0", "fd00::5"), Interface("wlan0", "192.168.1.5")]
    assert choose(table).address == "192.168.1.5"  # type: ignore[union-attr]
    assert all(c.version == 4 for c in rank(table, versions=(4,)))
    assert [c.address for c in rank(table, versions=(6,))] == ["fd00::5"]


def test_the_routed_address_wins_among_equals() -> None:
    table = [Interface("eth0", "10.0.0.5"), Interface("eth1", "10.1.0.5")]
    assert choose(table).address == "10.0.0.5"  # type: ignore[union-attr]
    assert choose(table, route="10.1.0.5").address == "10.1.0.5"  # type: ignore[union-attr]
    # ... but a routed VPN (a full tunnel) never beats the Wi-Fi.
    vpn = [Interface("wlan0", "192.168.1.5"), Interface("tun0", "10.9.0.2")]
    assert choose(vpn, route="10.9.0.2").address == "192.168.1.5"  # type: ignore[union-attr]


def test_this_machine_gives_a_usable_address() -> None:
    """Here (a container with lo and eth0, or a laptop) the first address is not loopback
    whenever there is any network at all."""
    ranked = local_candidates()
    assert ranked
    best = ipaddress.ip_address(ranked[0].address)
    others = [c for c in ranked if c.kind is not Kind.LOOPBACK]
    assert not others or not best.is_loopback


def test_a_bound_address_stands_alone() -> None:
    from mognad_tui.network import listening_candidates

    assert [(c.address, c.kind) for c in listening_candidates("127.0.0.1")] == [
        ("127.0.0.1", Kind.LOOPBACK)
    ]
    assert [c.address for c in listening_candidates("meeting.kommun.se")] == ["meeting.kommun.se"]
    assert all(c.version == 4 for c in listening_candidates("0.0.0.0"))
    # asyncio binds :: as IPv6 only: an IPv4 address would not answer.
    assert all(c.version == 6 for c in listening_candidates("::"))
