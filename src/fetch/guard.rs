//! Which addresses a fetch may connect to. A page's address is chosen by whoever submits it, so
//! without these rules claimdb could be made to read its own loopback services, the intranet it
//! runs in, or a cloud metadata endpoint (169.254.169.254), and to store the answer as evidence.
//!
//! Names are checked where they are resolved (`GuardedResolver`, used by the HTTP client for every
//! connection, so every redirect hop too); literal addresses never reach a resolver and are
//! checked by `check_literal` before each hop.

use std::error::Error as StdError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether `ip` is an ordinary public internet address: not loopback, private, link-local,
/// shared (CGNAT), multicast, documentation, reserved, nor an IPv6 form that embeds one of those.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let refused = a == 0 // "this network", 0.0.0.0 included
        || ip.is_loopback() // 127/8
        || ip.is_private() // 10/8, 172.16/12, 192.168/16
        || ip.is_link_local() // 169.254/16: cloud metadata lives here
        || (a == 100 && (64..128).contains(&b)) // 100.64/10, carrier-grade NAT
        || (a == 192 && b == 0 && c == 0) // 192.0.0/24, protocol assignments
        || ip.is_documentation() // 192.0.2/24, 198.51.100/24, 203.0.113/24
        || (a == 198 && (b == 18 || b == 19)) // 198.18/15, benchmarking
        || ip.is_multicast() // 224/4
        || a >= 240; // 240/4 reserved, 255.255.255.255 broadcast
    !refused
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    let segments = ip.segments();
    let refused = ip.is_unspecified()
        || ip.is_loopback()
        || (segments[0] & 0xfe00) == 0xfc00 // fc00::/7, unique local
        || (segments[0] & 0xffc0) == 0xfe80 // fe80::/10, link-local
        || (segments[0] & 0xffc0) == 0xfec0 // fec0::/10, the former site-local
        || ip.is_multicast() // ff00::/8
        || (segments[0] == 0x2001 && segments[1] == 0x0db8) // documentation
        || (segments[0] == 0x2001 && segments[1] == 0) // Teredo: tunnels to a hidden IPv4
        || (segments[0] == 0x0100 && segments[1..4] == [0, 0, 0]); // 100::/64, discard
    !refused
}

/// The IPv4 address that an IPv6 address stands for, where it embeds one: IPv4-mapped
/// (`::ffff:a.b.c.d`), the deprecated IPv4-compatible (`::a.b.c.d`), NAT64 (`64:ff9b::/96`) and
/// 6to4 (`2002:AABB:CCDD::/48`). Each reaches the IPv4 host, so it is judged as that host.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let low =
        |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    if s[..6] == [0, 0, 0, 0, 0, 0] && !(s[6] == 0 && s[7] <= 1) {
        return Some(low(s[6], s[7])); // ::a.b.c.d (but not :: and ::1)
    }
    if s[0] == 0x0064 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        return Some(low(s[6], s[7]));
    }
    if s[0] == 0x2002 {
        return Some(low(s[1], s[2]));
    }
    None
}

/// The host names and literal addresses that may be fetched whatever they resolve to.
#[derive(Debug, Clone, Default)]
pub struct AllowedHosts(Arc<Vec<String>>);

impl AllowedHosts {
    pub fn new(hosts: &[String]) -> Self {
        AllowedHosts(Arc::new(hosts.iter().map(|h| normalise_host(h)).collect()))
    }

    pub fn allows(&self, host: &str) -> bool {
        let host = normalise_host(host);
        self.0.contains(&host)
    }
}

/// `Example.COM.` → `example.com`, `[::1]` → `::1`: one spelling per host.
fn normalise_host(host: &str) -> String {
    host.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// Why the guard refused to give the client an address. It travels through the client's error
/// chain as the source of its connect error; `refusal_in` finds it again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{host} resolves only to non-public addresses ({address})")]
    Private { host: String, address: String },
    #[error("cannot resolve {0}")]
    Unresolvable(String),
}

/// Refuses a literal-address host (which the resolver never sees) that is not public.
pub fn check_literal(host: &url::Host<&str>, allowed: &AllowedHosts) -> Result<(), Refusal> {
    let ip = match host {
        url::Host::Ipv4(v4) => IpAddr::V4(*v4),
        url::Host::Ipv6(v6) => IpAddr::V6(*v6),
        url::Host::Domain(_) => return Ok(()),
    };
    if is_public(ip) || allowed.allows(&ip.to_string()) {
        Ok(())
    } else {
        Err(Refusal::Private {
            host: ip.to_string(),
            address: ip.to_string(),
        })
    }
}

/// Keeps the public addresses of `resolved` (all of them when the host is allowed); refuses the
/// host when none is left.
pub fn filter_addresses(
    host: &str,
    resolved: Vec<SocketAddr>,
    allowed: &AllowedHosts,
) -> Result<Vec<SocketAddr>, Refusal> {
    if resolved.is_empty() {
        return Err(Refusal::Unresolvable(host.to_string()));
    }
    if allowed.allows(host) {
        return Ok(resolved);
    }
    let public: Vec<SocketAddr> = resolved
        .iter()
        .copied()
        .filter(|a| is_public(a.ip()))
        .collect();
    if public.is_empty() {
        Err(Refusal::Private {
            host: host.to_string(),
            address: resolved[0].ip().to_string(),
        })
    } else {
        Ok(public)
    }
}

