//! Where the random provider's values come from: the operating system's
//! cryptographic generator, or, for `random_integer` and `random_shuffle`
//! with a `seed`, a deterministic stream of our own.
//!
//! The seeded stream is ChaCha20 (rand_chacha 0.3's `ChaCha20Rng`, stream
//! 0) keyed with the SHA-256 digest of the seed's UTF-8 bytes. Every draw
//! takes the stream's next 64-bit word; a number below `n` is a word taken
//! modulo `n`, after rejecting the words at the top of the range that would
//! make the lower numbers likelier; a shuffle is Fisher–Yates, drawing from
//! the last position down. The same seed gives the same result on every
//! machine and in every run. hashicorp/random seeds Go's math/rand with
//! the seed's CRC-64 instead: a seeded result here does not match the one
//! Terraform would make, only its stability.

use rand_chacha::ChaCha20Rng;
use rand_core::{OsRng, RngCore, SeedableRng};
use sha2::{Digest, Sha256};

pub enum Rng {
    Os,
    Seeded(Box<ChaCha20Rng>),
}

impl Rng {
    /// The seeded stream for a non-empty seed; the operating system's
    /// generator otherwise (hashicorp/random treats `seed = ""` as unset).
    pub fn new(seed: Option<&str>) -> Rng {
        match seed.filter(|s| !s.is_empty()) {
            Some(s) => {
                let mut key = [0; 32];
                key.copy_from_slice(&Sha256::digest(s.as_bytes()));
                Rng::Seeded(Box::new(ChaCha20Rng::from_seed(key)))
            }
            None => Rng::Os,
        }
    }

    /// Fills `buf`; only the operating system's generator can fail.
    pub fn fill(&mut self, buf: &mut [u8]) -> Result<(), String> {
        match self {
            Rng::Os => OsRng
                .try_fill_bytes(buf)
                .map_err(|e| format!("the operating system gave no random bytes: {e}")),
            Rng::Seeded(r) => {
                r.fill_bytes(buf);
                Ok(())
            }
        }
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Result<Vec<u8>, String> {
        let mut buf = vec![0; n];
        self.fill(&mut buf)?;
        Ok(buf)
    }

    fn word(&mut self) -> Result<u64, String> {
        match self {
            Rng::Os => {
                let mut b = [0; 8];
                self.fill(&mut b)?;
                Ok(u64::from_le_bytes(b))
            }
            Rng::Seeded(r) => Ok(r.next_u64()),
        }
    }

    /// A number in `0..n`, each equally likely; `n` must not be 0.
    pub fn below(&mut self, n: u64) -> Result<u64, String> {
        if n == 0 {
            return Err("an empty range has no number to draw".into());
        }
        // 2^64 mod n: that many words at the top would skew the result.
        let skew = (u64::MAX % n + 1) % n;
        loop {
            let w = self.word()?;
            if w <= u64::MAX - skew {
                return Ok(w % n);
            }
        }
    }

    /// A number in `min..=max`, each equally likely; `min` must not be
    /// above `max`.
    pub fn between(&mut self, min: i64, max: i64) -> Result<i64, String> {
        if min > max {
            return Err(format!("the minimum ({min}) is greater than the maximum ({max})"));
        }
        let span = (i128::from(max) - i128::from(min) + 1) as u128;
        let offset = match u64::try_from(span) {
            Ok(span) => self.below(span)?,
            // The whole of i64: every word is a result.
            Err(_) => self.word()?,
        };
        Ok((i128::from(min) + i128::from(offset)) as i64)
    }

    /// Puts `items` in a random order (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) -> Result<(), String> {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1)? as usize;
            items.swap(i, j);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_gives_the_same_stream_every_time() {
        let draw = |seed| {
            let mut r = Rng::new(Some(seed));
            (0..5).map(|_| r.between(1, 100).unwrap()).collect::<Vec<_>>()
        };
        assert_eq!(draw("aksplan"), draw("aksplan"));
        assert_ne!(draw("aksplan"), draw("aksplan2"));
        // Pinned: the documented algorithm, not an accident of this build.
        assert_eq!(draw("aksplan"), PINNED_AKSPLAN);
    }

    /// Computed apart from this code, from the algorithm as documented
    /// above, with Python's `cryptography` ChaCha20 (key SHA-256("aksplan"),
    /// zero nonce and counter).
    const PINNED_AKSPLAN: [i64; 5] = [14, 39, 91, 65, 54];

    #[test]
    fn ranges_hold_their_ends_and_nothing_beyond() {
        let mut r = Rng::new(Some("ends"));
        let mut seen = [false; 3];
        for _ in 0..200 {
            let n = r.between(-1, 1).unwrap();
            seen[(n + 1) as usize] = true;
        }
        assert_eq!(seen, [true; 3]);
        assert_eq!(r.between(7, 7).unwrap(), 7);
        let full = r.between(i64::MIN, i64::MAX).unwrap();
        assert!((i64::MIN..=i64::MAX).contains(&full));
        assert!(r.between(2, 1).unwrap_err().contains("greater"));
        assert!(r.below(0).is_err());
    }

    #[test]
    fn a_shuffle_is_a_permutation() {
        let mut r = Rng::new(None);
        let mut v: Vec<u32> = (0..50).collect();
        r.shuffle(&mut v).unwrap();
        let mut sorted = v.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
        assert_eq!(r.bytes(16).unwrap().len(), 16);
    }
}
