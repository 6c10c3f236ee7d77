//! Event pages: `GET /events` (the list) and `GET /events/{id}` (the comparison page: each
//! question's figures side by side, with a server-rendered SVG chart, and the reviewer forms).

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::articles::parse_id;
use super::home::{page_number, render, PageQuery, PAGE_SIZE};
use super::i18n::{Lang, Messages};
use super::page::PageContext;
use super::AppState;
use crate::db::events::{self, EventArticle, EventRecord, EventSummary, FactRecord, MemberRecord};
use crate::domain::language::is_rtl;

/// How many other events the merge and move forms suggest.
const SUGGESTED_EVENTS: i64 = 200;

fn dates(from: Option<chrono::NaiveDate>, to: Option<chrono::NaiveDate>) -> String {
    let f = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    match (from, to) {
        (Some(a), Some(b)) if a == b => f(a),
        (Some(a), Some(b)) => format!("{} – {}", f(a), f(b)),
        (Some(a), None) | (None, Some(a)) => f(a),
        (None, None) => String::new(),
    }
}

fn text_dir(lang: &str) -> &'static str {
    if is_rtl(lang) {
        "rtl"
    } else {
        "ltr"
    }
}

// ---------------------------------------------------------------------------------------------
// GET /events
// ---------------------------------------------------------------------------------------------

pub struct EventListRow {
    pub id: i64,
    pub title: String,
    pub place: String,
    pub dates: String,
    pub updated: String,
    pub articles: i64,
    pub open_conflicts: i64,
}

impl From<EventSummary> for EventListRow {
    fn from(e: EventSummary) -> Self {
        EventListRow {
            id: e.id,
            title: e.title,
            place: e.place_name.unwrap_or_default(),
            dates: dates(e.date_from, e.date_to),
            updated: e.updated_at.format("%Y-%m-%d %H:%M").to_string(),
            articles: e.articles,
            open_conflicts: e.open_conflicts,
        }
    }
}

#[derive(Template)]
#[template(path = "events/list.html")]
pub struct EventListPage {
    pub ctx: PageContext,
    pub events: Vec<EventListRow>,
    pub page: i64,
    pub has_next: bool,
}

pub async fn list_events(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let page = page_number(&query);
    let result = state
        .with_conn(move |conn| {
            let mut rows = events::list(conn, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)?;
            let has_next = rows.len() as i64 > PAGE_SIZE;
            rows.truncate(PAGE_SIZE as usize);
            Ok((rows, has_next))
        })
        .await;
    match result {
        Ok((rows, has_next)) => render(EventListPage {
            ctx: ctx.clone(),
            events: rows
                .into_iter()
                .map(|mut e| {
                    if ctx.lang == Lang::Ar {
                        e.title = e.title_ar.take().unwrap_or(e.title);
                    }
                    EventListRow::from(e)
                })
                .collect(),
            page,
            has_next,
        })
        .unwrap_or_else(|e| e.page(ctx)),
        Err(e) => e.page(ctx),
    }
}

// ---------------------------------------------------------------------------------------------
// The chart
// ---------------------------------------------------------------------------------------------

/// One figure to draw.
#[derive(Debug, Clone)]
pub struct ChartInput {
    /// The short label beside the bar.
    pub label: String,
    /// The whole description (shown on hover).
    pub title: String,
    pub value: i64,
    pub value_max: Option<i64>,
    pub qualifier: String,
    pub role: String,
}

/// One drawn row. Coordinates are in the SVG's user units; the chart always runs left to right.
#[derive(Debug, Clone)]
pub struct ChartBar {
    pub y: f64,
    /// Vertical centre of the row (for text and lines).
    pub mid: f64,
    /// The label, shortened to fit; `title` holds the whole of it.
    pub label: String,
    pub title: String,
    /// Whether the label reads right to left (its first strong character is Arabic or Hebrew).
    pub label_rtl: bool,
    /// The bar: from `x` for `w` units.
    pub x: f64,
    pub w: f64,
    /// For a range, the thin line from zero to its lower figure.
    pub lead: Option<f64>,
    /// For "at least", the open arrow head's points after the bar end.
    pub arrow: Option<String>,
    /// `disputed`, `agreeing` or `explained`: the bar's CSS class.
    pub role: String,
    pub value_text: String,
    pub text_x: f64,
}

