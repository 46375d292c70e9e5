//! fwlint: a policy linter for firewall configs.
//!
//! The pipeline, one way:
//! read ([`read`]) → parse and lower ([`dialect`]) → normalized model ([`model`])
//! → packet-set engine ([`space`]) → checks ([`check`]) → findings ([`finding`])
//! → reporters ([`report`]). [`cli`] is the glue.

pub mod baseline;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod dialect;
pub mod finding;
pub mod model;
pub mod read;
pub mod report;
pub mod settings;
pub mod space;
pub mod suggest;
pub mod topology;
