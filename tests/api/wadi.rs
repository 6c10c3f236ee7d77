//! The Wadi al-Zein shelling, shortened from the development corpus: one incident reported in
//! English and in Arabic with different tolls from different sources, and helpers to post it.

use serde_json::json;

use crate::helpers::TestApp;

pub const EN_WADI: &str = "Shelling kills at least 15 civilians in Syrian market town\n\nBEIRUT (Levant Wire) — At least 15 civilians were killed and dozens wounded when artillery shells struck a crowded market in the town of Wadi al-Zein in northern Hama province on Tuesday, local medics said.\nThe Syrian Observatory for Human Rights, a Britain-based monitor, put the toll at 12 civilians, including five children.\nThe town, which lies 12 km from the front line, has been repeatedly shelled since January.";
pub const AR_WADI: &str = "قصف مدفعي على سوق وادي الزين يوقع 17 قتيلاً مدنياً\n\nحماة – خاص: قال الدفاع المدني السوري إن سبعة عشر مدنياً قتلوا وأصيب أربعون آخرون بجروح، بينهم ثمانية أطفال، جراء قصف مدفعي استهدف سوق بلدة وادي الزين في ريف حماة الشمالي صباح الثلاثاء.\nمن جهته، أفاد المرصد السوري لحقوق الإنسان بمقتل 12 مدنياً بينهم خمسة أطفال، وقال إن القصف مصدره مواقع لقوات النظام في محيط مدينة محردة.";

pub struct Posted {
    pub article_id: i64,
    pub event_id: i64,
}

pub async fn post(app: &TestApp, text: &str, url: &str, outlet: &str, published: &str) -> Posted {
    let response = app
        .post_article_json(
            &json!({"text": text, "url": url, "outlet": outlet, "published": published}),
        )
        .await;
    assert_eq!(response.status().as_u16(), 201, "posting {url}");
    let body: serde_json::Value = response.json().await.unwrap();
    let article_id = body["article_id"].as_i64().unwrap();
    let article = app.get_json(&format!("/api/articles/{article_id}")).await;
    Posted {
        article_id,
        event_id: article["event_id"]
            .as_i64()
            .expect("the article has an event"),
    }
}

pub async fn wadi_pair(app: &TestApp) -> (Posted, Posted) {
    let en = post(
        app,
        EN_WADI,
        "https://levantwire.example/wadi",
        "Levant Wire",
        "2024-03-12",
    )
    .await;
    let ar = post(
        app,
        AR_WADI,
        "https://arabic.example/wadi",
        "صحيفة الشام",
        "2024-03-12",
    )
    .await;
    (en, ar)
}

pub async fn page(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}