#[derive(Debug, Clone)]
pub struct ChartTick {
    pub x: f64,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub width: f64,
    pub height: f64,
    pub plot_x: f64,
    pub plot_w: f64,
    pub axis_y: f64,
    pub bars: Vec<ChartBar>,
    pub ticks: Vec<ChartTick>,
}

pub const CHART_WIDTH: f64 = 720.0;
const LABEL_W: f64 = 230.0;
const PLOT_W: f64 = 400.0;
const ROW_H: f64 = 28.0;
const BAR_H: f64 = 16.0;
const TOP: f64 = 6.0;
const AXIS_H: f64 = 22.0;
const MAX_LABEL_CHARS: usize = 34;
const ARROW_LEN: f64 = 9.0;

fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// The direction of a text by its first strong character (as `dir="auto"` decides).
pub fn first_strong_rtl(s: &str) -> bool {
    s.chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(|c| matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF))
}

/// A label of at most `MAX_LABEL_CHARS`: the source, shortened first, then the outlet.
pub fn chart_label(source: &str, outlet: Option<&str>) -> String {
    match outlet {
        Some(o) if o != source => {
            let whole = format!("{source} · {o}");
            if whole.chars().count() <= MAX_LABEL_CHARS {
                return whole;
            }
            let o = shorten(o, 14);
            let room = MAX_LABEL_CHARS.saturating_sub(o.chars().count() + 3).max(8);
            format!("{} · {o}", shorten(source, room))
        }
        _ => source.to_string(),
    }
}

/// Rounds a coordinate to a tenth of a unit.
fn r1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn qualifier_sign(q: &str) -> &'static str {
    match q {
        "at_least" => "≥",
        "at_most" => "≤",
        "approx" => "≈",
        _ => "",
    }
}

/// Lays out horizontal bars, one per figure, lengths proportional to the values.
pub fn chart(inputs: &[ChartInput]) -> Chart {
    let top_value = inputs
        .iter()
        .map(|c| c.value_max.unwrap_or(c.value).max(c.value))
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = PLOT_W / top_value as f64;
    let bars = inputs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let y = TOP + i as f64 * ROW_H;
            let mid = y + ROW_H / 2.0;
            let lo = c.value.max(0) as f64 * scale;
            let hi = c
                .value_max
                .filter(|m| *m > c.value)
                .map(|m| m as f64 * scale);
            let (x, w, lead) = match hi {
                Some(hi) => (LABEL_W + lo, (hi - lo).max(1.0), (lo > 0.0).then_some(lo)),
                // A zero still shows as a hairline at the axis.
                None => (LABEL_W, lo.max(1.0), None),
            };
            let end = x + w;
            let arrow = (c.qualifier == "at_least").then(|| {
                let (a, b) = (end + 2.0, end + 2.0 + ARROW_LEN);
                let half = BAR_H / 2.0;
                format!(
                    "{a:.1},{:.1} {b:.1},{mid:.1} {a:.1},{:.1}",
                    mid - half,
                    mid + half
                )
            });
            let figure = match c.value_max {
                Some(m) if m > c.value => format!("{}–{m}", c.value),
                _ => c.value.to_string(),
            };
            ChartBar {
                y: y + (ROW_H - BAR_H) / 2.0,
                mid,
                label: shorten(&c.label, MAX_LABEL_CHARS + 6),
                label_rtl: first_strong_rtl(&c.label),
                title: c.title.clone(),
                x: r1(x),
                w: r1(w),
                lead: lead.map(r1),
                arrow: arrow.clone(),
                role: match c.role.as_str() {
                    "disputed" | "agreeing" | "explained" => c.role.clone(),
                    _ => "agreeing".to_string(),
                },
                value_text: format!("{}{figure}", qualifier_sign(&c.qualifier)),
                text_x: end
                    + if arrow.is_some() {
                        ARROW_LEN + 7.0
                    } else {
                        5.0
                    },
            }
        })
        .collect();
    let axis_y = TOP + inputs.len() as f64 * ROW_H + 2.0;
    let ticks = [0, top_value / 2, top_value]
        .iter()
        .enumerate()
        .filter(|(i, v)| *i == 0 || **v > 0)
        .map(|(_, v)| ChartTick {
            x: r1(LABEL_W + *v as f64 * scale),
            text: v.to_string(),
        })
        .collect();
    Chart {
        width: CHART_WIDTH,
        height: axis_y + AXIS_H,
        plot_x: LABEL_W,
        plot_w: PLOT_W,
        axis_y,
        bars,
        ticks,
    }
}

