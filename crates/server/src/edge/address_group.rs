//! `address_group`: the address the per-address limits count a client under. An IPv6 client
//! usually holds a whole /64 (or more), so counting exact addresses would let it pose as 2^64
//! clients: IPv6 addresses are grouped by a prefix (64 bits by default, `Limits::ipv6_prefix`),
//! and an IPv4 address mapped into IPv6 counts as the IPv4 address.

use std::net::{IpAddr, Ipv6Addr};

/// The default IPv6 prefix length the per-address limits group by.
pub const DEFAULT_IPV6_PREFIX: u8 = 64;

/// `ip` as the per-address limits count it: IPv4 as it is, IPv6 cut to its first `v6_prefix`
/// bits (at most 128).
pub(crate) fn address_group(ip: IpAddr, v6_prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u32::from(v6_prefix.min(128));
                let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
                IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_groups_by_prefix_and_ipv4_stays() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().expect("ip");
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().expect("ip");
        let c: IpAddr = "2001:db8:1:3::1".parse().expect("ip");
        assert_eq!(address_group(a, 64), address_group(b, 64));
        assert_ne!(address_group(a, 64), address_group(c, 64));
        assert_eq!(address_group(a, 48), address_group(c, 48));
        assert_ne!(address_group(a, 128), address_group(b, 128));
        assert_eq!(address_group(a, 0), address_group(c, 0));
        let v4: IpAddr = "192.0.2.7".parse().expect("ip");
        assert_eq!(address_group(v4, 64), v4);
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().expect("ip");
        assert_eq!(address_group(mapped, 64), v4);
    }
}