/// The HTTP client's resolver: the system's lookup, then `filter_addresses`.
pub struct GuardedResolver {
    pub allowed: AllowedHosts,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allowed = self.allowed.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let resolved: Vec<SocketAddr> = match tokio::net::lookup_host((host.as_str(), 0)).await
            {
                Ok(addrs) => addrs.collect(),
                Err(_) => Vec::new(),
            };
            let kept = filter_addresses(&host, resolved, &allowed)?;
            let addrs: Addrs = Box::new(kept.into_iter());
            Ok(addrs)
        })
    }
}

/// The guard's refusal somewhere in the source chain of an HTTP client error, if it caused it.
pub fn refusal_in(error: &(dyn StdError + 'static)) -> Option<Refusal> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(refusal) = e.downcast_ref::<Refusal>() {
            return Some(refusal.clone());
        }
        current = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(s: &str) -> bool {
        is_public(s.parse().expect("an address"))
    }

    #[test]
    fn ordinary_internet_addresses_are_public() {
        for a in [
            "93.184.216.34",
            "8.8.8.8",
            "1.1.1.1",
            "100.128.0.1",
            "172.32.0.1",
        ] {
            assert!(public(a), "{a}");
        }
        for a in ["2606:4700::1111", "2a00:1450:4001:82a::200e"] {
            assert!(public(a), "{a}");
        }
    }

    #[test]
    fn loopback_private_link_local_and_reserved_ipv4_are_refused() {
        for a in [
            "127.0.0.1",
            "127.1.2.3",
            "10.0.0.1",
            "172.16.5.4",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "240.0.0.1",
            "192.0.2.10",
            "198.18.0.1",
        ] {
            assert!(!public(a), "{a}");
        }
    }

    #[test]
    fn loopback_unique_local_and_link_local_ipv6_are_refused() {
        for a in [
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
        ] {
            assert!(!public(a), "{a}");
        }
    }

    #[test]
    fn ipv6_forms_of_ipv4_addresses_are_judged_as_the_ipv4_address() {
        assert!(!public("::ffff:127.0.0.1"));
        assert!(!public("::ffff:10.1.2.3"));
        assert!(!public("::ffff:169.254.169.254"));
        assert!(!public("::127.0.0.1"));
        assert!(!public("64:ff9b::10.0.0.1"));
        assert!(!public("2002:c0a8:0101::1")); // 6to4 of 192.168.1.1
        assert!(public("::ffff:8.8.8.8"));
        assert!(public("64:ff9b::8.8.8.8"));
    }

    #[test]
    fn allowed_hosts_match_whatever_their_spelling() {
        let allowed = AllowedHosts::new(&["LocalHost".into(), "[::1]".into(), "127.0.0.1".into()]);
        assert!(allowed.allows("localhost"));
        assert!(allowed.allows("localhost."));
        assert!(allowed.allows("::1"));
        assert!(allowed.allows("127.0.0.1"));
        assert!(!allowed.allows("127.0.0.2"));
        assert!(!allowed.allows("example.com"));
    }

    #[test]
    fn a_name_resolving_only_to_private_addresses_is_refused_unless_allowed() {
        let addrs = vec![SocketAddr::from(([10, 0, 0, 7], 0))];
        assert_eq!(
            filter_addresses("intranet.example", addrs.clone(), &AllowedHosts::default()),
            Err(Refusal::Private {
                host: "intranet.example".into(),
                address: "10.0.0.7".into()
            })
        );
        let allowed = AllowedHosts::new(&["intranet.example".into()]);
        assert_eq!(
            filter_addresses("intranet.example", addrs.clone(), &allowed),
            Ok(addrs)
        );
    }

    #[test]
    fn private_addresses_are_dropped_from_a_mixed_answer() {
        let addrs = vec![
            SocketAddr::from(([127, 0, 0, 1], 0)),
            SocketAddr::from(([93, 184, 216, 34], 0)),
        ];
        assert_eq!(
            filter_addresses("example.com", addrs, &AllowedHosts::default()),
            Ok(vec![SocketAddr::from(([93, 184, 216, 34], 0))])
        );
    }

    #[test]
    fn literal_hosts_are_checked_and_names_left_to_the_resolver() {
        let none = AllowedHosts::default();
        let loopback = url::Host::Ipv4(Ipv4Addr::LOCALHOST);
        assert!(check_literal(&loopback, &none).is_err());
        assert!(check_literal(&url::Host::Ipv6(Ipv6Addr::LOCALHOST), &none).is_err());
        assert!(check_literal(&url::Host::Domain("localhost"), &none).is_ok());
        let allowed = AllowedHosts::new(&["127.0.0.1".into()]);
        assert!(check_literal(&loopback, &allowed).is_ok());
    }
}