// ---------------------------------------------------------------------------------------------
// GET /events/{id}
// ---------------------------------------------------------------------------------------------

pub struct MemberView {
    pub claim_id: i64,
    /// Canonical source name (the outlet's own voice when nothing else is known).
    pub source: String,
    /// The attribution as written in the article.
    pub attribution: Option<String>,
    pub outlet: Option<String>,
    pub language: String,
    pub qualifier: String,
    pub value: i64,
    pub value_max: Option<i64>,
    pub figure: String,
    pub quote: String,
    pub quote_dir: &'static str,
    pub link: String,
    pub article_title: String,
    pub version: i32,
    pub role: String,
    pub reason: String,
    pub is_position: bool,
}

/// A bound (low, best or high) with the source it comes from.
pub struct BoundView {
    pub value: i64,
    pub source: String,
}

pub struct FactView {
    pub id: i64,
    pub measure: String,
    pub group: String,
    pub is_conflict: bool,
    pub status: String,
    pub low: Option<BoundView>,
    pub best: Option<BoundView>,
    pub high: Option<BoundView>,
    pub members: Vec<MemberView>,
    pub chart: Chart,
    /// Accessible description of the chart.
    pub chart_label: String,
}

fn member_source(m: &MemberRecord, t: &Messages) -> String {
    m.source_name
        .as_ref()
        .or(m.source_text.as_ref())
        .or(m.outlet.as_ref())
        .map_or_else(|| t.get("article.own_voice").to_string(), String::clone)
}

fn fact_view(fact: FactRecord, members: Vec<MemberRecord>, t: &Messages) -> FactView {
    let views: Vec<MemberView> = members
        .into_iter()
        .map(|m| MemberView {
            claim_id: m.claim_id,
            source: member_source(&m, t),
            figure: match m.value_max {
                Some(max) => format!("{}–{max}", m.value),
                None => m.value.to_string(),
            },
            quote_dir: text_dir(&m.language),
            link: format!(
                "/articles/{}?version={}#claim-{}",
                m.article_id,
                m.version,
                m.position + 1
            ),
            attribution: m.source_text,
            outlet: m.outlet,
            language: m.language,
            qualifier: m.qualifier,
            value: m.value,
            value_max: m.value_max,
            quote: m.quote,
            article_title: m.article_title,
            version: m.version,
            role: m.role,
            reason: m.reason,
            is_position: m.is_position,
        })
        .collect();
    let bound = |value: Option<i64>, claim: Option<i64>| {
        value.map(|value| BoundView {
            value,
            source: claim
                .and_then(|id| views.iter().find(|m| m.claim_id == id))
                .map(|m| m.source.clone())
                .unwrap_or_else(|| "—".to_string()),
        })
    };
    let low = bound(fact.low, fact.low_claim_id);
    let best = bound(fact.best, fact.best_claim_id);
    let high = bound(fact.high, fact.high_claim_id);
    let inputs: Vec<ChartInput> = views
        .iter()
        .map(|m| ChartInput {
            label: chart_label(&m.source, m.outlet.as_deref()),
            title: match &m.outlet {
                Some(o) if *o != m.source => format!("{} · {o}", m.source),
                _ => m.source.clone(),
            },
            value: m.value,
            value_max: m.value_max,
            qualifier: m.qualifier.clone(),
            role: m.role.clone(),
        })
        .collect();
    let measure_label = t.get(&format!("measure.{}", fact.measure)).to_string();
    FactView {
        chart_label: format!(
            "{} · {} · {}",
            t.get("events.chart_title"),
            measure_label,
            fact.group_key
        ),
        id: fact.id,
        measure: fact.measure,
        group: fact.group_key,
        is_conflict: fact.is_conflict,
        status: fact.status,
        low,
        best,
        high,
        chart: chart(&inputs),
        members: views,
    }
}

