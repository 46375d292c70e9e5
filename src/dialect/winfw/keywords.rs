//! The symbolic keywords of Windows Firewall rules: port keywords ([MS-GPFAS]
//! 2.2.2.3, [MS-FASP] 2.2.14) and address keywords ([MS-GPFAS] 2.2.2.13,
//! [MS-FASP] 2.2.21), with their canonical spellings and the aliases that
//! netsh / PowerShell / older rule strings use.
//!
//! Canonical spellings (what `Cond::Symbolic::keyword` carries):
//!
//! | keyword | meaning | where |
//! |---|---|---|
//! | `RPC` | dynamic RPC ports (the RPC endpoint mapper hands them out) | local port |
//! | `RPC-EPMap` | the RPC endpoint mapper, exactly TCP 135 | local port |
//! | `Teredo` | the Teredo edge-traversal port | local port |
//! | `IPHTTPSIn` (rule string `IPTLSIn`) | IP-HTTPS inbound | local port |
//! | `IPHTTPSOut` (rule string `IPTLSOut`) | IP-HTTPS outbound | remote port |
//! | `DHCP` | the DHCP client port | local port |
//! | `Ply2Disc` | Play To discovery (SSDP) | local port |
//! | `mDNS` | multicast DNS | local port |
//! | `CortanaOut` | Cortana outbound | remote port |
//! | `TcpCDPSvc` | proximal TCP CDP service | local port |
//! | `LocalSubnet` | the subnets the host's interfaces are on | address |
//! | `DNS`, `DHCP`, `WINS`, `DefaultGateway` | the host's configured servers | address |
//! | `Intranet`, `Internet`, `RmtIntranet` | network-isolation address sets | address |
//! | `Ply2Renders` | Play To renderers | address |
//! | `CaptivePortal` | captive-portal addresses | address |
//!
//! Only `RPC-EPMap` has a fixed meaning in packet headers (TCP port 135); it is
//! lowered as a number. Every other keyword depends on the host and becomes a
//! `Cond::Symbolic` that a topology may resolve.

use serde::Serialize;

/// A port keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum PortKeyword {
    Rpc,
    RpcEpMap,
    Teredo,
    IpHttpsIn,
    IpHttpsOut,
    Dhcp,
    Ply2Disc,
    Mdns,
    CortanaOut,
    TcpCdpSvc,
}

impl PortKeyword {
    pub const ALL: [PortKeyword; 10] = [
        PortKeyword::Rpc,
        PortKeyword::RpcEpMap,
        PortKeyword::Teredo,
        PortKeyword::IpHttpsIn,
        PortKeyword::IpHttpsOut,
        PortKeyword::Dhcp,
        PortKeyword::Ply2Disc,
        PortKeyword::Mdns,
        PortKeyword::CortanaOut,
        PortKeyword::TcpCdpSvc,
    ];

    /// The canonical spelling.
    pub fn canonical(self) -> &'static str {
        match self {
            PortKeyword::Rpc => "RPC",
            PortKeyword::RpcEpMap => "RPC-EPMap",
            PortKeyword::Teredo => "Teredo",
            PortKeyword::IpHttpsIn => "IPHTTPSIn",
            PortKeyword::IpHttpsOut => "IPHTTPSOut",
            PortKeyword::Dhcp => "DHCP",
            PortKeyword::Ply2Disc => "Ply2Disc",
            PortKeyword::Mdns => "mDNS",
            PortKeyword::CortanaOut => "CortanaOut",
            PortKeyword::TcpCdpSvc => "TcpCDPSvc",
        }
    }

    /// Recognise a port keyword in any of its spellings (case-insensitive):
    /// rule strings (`IPTLSIn`), netsh (`RPC-EPMap`, `IPHTTPS`, `PlayToDiscovery`)
    /// and PowerShell (`RPCEPMap`, `IPHTTPSIn`, `PlayToDiscovery`).
    pub fn parse(s: &str) -> Option<PortKeyword> {
        let k = s.to_ascii_lowercase();
        Some(match k.as_str() {
            "rpc" | "dynamicrpc" => PortKeyword::Rpc,
            "rpc-epmap" | "rpcepmap" => PortKeyword::RpcEpMap,
            "teredo" | "edge" => PortKeyword::Teredo,
            "iptlsin" | "iphttpsin" | "iphttps" => PortKeyword::IpHttpsIn,
            "iptlsout" | "iphttpsout" => PortKeyword::IpHttpsOut,
            "dhcp" => PortKeyword::Dhcp,
            "ply2disc" | "playtodiscovery" => PortKeyword::Ply2Disc,
            "mdns" => PortKeyword::Mdns,
            "cortanaout" => PortKeyword::CortanaOut,
            "tcpcdpsvc" | "proximaltcpcdp" => PortKeyword::TcpCdpSvc,
            _ => return None,
        })
    }

    /// The fixed (protocol, port) a keyword stands for, when it has one.
    pub fn fixed(self) -> Option<(u8, u16)> {
        match self {
            PortKeyword::RpcEpMap => Some((6, 135)),
            _ => None,
        }
    }
}

