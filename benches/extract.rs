//! Throughput of claim extraction over a multi-megabyte mixed Arabic/English text, and the time
//! of a whole reading (extraction, then parts linked to their wholes) of the largest submission
//! the server accepts when it is nothing but short casualty sentences.

use claimdb::domain::extract::Extractor;
use claimdb::domain::pipeline::read_claims;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;

const SENTENCES: &[&str] = &[
    "At least 15 civilians were killed and dozens wounded when artillery shells struck a crowded market on Tuesday, local medics said.",
    "The Syrian Observatory for Human Rights, a Britain-based monitor, put the toll at 12 civilians, including five children.",
    "Police said they had detained 27 people for damaging public property and that 11 officers were lightly injured.",
    "The town, which lies 12 km from the front line, has been repeatedly shelled since January 2019.",
    "Flash floods killed 23 people, the Ministry of Local Administration said, adding that seven others were missing.",
    "Published 11:05 GMT, 14 July 2023 · 1.2K shares · 34 comments. Call 01632 960 444.",
    "قال الدفاع المدني السوري إن سبعة عشر مدنياً قتلوا وأصيب أربعون آخرون بجروح، بينهم ثمانية أطفال.",
    "وذكر مصدر عسكري أن الوحدات قتلت أربعة إرهابيين ودمرت آليتين لهم، نافياً سقوط أي قتلى مدنيين.",
    "أعلن الهلال الأحمر ارتفاع حصيلة ضحايا السيول إلى ثلاثة وثلاثين قتيلاً، فيما لا يزال سبعة أشخاص في عداد المفقودين.",
    "وبحسب الهلال الأحمر، نزحت قرابة 2500 عائلة، ودمرت المياه ١٢٠ منزلاً بشكل كامل.",
    "وتقع البلدة على بعد 12 كيلومتراً من خطوط التماس التي رسمها اتفاق عام 2019.",
    "أما لجنة المحامين فأحصت ما لا يقل عن 64 موقوفاً، وقالت إن ١٥٠ متظاهراً عولجوا ميدانياً، نُقل تسعة منهم إلى المستشفيات.",
    "Everyone agreed that the weather in the valley was pleasant for most of the afternoon, and the market reopened.",
];

fn corpus(target: usize) -> String {
    let mut text = String::with_capacity(target + 1024);
    let mut i = 0usize;
    while text.len() < target {
        text.push_str(SENTENCES[i % SENTENCES.len()]);
        text.push(if i % 4 == 3 { '\n' } else { ' ' });
        i += 1;
    }
    text
}

/// Dense casualty sentences in four languages, every one with a total and a part ("including 5
/// children", "بينهم", "dont", "entre ellos"), with varied numbers.
const DENSE: &[&str] = &[
    "{a} people were killed and {b} wounded, including {c} children, the ministry said.",
    "At least {a} civilians were killed, {c} of them women, and {b} others were injured, medics said.",
    "قتل {a} شخصا وأصيب {b} آخرون بجروح، بينهم {c} أطفال، وفق وزارة الصحة.",
    "Au moins {a} personnes ont été tuées et {b} blessées, dont {c} enfants, selon le ministère.",
    "Al menos {a} personas murieron y {b} resultaron heridas, entre ellas {c} niños, dijo el ministerio.",
];

/// The largest body the server accepts by default (2 MiB).
const TWO_MIB: usize = claimdb::config::DEFAULT_MAX_BODY_BYTES;

/// At most `limit` bytes of dense casualty sentences, deterministic (a small LCG for the numbers).
fn dense(limit: usize) -> String {
    let mut text = String::with_capacity(limit);
    let mut seed: u64 = 7;
    let mut next = |m: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % m
    };
    for i in 0usize.. {
        let a = 10 + next(90);
        let b = a + 1 + next(200);
        let c = 2 + next(8);
        let s = DENSE[i % DENSE.len()]
            .replace("{a}", &a.to_string())
            .replace("{b}", &b.to_string())
            .replace("{c}", &c.to_string());
        if text.len() + s.len() + 1 > limit {
            break;
        }
        text.push_str(&s);
        text.push(if i % 6 == 5 { '\n' } else { ' ' });
    }
    text
}

fn bench_extract(c: &mut Criterion) {
    let ex = Extractor::with_default_lexicons();
    let text = corpus(4 * 1024 * 1024);
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.bench_function("mixed_ar_en_4MB", |b| {
        b.iter(|| black_box(ex.extract(black_box(&text))))
    });
    group.finish();
}

/// A whole reading (`read_claims`) of 2 MiB of dense casualty sentences: the target is under
/// 0.5 s on one core (it was 10 s and more when part/whole inference paired every claim with
/// every other).
fn bench_read_claims_dense(c: &mut Criterion) {
    let ex = Extractor::with_default_lexicons();
    let mut group = c.benchmark_group("read_claims");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    for (name, size) in [
        ("dense_800KB", 800_000),
        ("dense_1600KB", 1_600_000),
        ("dense_2MiB", TWO_MIB),
    ] {
        let text = dense(size);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                black_box(read_claims(
                    &ex,
                    claimdb::domain::linking::Gazetteer::builtin(),
                    black_box(&text),
                ))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_extract, bench_read_claims_dense);
criterion_main!(benches);