pub struct ArticleRow {
    pub id: i64,
    pub title: String,
    pub language: String,
    pub dir: &'static str,
    pub outlet: Option<String>,
    pub published: String,
    pub version: i32,
}

impl From<EventArticle> for ArticleRow {
    fn from(a: EventArticle) -> Self {
        ArticleRow {
            dir: text_dir(&a.language),
            id: a.id,
            title: a.title,
            language: a.language,
            outlet: a.outlet,
            published: a
                .published_at
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            version: a.latest_version,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct EventQuery {
    pub notice: Option<String>,
    pub new: Option<String>,
}

#[derive(Template)]
#[template(path = "events/show.html")]
pub struct EventPage {
    pub ctx: PageContext,
    pub event: EventRecord,
    pub dates: String,
    pub articles: Vec<ArticleRow>,
    pub facts: Vec<FactView>,
    /// The schema.org ClaimReview JSON-LD of the resolved conflicts, escaped for a `<script>`
    /// element (`claimreview::script_json`); `None` when there is none.
    pub claim_review: Option<String>,
    /// Other events, for the merge and move forms' suggestions.
    pub others: Vec<(i64, String)>,
    pub notice: Option<String>,
    /// The event a split made (for the notice's link).
    pub new_event: Option<i64>,
    pub title_max: usize,
    /// Verdicts, source grades and the event's history (`web::review`).
    pub review: super::review::EventReview,
}

impl EventPage {
    pub fn notice_text(&self) -> Option<&str> {
        let key = match self.notice.as_deref()? {
            "renamed" => "events.notice_renamed",
            "merged" => "events.notice_merged",
            "split" => "events.notice_split",
            "moved" => "events.notice_moved",
            _ => return None,
        };
        Some(self.ctx.t.get(key))
    }

    pub fn label(&self, prefix: &str, key: &str) -> String {
        self.ctx.t.get(&format!("{prefix}.{key}")).to_string()
    }
}

pub async fn show_event(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<EventQuery>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let result = async {
        let id = parse_id(&path)?;
        let base = super::claimreview::base_url(&req);
        // One connection, and a fixed number of statements whatever the size of the event.
        let (event, articles, facts, others, review, claim_review) = state
            .with_conn(move |conn| {
                let event = events::find(conn, id)?;
                let articles = events::articles_of(conn, id)?;
                let facts = events::facts_of(conn, id)?;
                let others = events::other_events(conn, id, SUGGESTED_EVENTS)?;
                let review = super::review::event_review(conn, id, &facts)?;
                let claim_review = super::claimreview::script_for_event(conn, id, &facts, &base)?;
                Ok((event, articles, facts, others, review, claim_review))
            })
            .await?;
        let t = ctx.t;
        let mut event = event;
        if ctx.lang == Lang::Ar {
            // the generated title's Arabic form (a reviewer's title is shown as written)
            event.title = event.title_ar.take().unwrap_or(event.title);
        }
        render(EventPage {
            ctx: ctx.clone(),
            dates: dates(event.date_from, event.date_to),
            event,
            articles: articles.into_iter().map(ArticleRow::from).collect(),
            facts: facts.into_iter().map(|(f, m)| fact_view(f, m, t)).collect(),
            claim_review,
            others,
            notice: query.notice.clone(),
            new_event: query
                .new
                .as_deref()
                .and_then(|n| n.parse().ok())
                .filter(|n: &i64| *n > 0),
            title_max: events::MAX_TITLE_CHARS,
            review,
        })
    }
    .await;
    result.unwrap_or_else(|e| e.page(ctx))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(value: i64, value_max: Option<i64>, qualifier: &str, role: &str) -> ChartInput {
        ChartInput {
            label: "<b>SOHR</b>".into(),
            title: "<b>SOHR</b>".into(),
            value,
            value_max,
            qualifier: qualifier.into(),
            role: role.into(),
        }
    }

    #[test]
    fn bar_lengths_are_proportional_to_the_values() {
        let c = chart(&[
            input(20, None, "exact", "disputed"),
            input(10, None, "exact", "agreeing"),
        ]);
        assert_eq!(c.bars.len(), 2);
        assert!((c.bars[0].w - PLOT_W).abs() < 1e-9);
        assert!((c.bars[1].w - PLOT_W / 2.0).abs() < 1e-9);
        assert_eq!(c.bars[0].x, LABEL_W);
        assert!(c.bars[1].y > c.bars[0].y);
        assert_eq!(c.bars[0].role, "disputed");
    }

    #[test]
    fn a_range_runs_from_its_lower_to_its_upper_figure() {
        let c = chart(&[
            input(10, Some(20), "exact", "agreeing"),
            input(40, None, "exact", "agreeing"),
        ]);
        let bar = &c.bars[0];
        assert!((bar.x - (LABEL_W + PLOT_W / 4.0)).abs() < 1e-9);
        assert!((bar.w - PLOT_W / 4.0).abs() < 1e-9);
        assert_eq!(bar.lead, Some(PLOT_W / 4.0));
        assert_eq!(bar.value_text, "10–20");
    }

    #[test]
    fn at_least_gets_an_open_arrow_and_zero_a_hairline() {
        let c = chart(&[
            input(15, None, "at_least", "disputed"),
            input(0, None, "exact", "weird"),
        ]);
        assert!(c.bars[0].arrow.is_some());
        assert_eq!(c.bars[0].value_text, "≥15");
        assert!(c.bars[0].text_x > c.bars[0].x + c.bars[0].w + ARROW_LEN);
        assert!(c.bars[1].arrow.is_none());
        assert_eq!(c.bars[1].w, 1.0);
        assert_eq!(c.bars[1].role, "agreeing");
    }

    #[test]
    fn labels_keep_the_outlet_and_know_their_direction() {
        let label = chart_label(
            "Syrian Observatory for Human Rights",
            Some("صحيفة الشرق الأوسط اللندنية"),
        );
        assert!(label.chars().count() <= MAX_LABEL_CHARS + 2, "{label}");
        assert!(label.starts_with("Syrian Observ") && label.contains(" · صحيفة"));
        assert_eq!(chart_label("SANA", Some("SANA")), "SANA");
        assert_eq!(chart_label("SANA", None), "SANA");
        assert!(first_strong_rtl("«المرصد» SOHR"));
        assert!(!first_strong_rtl("12 SOHR المرصد"));
        assert!(!first_strong_rtl("123"));
        let c = chart(&[ChartInput {
            label: "الدفاع المدني".into(),
            title: "الدفاع المدني · صحيفة".into(),
            value: 1,
            value_max: None,
            qualifier: "exact".into(),
            role: "agreeing".into(),
        }]);
        assert!(c.bars[0].label_rtl);
        assert_eq!(c.bars[0].title, "الدفاع المدني · صحيفة");
    }

    #[test]
    fn an_empty_chart_has_an_axis() {
        let c = chart(&[]);
        assert!(c.bars.is_empty());
        assert_eq!(c.ticks.len(), 2);
        assert!(c.height > 0.0);
    }
}
