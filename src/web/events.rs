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
use crate::db::estimate::ChosenBy;
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
    /// The label, wrapped into lines that fit beside the plot (each line's baseline `y`);
    /// `title` holds the whole of it.
    pub label_lines: Vec<(f64, String)>,
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
/// Characters per label line: at 12px even wide Latin capitals fit `LABEL_W` less the gap.
const LINE_CHARS: usize = 28;
const MAX_LABEL_LINES: usize = 3;
const LINE_H: f64 = 14.0;
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

/// A label in lines of at most `LINE_CHARS` characters, broken between words (a word longer
/// than a line is cut into pieces); at most `MAX_LABEL_LINES`, the last ending in "…" when
/// there is more.
pub fn wrap_label(s: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let mut word: String = word.to_string();
        loop {
            let room = if line.is_empty() {
                LINE_CHARS
            } else {
                LINE_CHARS.saturating_sub(line.chars().count() + 1)
            };
            let n = word.chars().count();
            if n <= room {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if line.is_empty() {
                let cut: String = word.chars().take(LINE_CHARS).collect();
                word = word.chars().skip(LINE_CHARS).collect();
                lines.push(cut);
                if word.is_empty() {
                    break;
                }
            } else {
                lines.push(std::mem::take(&mut line));
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > MAX_LABEL_LINES {
        lines.truncate(MAX_LABEL_LINES);
        if let Some(last) = lines.last_mut() {
            *last = format!("{}…", shorten(last, LINE_CHARS - 1).trim_end_matches('…'));
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
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
    let mut next_y = TOP;
    let bars = inputs
        .iter()
        .map(|c| {
            let lines = wrap_label(&c.label);
            let row_h = ROW_H.max(lines.len() as f64 * LINE_H + 8.0);
            let y = next_y;
            next_y += row_h;
            let mid = y + row_h / 2.0;
            let first = mid - (lines.len() as f64 - 1.0) * LINE_H / 2.0;
            let label_lines: Vec<(f64, String)> = lines
                .into_iter()
                .enumerate()
                .map(|(i, l)| (r1(first + i as f64 * LINE_H), l))
                .collect();
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
                y: y + (row_h - BAR_H) / 2.0,
                mid,
                label_lines,
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
    let axis_y = next_y + 2.0;
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

#[derive(Clone)]
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
    /// The article's own address, when it has one.
    pub article_url: Option<String>,
    pub article_title: String,
    pub version: i32,
    /// When its version reported it (ISO date; see `db::linking::reported_at`).
    pub reported: String,
    pub role: String,
    pub reason: String,
    pub is_position: bool,
}

/// A bound (low, best or high) with the source it comes from.
pub struct BoundView {
    pub value: i64,
    pub source: String,
}

/// One source's answer to a question: its current figure, how it got there, and every report of
/// it (folded under the row).
pub struct SourceRow {
    pub source: String,
    /// Its current figure: its position, else (all its figures explained) its latest.
    pub current: MemberView,
    /// Its figures over time, oldest first, when it changed them (9, 11); else empty.
    pub history: Vec<String>,
    /// When it last changed its figure (ISO date), with `history`.
    pub revised: Option<String>,
    /// The outlets that carried the current figure, each once.
    pub outlets: Vec<String>,
    /// Every report of the source's figures, latest first.
    pub mentions: Vec<MemberView>,
    /// Whether the current figure is the best estimate.
    pub is_best: bool,
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
    /// Whether a reviewer chose the best estimate (`db::estimate`), and why.
    pub best_by_reviewer: bool,
    pub best_reason: Option<String>,
    pub sources: Vec<SourceRow>,
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

fn member_view(m: MemberRecord, t: &Messages) -> MemberView {
    MemberView {
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
        article_url: m.article_url,
        reported: m.reported_at.format("%Y-%m-%d").to_string(),
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
    }
}

/// Groups a fact's members by source: one row each, largest current figure first.
pub fn source_rows(
    members: Vec<MemberRecord>,
    best_claim: Option<i64>,
    t: &Messages,
) -> Vec<SourceRow> {
    // the members of each source (by its id, else its name), each beside its view
    let mut groups: Vec<(String, Vec<(MemberRecord, MemberView)>)> = Vec::new();
    for m in members {
        let key = match m.source_id {
            Some(id) => format!("#{id}"),
            None => member_source(&m, t),
        };
        let view = member_view(m.clone(), t);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push((m, view)),
            None => groups.push((key, vec![(m, view)])),
        }
    }
    let mut rows: Vec<SourceRow> = groups
        .into_iter()
        .filter_map(|(_, mut list)| {
            // latest report first
            list.sort_by(|(a, _), (b, _)| {
                (b.reported_at, b.article_id, b.version, b.claim_id).cmp(&(
                    a.reported_at,
                    a.article_id,
                    a.version,
                    a.claim_id,
                ))
            });
            let current = list
                .iter()
                .find(|(m, _)| m.is_position)
                .or_else(|| list.first())
                .map(|(_, v)| v.clone())?;
            // Per report (article version), the source's largest figure in it; oldest first.
            let mut reports: Vec<(&MemberRecord, &MemberView)> = Vec::new();
            for (m, v) in list.iter().rev() {
                match reports
                    .iter_mut()
                    .find(|(r, _)| r.article_id == m.article_id && r.version == m.version)
                {
                    Some(r)
                        if (m.value_max.unwrap_or(m.value))
                            > r.0.value_max.unwrap_or(r.0.value) =>
                    {
                        *r = (m, v)
                    }
                    Some(_) => {}
                    None => reports.push((m, v)),
                }
            }
            // Runs of the same figure, ending with the current one.
            let mut runs: Vec<(&str, &str)> = Vec::new();
            for (_, v) in &reports {
                match runs.last() {
                    Some((figure, _)) if *figure == v.figure => {}
                    _ => runs.push((v.figure.as_str(), v.reported.as_str())),
                }
            }
            if runs.last().map(|(f, _)| *f) != Some(current.figure.as_str()) {
                runs.push((current.figure.as_str(), current.reported.as_str()));
            }
            let (history, revised) = if runs.len() > 1 {
                (
                    runs.iter().map(|(f, _)| f.to_string()).collect(),
                    runs.last().map(|(_, d)| d.to_string()),
                )
            } else {
                (Vec::new(), None)
            };
            let mut outlets: Vec<String> = Vec::new();
            for (_, v) in &list {
                if v.figure == current.figure && v.qualifier == current.qualifier {
                    if let Some(o) = &v.outlet {
                        if !outlets.contains(o) {
                            outlets.push(o.clone());
                        }
                    }
                }
            }
            Some(SourceRow {
                source: current.source.clone(),
                is_best: best_claim.is_some_and(|id| list.iter().any(|(m, _)| m.claim_id == id)),
                mentions: list.into_iter().map(|(_, v)| v).collect(),
                current,
                history,
                revised,
                outlets,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        let top = |r: &SourceRow| r.current.value_max.unwrap_or(r.current.value);
        top(b).cmp(&top(a)).then_with(|| a.source.cmp(&b.source))
    });
    rows
}

fn fact_view(fact: FactRecord, members: Vec<MemberRecord>, t: &Messages, lang: Lang) -> FactView {
    let source_of = |claim: Option<i64>| {
        claim
            .and_then(|id| members.iter().find(|m| m.claim_id == id))
            .map(|m| member_source(m, t))
            .unwrap_or_else(|| "—".to_string())
    };
    let bound = |value: Option<i64>, claim: Option<i64>| {
        value.map(|value| BoundView {
            value,
            source: source_of(claim),
        })
    };
    let low = bound(fact.low, fact.low_claim_id);
    let best = bound(fact.best, fact.best_claim_id);
    let high = bound(fact.high, fact.high_claim_id);
    let best_by_reviewer = fact.best_chosen_by() == ChosenBy::Reviewer;
    let best_reason = fact.best_reason();
    let sources = source_rows(members, fact.best_claim_id, t);
    let inputs: Vec<ChartInput> = sources
        .iter()
        .map(|r| {
            let m = &r.current;
            let mut title = r.source.clone();
            if !r.history.is_empty() {
                title.push_str(&format!(" ({})", r.history.join(" → ")));
            }
            if !r.outlets.is_empty() {
                title.push_str(&format!(" · {}", r.outlets.join(", ")));
            }
            ChartInput {
                label: r.source.clone(),
                title: format!("{title} · {}", lang.date(&m.reported)),
                value: m.value,
                value_max: m.value_max,
                qualifier: m.qualifier.clone(),
                role: m.role.clone(),
            }
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
        best_by_reviewer,
        best_reason,
        chart: chart(&inputs),
        sources,
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
        let base = super::claimreview::base_url(&state);
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
            facts: facts
                .into_iter()
                .map(|(f, m)| fact_view(f, m, t, ctx.lang))
                .collect(),
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
    fn long_labels_wrap_between_words_and_lose_nothing() {
        let name = "Syrian Observatory for Human Rights (Britain-based monitor)";
        let lines = wrap_label(name);
        assert!(lines.len() > 1 && lines.len() <= MAX_LABEL_LINES);
        assert!(
            lines.iter().all(|l| l.chars().count() <= LINE_CHARS),
            "{lines:?}"
        );
        assert_eq!(lines.join(" "), name);
        let arabic = "المرصد السوري لحقوق الإنسان ومقره بريطانيا";
        assert_eq!(wrap_label(arabic).join(" "), arabic);
        assert_eq!(wrap_label("SANA"), vec!["SANA".to_string()]);
        let c = chart(&[ChartInput {
            label: name.into(),
            title: name.into(),
            value: 3,
            value_max: None,
            qualifier: "exact".into(),
            role: "agreeing".into(),
        }]);
        assert_eq!(c.bars[0].label_lines.len(), lines.len());
        assert!(c.axis_y > TOP + ROW_H, "the row grew for its lines");
    }

    fn record(
        claim_id: i64,
        source: (i64, &str),
        value: i64,
        article: (i64, i32, &str),
        day: u32,
        is_position: bool,
    ) -> MemberRecord {
        use chrono::TimeZone;
        MemberRecord {
            fact_id: 1,
            claim_id,
            role: if is_position { "disputed" } else { "explained" }.into(),
            reason: String::new(),
            is_position,
            source_name: Some(source.1.into()),
            source_text: None,
            value,
            value_max: None,
            qualifier: "exact".into(),
            quote: "q".into(),
            position: 0,
            article_id: article.0,
            article_title: "t".into(),
            language: "en".into(),
            version: article.1,
            outlet: Some(article.2.into()),
            credibility: None,
            override_reason: None,
            source_id: Some(source.0),
            reported_at: chrono::Utc
                .with_ymd_and_hms(2018, 5, day, 12, 0, 0)
                .single()
                .unwrap_or_default(),
            article_url: None,
        }
    }

    #[test]
    fn a_source_is_one_row_with_its_current_figure_and_its_history() {
        let sohr = (1, "SOHR");
        let members = vec![
            record(1, sohr, 9, (10, 1, "Levant Wire"), 27, false),
            record(2, sohr, 9, (20, 1, "Orontes Post"), 28, false),
            record(
                3,
                (2, "Civil Defence"),
                15,
                (20, 1, "Orontes Post"),
                28,
                true,
            ),
            record(4, sohr, 11, (10, 2, "Levant Wire"), 29, true),
            record(5, sohr, 11, (10, 2, "Levant Wire"), 29, false),
        ];
        let rows = source_rows(members, Some(4), Lang::En.messages());
        assert_eq!(rows.len(), 2, "two sources");
        assert_eq!(rows[0].source, "Civil Defence");
        assert!(rows[0].history.is_empty());
        assert!(!rows[0].is_best);
        let s = &rows[1];
        assert_eq!(s.current.claim_id, 4);
        assert_eq!(s.history, vec!["9".to_string(), "11".to_string()]);
        assert_eq!(s.revised.as_deref(), Some("2018-05-29"));
        assert_eq!(s.outlets, vec!["Levant Wire".to_string()]);
        assert_eq!(s.mentions.len(), 4);
        assert_eq!(s.mentions[0].reported, "2018-05-29", "latest first");
        assert!(s.is_best);
    }

    #[test]
    fn an_empty_chart_has_an_axis() {
        let c = chart(&[]);
        assert!(c.bars.is_empty());
        assert_eq!(c.ticks.len(), 2);
        assert!(c.height > 0.0);
    }
}
