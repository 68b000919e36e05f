//! Fault injection: the failures real ARM has, on demand.
//!
//! `throttle=P` answers a share P of requests 429 with Retry-After,
//! `error500=P` answers 500, `reset=P` drops the connection without an
//! answer (half of the time before the request is carried out, half after,
//! so a client cannot know whether it happened), and `fail=ID` makes every
//! operation on that resource end Failed.

use std::str::FromStr;

#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    Throttle(f64),
    Error500(f64),
    Reset(f64),
    Fail(String),
}

impl FromStr for Fault {
    type Err = String;

    fn from_str(s: &str) -> Result<Fault, String> {
        let (kind, value) = s
            .split_once('=')
            .ok_or_else(|| format!("{s:?}: write KIND=VALUE, e.g. throttle=0.2 or fail=/subscriptions/..."))?;
        let share = || -> Result<f64, String> {
            value
                .parse::<f64>()
                .ok()
                .filter(|p| (0.0..=1.0).contains(p))
                .ok_or_else(|| format!("{kind}={value}: the share of requests must be a number from 0 to 1"))
        };
        match kind {
            "throttle" => Ok(Fault::Throttle(share()?)),
            "error500" => Ok(Fault::Error500(share()?)),
            "reset" => Ok(Fault::Reset(share()?)),
            "fail" if value.starts_with("/subscriptions/") => Ok(Fault::Fail(value.to_string())),
            "fail" => Err(format!("fail={value}: give a resource id (/subscriptions/...)")),
            other => Err(format!(
                "unknown fault {other:?}: use throttle, error500, reset or fail"
            )),
        }
    }
}

/// What to do to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Injected {
    Throttle,
    Error500,
    ResetBefore,
    ResetAfter,
}

#[derive(Debug, Default, Clone)]
pub struct Faults {
    throttle: f64,
    error500: f64,
    reset: f64,
    fail: Vec<String>,
}

impl Faults {
    pub fn new(list: &[Fault]) -> Result<Faults, String> {
        let mut f = Faults::default();
        for fault in list {
            match fault {
                Fault::Throttle(p) => f.throttle = *p,
                Fault::Error500(p) => f.error500 = *p,
                Fault::Reset(p) => f.reset = *p,
                Fault::Fail(id) => f.fail.push(id.to_lowercase()),
            }
        }
        if f.throttle + f.error500 + f.reset > 1.0 {
            return Err("the shares of throttle, error500 and reset add up to more than 1".into());
        }
        Ok(f)
    }

    /// Draws the fate of one request.
    pub fn roll(&self, rng: &mut fastrand::Rng) -> Option<Injected> {
        let r = rng.f64();
        if r < self.throttle {
            Some(Injected::Throttle)
        } else if r < self.throttle + self.error500 {
            Some(Injected::Error500)
        } else if r < self.throttle + self.error500 + self.reset {
            Some(if rng.bool() {
                Injected::ResetBefore
            } else {
                Injected::ResetAfter
            })
        } else {
            None
        }
    }

    /// Whether operations on `id` are made to fail.
    pub fn fails(&self, id: &str) -> bool {
        let id = id.trim_end_matches('/').to_lowercase();
        self.fail.contains(&id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_parse_and_are_checked() {
        assert_eq!("throttle=0.2".parse(), Ok(Fault::Throttle(0.2)));
        assert_eq!(
            "fail=/subscriptions/s/resourceGroups/rg".parse(),
            Ok(Fault::Fail("/subscriptions/s/resourceGroups/rg".into()))
        );
        assert!("throttle=2".parse::<Fault>().unwrap_err().contains("from 0 to 1"));
        assert!("fail=rg".parse::<Fault>().unwrap_err().contains("resource id"));
        assert!("slow=1".parse::<Fault>().unwrap_err().contains("unknown fault"));
        assert!("throttle".parse::<Fault>().unwrap_err().contains("KIND=VALUE"));
        assert!(Faults::new(&[Fault::Throttle(0.6), Fault::Reset(0.6)]).is_err());
    }

    #[test]
    fn shares_are_drawn_in_proportion() {
        let f = Faults::new(&[Fault::Throttle(0.2), Fault::Error500(0.1), Fault::Reset(0.05)]).unwrap();
        let mut rng = fastrand::Rng::with_seed(7);
        let mut counts = std::collections::HashMap::new();
        for _ in 0..20_000 {
            *counts.entry(f.roll(&mut rng)).or_insert(0) += 1;
        }
        let share = |k| counts.get(&k).copied().unwrap_or(0) as f64 / 20_000.0;
        assert!((share(Some(Injected::Throttle)) - 0.2).abs() < 0.02);
        assert!((share(Some(Injected::Error500)) - 0.1).abs() < 0.02);
        let resets = share(Some(Injected::ResetBefore)) + share(Some(Injected::ResetAfter));
        assert!((resets - 0.05).abs() < 0.01);
        assert!(!f.fails("/subscriptions/x"));
    }

    #[test]
    fn failing_ids_compare_without_case() {
        let f = Faults::new(&[Fault::Fail("/subscriptions/S/resourceGroups/RG".into())]).unwrap();
        assert!(f.fails("/subscriptions/s/resourcegroups/rg/"));
        assert!(!f.fails("/subscriptions/s/resourcegroups/rg2"));
    }
}