/// An address keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum AddrKeyword {
    LocalSubnet,
    Dns,
    Dhcp,
    Wins,
    DefaultGateway,
    Intranet,
    Internet,
    Ply2Renders,
    RmtIntranet,
    CaptivePortal,
}

impl AddrKeyword {
    pub const ALL: [AddrKeyword; 10] = [
        AddrKeyword::LocalSubnet,
        AddrKeyword::Dns,
        AddrKeyword::Dhcp,
        AddrKeyword::Wins,
        AddrKeyword::DefaultGateway,
        AddrKeyword::Intranet,
        AddrKeyword::Internet,
        AddrKeyword::Ply2Renders,
        AddrKeyword::RmtIntranet,
        AddrKeyword::CaptivePortal,
    ];

    pub fn canonical(self) -> &'static str {
        match self {
            AddrKeyword::LocalSubnet => "LocalSubnet",
            AddrKeyword::Dns => "DNS",
            AddrKeyword::Dhcp => "DHCP",
            AddrKeyword::Wins => "WINS",
            AddrKeyword::DefaultGateway => "DefaultGateway",
            AddrKeyword::Intranet => "Intranet",
            AddrKeyword::Internet => "Internet",
            AddrKeyword::Ply2Renders => "Ply2Renders",
            AddrKeyword::RmtIntranet => "RmtIntranet",
            AddrKeyword::CaptivePortal => "CaptivePortal",
        }
    }

    /// Recognise an address keyword in any spelling (case-insensitive): rule
    /// strings (`LocalSubnet`, `IntrAnet`), netsh (`localsubnet`, `defaultgateway`)
    /// and PowerShell (`LocalSubnet4`, `LocalSubnet6`, `PlayToDevice`, ...).
    pub fn parse(s: &str) -> Option<AddrKeyword> {
        let k = s.to_ascii_lowercase();
        Some(match k.as_str() {
            "localsubnet" | "localsubnet4" | "localsubnet6" => AddrKeyword::LocalSubnet,
            "dns" | "dns4" | "dns6" => AddrKeyword::Dns,
            "dhcp" | "dhcp4" | "dhcp6" => AddrKeyword::Dhcp,
            "wins" | "wins4" | "wins6" => AddrKeyword::Wins,
            "defaultgateway" | "defaultgateway4" | "defaultgateway6" => AddrKeyword::DefaultGateway,
            "intranet" => AddrKeyword::Intranet,
            "internet" => AddrKeyword::Internet,
            "ply2renders" | "playtodevice" | "playtorenderers" => AddrKeyword::Ply2Renders,
            "rmtintranet" | "intranetremoteaccess" | "remoteintranet" => AddrKeyword::RmtIntranet,
            "captiveportal" => AddrKeyword::CaptivePortal,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_spellings_round_trip() {
        for k in PortKeyword::ALL {
            assert_eq!(PortKeyword::parse(k.canonical()), Some(k));
        }
        for k in AddrKeyword::ALL {
            assert_eq!(AddrKeyword::parse(k.canonical()), Some(k));
        }
        assert_eq!(PortKeyword::parse("IPTLSIn"), Some(PortKeyword::IpHttpsIn));
        assert_eq!(AddrKeyword::parse("IntrAnet"), Some(AddrKeyword::Intranet));
        assert_eq!(PortKeyword::RpcEpMap.fixed(), Some((6, 135)));
        assert_eq!(PortKeyword::parse("80"), None);
    }
}
