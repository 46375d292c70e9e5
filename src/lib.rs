//! fwlint: a policy linter for firewall configs.
//!
//! The pipeline, one way:
//! read ([`read`]) → parse and lower ([`dialect`]) → normalized model ([`model`])
//! → packet-set engine ([`space`]) → checks ([`check`], with [`topology`] and
//! [`catalog`]) → findings ([`finding`]) → reporters ([`report`]).

pub mod model;
pub mod space;
