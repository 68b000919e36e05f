//! gzip exactly as Go's `compress/gzip` writes it at the default level, for
//! `base64gzip`.
//!
//! Terraform's result is stored in state (for example as a VM's
//! `custom_data`), so aksplan must produce the same bytes, and zlib or
//! miniz do not: Go's `compress/flate` has its own LZ77 matcher (4-byte
//! hashes, lazy matching with level 6's limits), its own block choice
//! (stored, fixed or dynamic Huffman, whichever is smallest) and its own
//! length-limited Huffman code construction. This module implements that
//! behaviour, learned from Go's documentation and source, in its own code.
//! Terraform writes the string, flushes, and closes; so the stream ends
//! with an empty stored block (sync flush) and an empty final stored block.
//! It must not be used where any valid gzip will do: use flate2 there.

const WINDOW_SIZE: usize = 1 << 15;
const WINDOW_MASK: usize = WINDOW_SIZE - 1;
const MIN_MATCH: usize = 4;
const MAX_MATCH: usize = 258;
const HASH_BITS: u32 = 17;
const HASH_SIZE: usize = 1 << HASH_BITS;
const HASH_MASK: u32 = (1 << HASH_BITS) - 1;
const MAX_HASH_OFFSET: i64 = 1 << 24;
const MAX_BLOCK_TOKENS: usize = 1 << 14;
const MAX_STORED_BLOCK: usize = 65535;
// Level 6.
const GOOD: usize = 8;
const LAZY: usize = 16;
const NICE: usize = 128;
const CHAIN: usize = 128;

