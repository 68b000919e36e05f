//! CIDR functions for IPv4 and IPv6, computed on 128-bit integers as
//! terraform computes them with go-cidr over Go's `net` package: a negative
//! `newbits` widens the prefix, a negative `netnum` is or-ed in as a
//! two's-complement big integer, and an IPv4-mapped IPv6 prefix
//! (`::ffff:10.0.0.0/104`) is written back as IPv4 (`10.1.0.0/16`), with
//! go-cidr's slip in `cidrhost`, which shifts the host number by 96 bits
//! too many (`0:1::ffff:a00:0`).

use super::{func, int_arg, param, string_arg, FnError, FnResult, FuncContext, Function};
use crate::lang::types::Type;
use crate::lang::value::Value;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub fn register(r: &mut Vec<Function>) {
    r.extend([
        func(
            "cidrsubnet",
            vec![
                param("prefix", Type::String),
                param("newbits", Type::Number),
                param("netnum", Type::Number),
            ],
            Type::String,
            cidrsubnet,
        ),
        func(
            "cidrsubnets",
            vec![param("prefix", Type::String)],
            Type::list(Type::String),
            cidrsubnets,
        )
        .variadic(param("newbits", Type::Number)),
        func(
            "cidrhost",
            vec![param("prefix", Type::String), param("hostnum", Type::Number)],
            Type::String,
            cidrhost,
        ),
        func(
            "cidrnetmask",
            vec![param("prefix", Type::String)],
            Type::String,
            cidrnetmask,
        ),
    ]);
}

/// A network as (first address as an integer, prefix length, address width in bits).
struct Net {
    base: u128,
    prefix: u32,
    width: u32,
}

fn parse(a: &[Value], i: usize) -> Result<Net, FnError> {
    let s = string_arg(a, i)?;
    let net: IpNet = s
        .parse()
        .map_err(|_| FnError::arg(i, format!("invalid CIDR address {s:?}")))?;
    let net = net.trunc();
    let (base, width) = match net.network() {
        IpAddr::V4(v4) => (u32::from(v4) as u128, 32),
        IpAddr::V6(v6) => (u128::from(v6), 128),
    };
    Ok(Net {
        base,
        prefix: net.prefix_len() as u32,
        width,
    })
}

fn addr(n: u128, width: u32) -> IpAddr {
    if width == 32 {
        IpAddr::V4(Ipv4Addr::from(n as u32))
    } else {
        IpAddr::V6(Ipv6Addr::from(n))
    }
}

/// The IPv4 address of an IPv4-mapped IPv6 one (Go's `IP.To4`).
fn mapped_v4(n: u128) -> Option<Ipv4Addr> {
    (n >> 32 == 0xffff).then(|| Ipv4Addr::from(n as u32))
}

/// An address as Go's `IP.String` writes it: IPv4-mapped ones as IPv4.
fn show_addr(n: u128, width: u32) -> String {
    match (width, mapped_v4(n)) {
        (128, Some(v4)) => v4.to_string(),
        _ => addr(n, width).to_string(),
    }
}

/// A network as Go's `IPNet.String` writes it: an IPv4-mapped address with
/// the last 32 bits of its mask.
fn show_net(n: u128, width: u32, len: u32) -> String {
    match (width, mapped_v4(n)) {
        (128, Some(v4)) => format!("{v4}/{}", len.saturating_sub(96)),
        _ => format!("{}/{len}", addr(n, width)),
    }
}

/// `base | (num << shift)` as go-cidr computes it on big integers: for a
/// negative `num`, the two's-complement result is negative and Go keeps its
/// magnitude, `((|y| - 1) & !base) + 1` where `y = num << shift`.
fn insert(base: u128, num: i64, shift: u32, width: u32) -> Result<u128, FnError> {
    let too_big = || FnError::new("the subnet number does not fit the address");
    let magnitude = u128::from(num.unsigned_abs());
    let y = magnitude
        .checked_shl(shift)
        .filter(|y| shift == 0 || y >> shift == magnitude)
        .ok_or_else(too_big)?;
    let v = if num >= 0 { base | y } else { ((y - 1) & !base) + 1 };
    if width < 128 && v >> width != 0 {
        return Err(too_big());
    }
    Ok(v)
}

fn subnet(net: &Net, newbits: i64, netnum: i64, newbits_arg: usize) -> Result<(u128, u32), FnError> {
    let newlen = net.prefix as i64 + newbits;
    if newlen > net.width as i64 {
        return Err(FnError::new(format!(
            "insufficient address space to extend prefix of {} by {newbits}",
            net.prefix
        )));
    }
    if newlen < 0 {
        return Err(FnError::arg(newbits_arg, format!("newbits {newbits} leaves no prefix")));
    }
    let newlen = newlen as u32;
    // go-cidr compares the low 64 bits of |netnum| with 2^newbits - 1 (all
    // of them when newbits is negative, as Go's shift gives 0).
    if (0..64).contains(&newbits) && netnum.unsigned_abs() > (1u64 << newbits) - 1 {
        return Err(FnError::new(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"
        )));
    }
    let base = insert(net.base, netnum, net.width - newlen, net.width)?;
    Ok((base, newlen))
}

pub fn cidrsubnet(a: &[Value], _: &FuncContext) -> FnResult {
    let net = parse(a, 0)?;
    let (base, len) = subnet(&net, int_arg(a, 1)?, int_arg(a, 2)?, 1)?;
    Ok(Value::String(show_net(base, net.width, len)))
}

