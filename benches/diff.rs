//! Diffing two ~100 KB versions of an article, word level (`diff_versions`) and claim level
//! (`diff_claims`), as the version comparison page does. Target: under 20 ms for both.
//!
//! The versions are generated articles joined to 100 KB; the new one revises figures, rewords
//! sentences, adds and removes paragraphs here and there — what an outlet's in-place update
//! does, at a larger scale. A third case diffs two unrelated 100 KB texts (the worst case).

use claimdb::domain::diff::{diff_claims, diff_versions};
use claimdb::domain::extract::Extractor;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

const SIZE: usize = 100 * 1024;

/// About `SIZE` bytes of generated articles (both languages), from `seed`.
fn article(seed: u64) -> String {
    let mut buf = Vec::new();
    claimdb::generate::generate(60, seed, &mut buf).expect("generate");
    let mut text = String::new();
    for line in std::str::from_utf8(&buf).expect("utf-8").lines() {
        let value: serde_json::Value = serde_json::from_str(line).expect("json");
        text.push_str(value["text"].as_str().expect("text"));
        text.push_str("\n\n");
        if text.len() >= SIZE {
            break;
        }
    }
    let mut end = SIZE.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text
}

/// An in-place revision: every 7th line gets its figures raised, every 23rd a reworded clause,
/// every 41st is removed and every 53rd gains a new paragraph after it.
fn revise(old: &str) -> String {
    let mut out = String::with_capacity(old.len() + 4096);
    for (i, line) in old.lines().enumerate() {
        if i % 41 == 40 {
            continue;
        }
        if i % 7 == 3 {
            let raised: String = line
                .split(' ')
                .map(|w| match w.parse::<u32>() {
                    Ok(n) => (n + 4).to_string(),
                    Err(_) => w.to_string(),
                })
                .collect::<Vec<_>>()
                .join(" ");
            out.push_str(&raised);
        } else if i % 23 == 5 {
            out.push_str(&line.replacen(" said", " told reporters", 1));
            out.push_str(" The figure could not be independently verified.");
        } else {
            out.push_str(line);
        }
        out.push('\n');
        if i % 53 == 52 {
            out.push_str("Rescue teams were still searching the rubble late on Tuesday, and 3 more bodies were recovered, the civil defence said.\n");
        }
    }
    out
}

fn bench_diff(c: &mut Criterion) {
    let extractor = Extractor::with_default_lexicons();
    let old = article(1);
    let new = revise(&old);
    let unrelated = article(2);
    let old_claims = extractor.extract(&old);
    let new_claims = extractor.extract(&new);
    let unrelated_claims = extractor.extract(&unrelated);
    eprintln!(
        "diff bench: old {} bytes ({} claims), revised {} bytes ({} claims), unrelated {} bytes",
        old.len(),
        old_claims.len(),
        new.len(),
        new_claims.len(),
        unrelated.len()
    );

    let mut group = c.benchmark_group("diff_100KB");
    group.throughput(Throughput::Bytes((old.len() + new.len()) as u64));
    group.sample_size(20);
    group.bench_function("revision_words_and_claims", |b| {
        b.iter(|| {
            let words = diff_versions(black_box(&old), black_box(&new));
            let claims = diff_claims(black_box(&old_claims), black_box(&new_claims));
            (words.lines.len(), claims.len())
        })
    });
    group.bench_function("revision_words", |b| {
        b.iter(|| diff_versions(black_box(&old), black_box(&new)).lines.len())
    });
    group.bench_function("revision_claims", |b| {
        b.iter(|| diff_claims(black_box(&old_claims), black_box(&new_claims)).len())
    });
    group.bench_function("unrelated_words_and_claims", |b| {
        b.iter(|| {
            let words = diff_versions(black_box(&old), black_box(&unrelated));
            let claims = diff_claims(black_box(&old_claims), black_box(&unrelated_claims));
            (words.lines.len(), claims.len())
        })
    });
    group.finish();
}

criterion_group!(benches, bench_diff);
criterion_main!(benches);
