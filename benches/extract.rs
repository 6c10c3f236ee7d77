//! Throughput of claim extraction over a multi-megabyte mixed Arabic/English text.

use claimdb::domain::extract::Extractor;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

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

criterion_group!(benches, bench_extract);
criterion_main!(benches);