pub fn cidrsubnets(a: &[Value], _: &FuncContext) -> FnResult {
    let net = parse(a, 0)?;
    let end = net.base + (1u128.checked_shl(net.width - net.prefix).unwrap_or(0)).wrapping_sub(1);
    let mut next = net.base;
    let mut out = Vec::new();
    for i in 1..a.len() {
        let newbits = int_arg(a, i)?;
        if newbits < 1 || net.prefix as i64 + newbits > net.width as i64 {
            return Err(FnError::arg(
                i,
                format!("newbits {newbits} is not between 1 and {}", net.width - net.prefix),
            ));
        }
        let newlen = net.prefix + newbits as u32;
        let size = 1u128 << (net.width - newlen);
        let start = next.div_ceil(size) * size;
        if start < next || start > end || start + (size - 1) > end {
            return Err(FnError::arg(
                i,
                format!("not enough room left in {} for a /{newlen}", string_arg(a, 0)?),
            ));
        }
        out.push(Value::String(format!("{}/{newlen}", addr(start, net.width))));
        next = start + size;
    }
    Ok(Value::List(Type::String, out))
}

pub fn cidrhost(a: &[Value], _: &FuncContext) -> FnResult {
    let net = parse(a, 0)?;
    let hostnum = int_arg(a, 1)?;
    let hostbits = net.width - net.prefix;
    let capacity: u128 = 1u128.checked_shl(hostbits).unwrap_or(u128::MAX);
    let outside = || {
        FnError::new(format!(
            "prefix of {} does not accommodate a host numbered {hostnum}",
            net.prefix
        ))
    };
    let offset = if hostnum >= 0 {
        hostnum as u128
    } else {
        capacity
            .checked_sub(hostnum.unsigned_abs() as u128)
            .ok_or_else(outside)?
    };
    if hostbits < 128 && offset >= capacity {
        return Err(outside());
    }
    // go-cidr inserts the host number at bit 32 of an IPv4-mapped address
    // held in 16 bytes: 96 bits too far left.
    let shift = if net.width == 128 && mapped_v4(net.base).is_some() {
        96
    } else {
        0
    };
    let host = offset
        .checked_shl(shift)
        .filter(|h| h >> shift == offset)
        .ok_or_else(outside)?;
    Ok(Value::String(show_addr(net.base | host, net.width)))
}

pub fn cidrnetmask(a: &[Value], _: &FuncContext) -> FnResult {
    let net = parse(a, 0)?;
    if net.width != 32 {
        return Err(FnError::arg(0, "cidrnetmask() works only on IPv4 prefixes"));
    }
    let mask = if net.prefix == 0 {
        0
    } else {
        u32::MAX << (32 - net.prefix)
    };
    Ok(Value::String(Ipv4Addr::from(mask).to_string()))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;

    #[test]
    fn cidrsubnet_v4_and_v6() {
        assert_eq!(ok(r#"cidrsubnet("10.1.0.0/16", 8, 2)"#), s("10.1.2.0/24"));
        assert_eq!(ok(r#"cidrsubnet("10.1.2.3/16", 4, 15)"#), s("10.1.240.0/20"));
        assert_eq!(
            ok(r#"cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)"#),
            s("fd00:fd12:3456:7800:a200::/72")
        );
        assert!(eval(r#"cidrsubnet("10.0.0.0/16", 8, 256)"#)
            .unwrap_err()
            .contains("does not accommodate a subnet numbered 256"));
        assert!(eval(r#"cidrsubnet("10.0.0.0/30", 8, 0)"#)
            .unwrap_err()
            .contains("insufficient address space"));
        // Expected values from terraform 1.11's console.
        assert_eq!(ok(r#"cidrsubnet("10.1.2.0/24", 4, -1)"#), s("0.0.0.16/28"));
        assert_eq!(ok(r#"cidrsubnet("10.0.0.0/8", -1, 0)"#), s("10.0.0.0/7"));
        assert_eq!(ok(r#"cidrsubnet("::ffff:10.0.0.0/104", 8, 1)"#), s("10.1.0.0/16"));
        assert_eq!(ok(r#"cidrhost("::ffff:10.0.0.0/104", 1)"#), s("0:1::ffff:a00:0"));
        assert!(eval(r#"cidrsubnet("10.0.0/16", 8, 0)"#)
            .unwrap_err()
            .contains("invalid CIDR"));
    }

    #[test]
    fn cidrsubnets_allocates_in_order_with_alignment() {
        assert_eq!(
            ok(r#"cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)"#),
            list(&["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"])
        );
        assert!(eval(r#"cidrsubnets("10.0.0.0/30", 1, 1, 1)"#)
            .unwrap_err()
            .contains("not enough room"));
    }

    #[test]
    fn cidrhost_counts_from_either_end() {
        assert_eq!(ok(r#"cidrhost("10.12.112.0/20", 16)"#), s("10.12.112.16"));
        assert_eq!(ok(r#"cidrhost("10.12.112.0/20", -1)"#), s("10.12.127.255"));
        assert!(eval(r#"cidrhost("10.0.0.0/30", 4)"#).is_err());
    }

    #[test]
    fn cidrnetmask_is_ipv4_only() {
        assert_eq!(ok(r#"cidrnetmask("172.16.0.0/12")"#), s("255.240.0.0"));
        assert_eq!(ok(r#"cidrnetmask("0.0.0.0/0")"#), s("0.0.0.0"));
        assert!(eval(r#"cidrnetmask("fd00::/8")"#).is_err());
    }
}