/// The gzip member Go writes for `data` (header, deflate stream, CRC-32 and
/// size).
pub(crate) fn gzip(data: &[u8]) -> Vec<u8> {
    // No name, no time, default level, unknown OS.
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let mut d = Deflater::new();
    d.write(data);
    d.sync = true;
    d.deflate();
    d.bits.stored_header(0, false);
    d.bits.align();
    d.deflate();
    d.bits.stored_header(0, true);
    d.bits.align();
    out.extend_from_slice(&d.bits.bytes);
    let mut crc = flate2::Crc::new();
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// An LZ77 token: a literal byte (or end of block, 256), or a match.
#[derive(Clone, Copy)]
enum Token {
    Literal(u16),
    /// Length minus 3, distance minus 1.
    Match(u16, u16),
}

struct Deflater {
    window: Vec<u8>,
    index: usize,
    window_end: usize,
    /// Where the queued tokens start in the window; `None` once it has
    /// slid out (the block can then not be stored).
    block_start: Option<usize>,
    byte_available: bool,
    tokens: Vec<Token>,
    length: usize,
    offset: usize,
    chain_head: i64,
    hash_head: Vec<u32>,
    hash_prev: Vec<u32>,
    hash_offset: i64,
    max_insert_index: usize,
    sync: bool,
    bits: BitWriter,
}

fn hash4(b: &[u8]) -> u32 {
    let v = u32::from(b[3]) | u32::from(b[2]) << 8 | u32::from(b[1]) << 16 | u32::from(b[0]) << 24;
    v.wrapping_mul(0x1e35_a7bd) >> (32 - HASH_BITS)
}

impl Deflater {
    fn new() -> Deflater {
        Deflater {
            window: vec![0; 2 * WINDOW_SIZE],
            index: 0,
            window_end: 0,
            block_start: Some(0),
            byte_available: false,
            tokens: Vec::with_capacity(MAX_BLOCK_TOKENS + 1),
            length: MIN_MATCH - 1,
            offset: 0,
            chain_head: -1,
            hash_head: vec![0; HASH_SIZE],
            hash_prev: vec![0; WINDOW_SIZE],
            hash_offset: 1,
            max_insert_index: 0,
            sync: false,
            bits: BitWriter::default(),
        }
    }

    fn write(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            self.deflate();
            let n = self.fill(data);
            data = &data[n..];
        }
    }

    /// Copies input into the window, sliding it down first when the
    /// matcher has gone past its first half.
    fn fill(&mut self, data: &[u8]) -> usize {
        if self.index >= 2 * WINDOW_SIZE - (MIN_MATCH + MAX_MATCH) {
            self.window.copy_within(WINDOW_SIZE.., 0);
            self.index -= WINDOW_SIZE;
            self.window_end -= WINDOW_SIZE;
            self.block_start = self.block_start.and_then(|s| s.checked_sub(WINDOW_SIZE));
            self.hash_offset += WINDOW_SIZE as i64;
            if self.hash_offset > MAX_HASH_OFFSET {
                let delta = self.hash_offset - 1;
                self.hash_offset -= delta;
                self.chain_head -= delta;
                for v in self.hash_prev.iter_mut().chain(self.hash_head.iter_mut()) {
                    *v = if i64::from(*v) > delta {
                        (i64::from(*v) - delta) as u32
                    } else {
                        0
                    };
                }
            }
        }
        let n = data.len().min(self.window.len() - self.window_end);
        self.window[self.window_end..self.window_end + n].copy_from_slice(&data[..n]);
        self.window_end += n;
        n
    }

    fn insert(&mut self, at: usize) {
        let h = (hash4(&self.window[at..at + MIN_MATCH]) & HASH_MASK) as usize;
        self.hash_prev[at & WINDOW_MASK] = self.hash_head[h];
        self.hash_head[h] = (at as i64 + self.hash_offset) as u32;
    }

    fn flush_block(&mut self, end: usize) {
        if end == 0 {
            return;
        }
        let input = match self.block_start {
            Some(start) if start <= end => Some(&self.window[start..end]),
            _ => None,
        };
        self.bits.block(&self.tokens, input);
        self.block_start = Some(end);
        self.tokens.clear();
    }

    /// The lazy matcher: emits tokens for what is in the window (all of it
    /// when syncing), a block each time enough tokens are queued.
    fn deflate(&mut self) {
        if self.window_end - self.index < MIN_MATCH + MAX_MATCH && !self.sync {
            return;
        }
        self.max_insert_index = self.window_end.saturating_sub(MIN_MATCH - 1);
        loop {
            let lookahead = self.window_end - self.index;
            if lookahead < MIN_MATCH + MAX_MATCH {
                if !self.sync {
                    return;
                }
                if lookahead == 0 {
                    if self.byte_available {
                        self.tokens.push(Token::Literal(u16::from(self.window[self.index - 1])));
                        self.byte_available = false;
                    }
                    if !self.tokens.is_empty() {
                        self.flush_block(self.index);
                    }
                    return;
                }
            }
            if self.index < self.max_insert_index {
                let h = (hash4(&self.window[self.index..self.index + MIN_MATCH]) & HASH_MASK) as usize;
                self.chain_head = i64::from(self.hash_head[h]);
                self.hash_prev[self.index & WINDOW_MASK] = self.chain_head as u32;
                self.hash_head[h] = (self.index as i64 + self.hash_offset) as u32;
            }
            let (prev_length, prev_offset) = (self.length, self.offset);
            self.length = MIN_MATCH - 1;
            self.offset = 0;
            let min_index = self.index.saturating_sub(WINDOW_SIZE) as i64;
            let head = self.chain_head - self.hash_offset;
            if head >= min_index && lookahead > prev_length && prev_length < LAZY {
                if let Some((l, o)) = self.find_match(self.index, head, MIN_MATCH - 1, lookahead) {
                    self.length = l;
                    self.offset = o;
                }
            }
            if prev_length >= MIN_MATCH && self.length <= prev_length {
                // The previous position's match is at least as good: take it.
                self.tokens
                    .push(Token::Match((prev_length - 3) as u16, (prev_offset - 1) as u16));
                let new_index = self.index + prev_length - 1;
                self.index += 1;
                while self.index < new_index {
                    if self.index < self.max_insert_index {
                        self.insert(self.index);
                    }
                    self.index += 1;
                }
                self.byte_available = false;
                self.length = MIN_MATCH - 1;
                if self.tokens.len() == MAX_BLOCK_TOKENS {
                    self.flush_block(self.index);
                }
            } else {
                if self.byte_available {
                    let i = self.index - 1;
                    self.tokens.push(Token::Literal(u16::from(self.window[i])));
                    if self.tokens.len() == MAX_BLOCK_TOKENS {
                        self.flush_block(i + 1);
                    }
                }
                self.index += 1;
                self.byte_available = true;
            }
        }
    }

    /// The longest match for `pos` longer than `prev_length`, following the
    /// hash chain from `head`.
    fn find_match(&self, pos: usize, head: i64, prev_length: usize, lookahead: usize) -> Option<(usize, usize)> {
        let look = MAX_MATCH.min(lookahead);
        let win = &self.window[..pos + look];
        let nice = look.min(NICE);
        let mut tries = if prev_length >= GOOD { CHAIN >> 2 } else { CHAIN };
        let mut length = prev_length;
        let mut found = None;
        let mut w_end = win[pos + length];
        let min_index = pos as i64 - WINDOW_SIZE as i64;
        let mut i = head;
        while tries > 0 {
            let iu = i as usize;
            if w_end == win[iu + length] {
                let n = win[iu..iu + look]
                    .iter()
                    .zip(&win[pos..])
                    .take_while(|(a, b)| a == b)
                    .count();
                if n > length && (n > MIN_MATCH || pos - iu <= 4096) {
                    length = n;
                    found = Some((n, pos - iu));
                    if n >= nice {
                        break;
                    }
                    w_end = win[pos + n];
                }
            }
            if i == min_index {
                break;
            }
            i = i64::from(self.hash_prev[iu & WINDOW_MASK]) - self.hash_offset;
            if i < min_index || i < 0 {
                break;
            }
            tries -= 1;
        }
        found
    }
}

// Deflate's length and distance codes (RFC 1951 3.2.5).
const LENGTH_BASE: [u16; 29] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 255,
];
const LENGTH_EXTRA: [u32; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const OFFSET_BASE: [u16; 30] = [
    0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144,
    8192, 12288, 16384, 24576,
];
const OFFSET_EXTRA: [u32; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
const CODEGEN_ORDER: [usize; 19] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
const NUM_LITERALS: usize = 286;
const END_BLOCK: u16 = 256;

fn length_code(len: u16) -> usize {
    LENGTH_BASE.iter().rposition(|&b| b <= len).unwrap_or(0)
}

fn offset_code(off: u16) -> usize {
    OFFSET_BASE.iter().rposition(|&b| b <= off).unwrap_or(0)
}

/// A canonical Huffman code: the length and (bit-reversed) code of each
/// symbol.
#[derive(Clone)]
struct Code {
    len: Vec<u32>,
    code: Vec<u32>,
}

fn reverse(code: u32, len: u32) -> u32 {
    code.reverse_bits() >> (32 - len)
}

impl Code {
    fn fixed_literals() -> Code {
        let mut c = Code {
            len: vec![0; NUM_LITERALS],
            code: vec![0; NUM_LITERALS],
        };
        for s in 0..NUM_LITERALS as u32 {
            let (bits, len) = match s {
                0..=143 => (s + 48, 8),
                144..=255 => (s + 400 - 144, 9),
                256..=279 => (s - 256, 7),
                _ => (s + 192 - 280, 8),
            };
            c.code[s as usize] = reverse(bits, len);
            c.len[s as usize] = len;
        }
        c
    }

    fn fixed_offsets() -> Code {
        Code {
            len: vec![5; 30],
            code: (0..30).map(|i| reverse(i, 5)).collect(),
        }
    }

    fn bit_length(&self, freq: &[u32]) -> u64 {
        freq.iter()
            .zip(&self.len)
            .map(|(&f, &l)| u64::from(f) * u64::from(l))
            .sum()
    }

    /// Go's construction: symbols sorted by frequency (then symbol), bit
    /// counts from a length-limited tree built level by level, codes given
    /// in symbol order within each length.
    fn generate(freq: &[u32], max_bits: usize) -> Code {
        let mut c = Code {
            len: vec![0; freq.len()],
            code: vec![0; freq.len()],
        };
        let mut list: Vec<(u32, u32)> = freq
            .iter()
            .enumerate()
            .filter(|(_, &f)| f != 0)
            .map(|(s, &f)| (s as u32, f))
            .collect();
        if list.len() <= 2 {
            for (i, &(s, _)) in list.iter().enumerate() {
                c.code[s as usize] = i as u32;
                c.len[s as usize] = 1;
            }
            return c;
        }
        list.sort_by_key(|&(s, f)| (f, s));
        let counts = bit_counts(&list, max_bits);
        let mut code = 0u32;
        let mut rest = list.as_slice();
        for (bits, &count) in counts.iter().enumerate() {
            code <<= 1;
            if bits == 0 || count == 0 {
                continue;
            }
            let (left, chunk) = rest.split_at(rest.len() - count);
            let mut chunk = chunk.to_vec();
            chunk.sort_by_key(|&(s, _)| s);
            for (s, _) in chunk {
                c.code[s as usize] = reverse(code, bits as u32);
                c.len[s as usize] = bits as u32;
                code += 1;
            }
            rest = left;
        }
        c
    }
}

/// How many symbols get each code length (index = bits), for symbols in
/// increasing frequency. The tree is built as Go builds it: one level per
/// bit length, each level taking either the next leaf or a pair from the
/// level below, whichever is lighter, lazily refilling lower levels.
fn bit_counts(list: &[(u32, u32)], max_bits: usize) -> Vec<usize> {
    const NONE: i64 = i64::MAX;
    let n = list.len();
    let freq = |i: usize| list.get(i).map_or(NONE, |&(_, f)| i64::from(f));
    let max_bits = max_bits.min(n - 1);
    #[derive(Clone, Copy, Default)]
    struct Level {
        last: i64,
        next_char: i64,
        next_pair: i64,
        needed: i64,
    }
    let mut levels = [Level::default(); 18];
    let mut leaves = [[0usize; 18]; 18];
    for level in 1..=max_bits {
        levels[level] = Level {
            last: freq(1),
            next_char: freq(2),
            next_pair: if level == 1 { NONE } else { freq(0) + freq(1) },
            needed: 0,
        };
        leaves[level][level] = 2;
    }
    levels[max_bits].needed = 2 * n as i64 - 4;
    let mut level = max_bits;
    loop {
        if levels[level].next_pair == NONE && levels[level].next_char == NONE {
            // Out of leaves and pairs here: never come back.
            levels[level].needed = 0;
            levels[level + 1].next_pair = NONE;
            level += 1;
            continue;
        }
        let prev = levels[level].last;
        if levels[level].next_char < levels[level].next_pair {
            let k = leaves[level][level] + 1;
            levels[level].last = levels[level].next_char;
            leaves[level][level] = k;
            levels[level].next_char = freq(k);
        } else {
            levels[level].last = levels[level].next_pair;
            let below = leaves[level - 1];
            leaves[level][..level].copy_from_slice(&below[..level]);
            levels[level - 1].needed = 2;
        }
        levels[level].needed -= 1;
        if levels[level].needed == 0 {
            if level == max_bits {
                break;
            }
            levels[level + 1].next_pair = prev + levels[level].last;
            level += 1;
        } else {
            while levels[level - 1].needed > 0 {
                level -= 1;
            }
        }
    }
    let mut counts = vec![0; max_bits + 1];
    let top = leaves[max_bits];
    for (bits, level) in (1..=max_bits).rev().enumerate() {
        counts[bits + 1] = top[level] - top[level - 1];
    }
    counts
}

/// Bits written least significant first, as deflate wants them.
#[derive(Default)]
struct BitWriter {
    bytes: Vec<u8>,
    acc: u64,
    nbits: u32,
}

impl BitWriter {
    fn put(&mut self, value: u32, n: u32) {
        self.acc |= u64::from(value) << self.nbits;
        self.nbits += n;
        while self.nbits >= 8 {
            self.bytes.push(self.acc as u8);
            self.acc >>= 8;
            self.nbits -= 8;
        }
    }

    /// Pads to a byte boundary.
    fn align(&mut self) {
        if self.nbits > 0 {
            self.bytes.push(self.acc as u8);
        }
        self.acc = 0;
        self.nbits = 0;
    }

    fn stored_header(&mut self, len: usize, last: bool) {
        self.put(u32::from(last), 3);
        self.align();
        self.put(len as u32, 16);
        self.put(!(len as u32) & 0xffff, 16);
    }

    /// One block of tokens in whichever form is smallest: fixed Huffman,
    /// dynamic Huffman, or stored when the input is at hand.
    fn block(&mut self, tokens: &[Token], input: Option<&[u8]>) {
        let mut tokens = tokens.to_vec();
        tokens.push(Token::Literal(END_BLOCK));
        let mut lit_freq = vec![0u32; NUM_LITERALS];
        let mut off_freq = vec![0u32; 30];
        for t in &tokens {
            match *t {
                Token::Literal(l) => lit_freq[l as usize] += 1,
                Token::Match(l, o) => {
                    lit_freq[257 + length_code(l)] += 1;
                    off_freq[offset_code(o)] += 1;
                }
            }
        }
        let num_lit = lit_freq.iter().rposition(|&f| f != 0).map_or(0, |i| i + 1);
        let mut num_off = off_freq.iter().rposition(|&f| f != 0).map_or(0, |i| i + 1);
        if num_off == 0 {
            off_freq[0] = 1;
            num_off = 1;
        }
        let lit = Code::generate(&lit_freq, 15);
        let off = Code::generate(&off_freq, 15);
        let storable = input.filter(|i| i.len() <= MAX_STORED_BLOCK);
        let mut extra = 0u64;
        if storable.is_some() {
            for code in 257 + 8..num_lit {
                extra += u64::from(lit_freq[code]) * u64::from(LENGTH_EXTRA[code - 257]);
            }
            for code in 4..num_off {
                extra += u64::from(off_freq[code]) * u64::from(OFFSET_EXTRA[code]);
            }
        }
        let (fixed_lit, fixed_off) = (Code::fixed_literals(), Code::fixed_offsets());
        let fixed_size = 3 + fixed_lit.bit_length(&lit_freq) + fixed_off.bit_length(&off_freq) + extra;
        let (codegen, cg_freq) = codegen(&lit.len[..num_lit], &off.len[..num_off]);
        let cg = Code::generate(&cg_freq, 7);
        let mut num_cg = 19;
        while num_cg > 4 && cg_freq[CODEGEN_ORDER[num_cg - 1]] == 0 {
            num_cg -= 1;
        }
        let header = 3
            + 5
            + 5
            + 4
            + 3 * num_cg as u64
            + cg.bit_length(&cg_freq)
            + u64::from(cg_freq[16]) * 2
            + u64::from(cg_freq[17]) * 3
            + u64::from(cg_freq[18]) * 7;
        let dynamic_size = header + lit.bit_length(&lit_freq) + off.bit_length(&off_freq) + extra;
        let dynamic = dynamic_size < fixed_size;
        let size = if dynamic { dynamic_size } else { fixed_size };
        if let Some(input) = storable {
            if ((input.len() as u64) + 5) * 8 < size {
                self.stored_header(input.len(), false);
                self.bytes.extend_from_slice(input);
                return;
            }
        }
        let (lit, off) = if dynamic {
            self.put(4, 3);
            self.put((num_lit - 257) as u32, 5);
            self.put((num_off - 1) as u32, 5);
            self.put((num_cg - 4) as u32, 4);
            for &s in &CODEGEN_ORDER[..num_cg] {
                self.put(cg.len[s], 3);
            }
            let mut i = 0;
            while i < codegen.len() {
                let s = codegen[i] as usize;
                self.put(cg.code[s], cg.len[s]);
                let extra_bits = match s {
                    16 => 2,
                    17 => 3,
                    18 => 7,
                    _ => 0,
                };
                if extra_bits > 0 {
                    i += 1;
                    self.put(u32::from(codegen[i]), extra_bits);
                }
                i += 1;
            }
            (lit, off)
        } else {
            self.put(2, 3);
            (fixed_lit, fixed_off)
        };
        for t in &tokens {
            match *t {
                Token::Literal(l) => self.put(lit.code[l as usize], lit.len[l as usize]),
                Token::Match(l, o) => {
                    let lc = length_code(l);
                    self.put(lit.code[257 + lc], lit.len[257 + lc]);
                    if LENGTH_EXTRA[lc] > 0 {
                        self.put(u32::from(l - LENGTH_BASE[lc]), LENGTH_EXTRA[lc]);
                    }
                    let oc = offset_code(o);
                    self.put(off.code[oc], off.len[oc]);
                    if OFFSET_EXTRA[oc] > 0 {
                        self.put(u32::from(o - OFFSET_BASE[oc]), OFFSET_EXTRA[oc]);
                    }
                }
            }
        }
    }
}

/// The run-length coded code lengths of a dynamic block header (RFC 1951
/// 3.2.7), as Go groups them, with the frequency of each code-length code.
fn codegen(lit_lens: &[u32], off_lens: &[u32]) -> (Vec<u8>, Vec<u32>) {
    let lens: Vec<u32> = lit_lens.iter().chain(off_lens).copied().collect();
    let mut out = Vec::new();
    let mut freq = vec![0u32; 19];
    let mut i = 0;
    while i < lens.len() {
        let size = lens[i];
        let mut count = lens[i..].iter().take_while(|&&l| l == size).count();
        i += count;
        if size != 0 {
            out.push(size as u8);
            freq[size as usize] += 1;
            count -= 1;
            while count >= 3 {
                let n = count.min(6);
                out.extend([16, (n - 3) as u8]);
                freq[16] += 1;
                count -= n;
            }
        } else {
            while count >= 11 {
                let n = count.min(138);
                out.extend([18, (n - 11) as u8]);
                freq[18] += 1;
                count -= n;
            }
            if count >= 3 {
                out.extend([17, (count - 3) as u8]);
                freq[17] += 1;
                count = 0;
            }
        }
        for _ in 0..count {
            out.push(size as u8);
            freq[size as usize] += 1;
        }
    }
    (out, freq)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
        out
    }

    /// A xorshift generator, so that the inputs are the same everywhere.
    struct Rng(u32);
    impl Rng {
        fn next(&mut self) -> u32 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 17;
            self.0 ^= self.0 << 5;
            self.0
        }
    }

    /// The inputs of `same_bytes_as_terraform`.
    fn inputs() -> Vec<(&'static str, Vec<u8>)> {
        let words: [&[u8]; 16] = [
            b"alpha", b"beta", b"gamma", b"delta", b"epsilon", b"zeta", b"eta", b"theta", b"iota", b"kappa", b"\n",
            b" ", b"{", b"}", b"=", b"\"x\"",
        ];
        let mut r = Rng(2463534242);
        let prose = |n: usize, r: &mut Rng| -> Vec<u8> {
            (0..n).flat_map(|_| words[(r.next() % 16) as usize].to_vec()).collect()
        };
        let w5k = prose(5_000, &mut r);
        let w60k = prose(60_000, &mut r);
        let noise: Vec<u8> = (0..20_000).map(|_| 32 + (r.next() % 95) as u8).collect();
        let mut mixed = Vec::new();
        for _ in 0..60_000 {
            if r.next() % 10 < 7 {
                mixed.extend_from_slice(words[(r.next() % 16) as usize]);
            } else {
                let c = 32 + (r.next() % 95) as u8;
                mixed.extend(std::iter::repeat_n(c, 1 + (r.next() % 29) as usize));
            }
        }
        let cloud_init = "#cloud-config\npackage_update: true\npackages:\n  - nginx\n  - curl\nruncmd:\n  - systemctl enable nginx\n";
        vec![
            ("empty", Vec::new()),
            ("a", b"a".to_vec()),
            ("hello", b"hello world".to_vec()),
            ("a40", vec![b'a'; 40]),
            ("a1000", vec![b'a'; 1000]),
            ("abc", b"abcabcabcabcabcabc".to_vec()),
            ("cloud-init", cloud_init.repeat(3).into_bytes()),
            ("utf8", "héllo wörld 日本語 ".repeat(30).into_bytes()),
            ("words5k", w5k),
            ("words60k", w60k),
            ("noise20k", noise),
            ("mixed", mixed),
        ]
    }

    /// Writes each input of `inputs` to $AKSPLAN_GZIP_DUMP, to run
    /// terraform's base64gzip over.
    #[test]
    #[ignore]
    fn dump_inputs() {
        let Ok(dir) = std::env::var("AKSPLAN_GZIP_DUMP") else {
            return;
        };
        for (name, bytes) in inputs() {
            std::fs::write(std::path::Path::new(&dir).join(format!("{name}.in")), bytes).unwrap();
        }
    }

    /// `base64gzip(file(NAME))` as terraform console (1.11.4) printed it for
    /// each input (dumped with `dump_inputs`): in full for the short ones,
    /// as the SHA-256 of the base64 text and its length for the long ones.
    #[test]
    fn same_bytes_as_terraform() {
        use base64::Engine as _;
        use sha2::Digest as _;
        let short = [
            ("empty", "H4sIAAAAAAAA/wAAAP//AQAA//8AAAAAAAAAAA=="),
            ("a", "H4sIAAAAAAAA/0oEAAAA//8BAAD//0O+t+gBAAAA"),
            ("hello", "H4sIAAAAAAAA/8pIzcnJVyjPL8pJAQAAAP//AQAA//+FEUoNCwAAAA=="),
            ("a40", "H4sIAAAAAAAA/0okEgAAAAD//wEAAP//JYpbySgAAAA="),
            ("a1000", "H4sIAAAAAAAA/0ocBaNgFAx7AAAAAP//AQAA//8D2jia6AMAAA=="),
            ("abc", "H4sIAAAAAAAA/0pMSkZDAAAAAP//AQAA//8EwCbcEgAAAA=="),
            (
                "utf8",
                "H4sIAAAAAAAA/8o4vDInJ1+h/PC2opwUhWfTlz6bs+bFqnkKo+Kj4kNRHAAAAP//AQAA//+doF+c0AIAAA==",
            ),
        ];
        let long = [
            (
                "cloud-init",
                "840924ff70073d6b802194da0dc4c5d2c0db5962262e853cb3f33dfa26c34cad",
                152,
            ),
            (
                "words5k",
                "ab0aaa70c104449a42b37059a34fef3cc0cc6b9a36eb39e4eeb21f83d0023de8",
                5608,
            ),
            (
                "words60k",
                "894040d1204317c21ee51d947f34d1bb5c92672462850e78dd0e92f853521aee",
                63116,
            ),
            (
                "noise20k",
                "90d1d86556619ff1883516d615ab5229442ec1e04c51b026551ebc596c6dce25",
                22216,
            ),
            (
                "mixed",
                "e1e584caa78798dca322c40fcb5548c49d751eedb4c26706110d4f76058e0c2f",
                113704,
            ),
        ];
        let all = inputs();
        let input = |name: &str| &all.iter().find(|(n, _)| *n == name).unwrap().1;
        let b64 = |name: &str| base64::engine::general_purpose::STANDARD.encode(gzip(input(name)));
        for (name, want) in short {
            assert_eq!(b64(name), want, "{name}");
        }
        for (name, sha, len) in long {
            let got = b64(name);
            let digest: String = sha2::Sha256::digest(got.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!((digest.as_str(), got.len()), (sha, len), "{name}");
        }
        assert_eq!(
            input("mixed").len(),
            414_253,
            "the long input crosses window slides and blocks"
        );
    }

    #[test]
    fn round_trips_through_a_standard_decoder() {
        let mut inputs: Vec<Vec<u8>> = vec![Vec::new(), b"a".to_vec(), b"hello world".to_vec()];
        let text: Vec<u8> = (0..200_000u32)
            .map(|i| b"the quick brown fox jumps over the lazy dog "[(i * 7 % 44) as usize])
            .collect();
        inputs.push(text);
        let mut x = 12345u32;
        let noise: Vec<u8> = (0..150_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 24) as u8
            })
            .collect();
        inputs.push(noise);
        inputs.push(vec![b'z'; 100_000]);
        for input in inputs {
            assert_eq!(gunzip(&gzip(&input)), input, "{} bytes", input.len());
        }
    }
}
