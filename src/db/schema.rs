// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "tsvector", schema = "pg_catalog"))]
    pub struct Tsvector;
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    article_versions (id) {
        id -> Int8,
        article_id -> Int8,
        number -> Int4,
        body -> Text,
        content_hash -> Text,
        created_at -> Timestamptz,
        submitted_by -> Nullable<Int8>,
        search_vector -> Nullable<Tsvector>,
        origin -> Text,
    }
}

diesel::table! {
    articles (id) {
        id -> Int8,
        url -> Nullable<Text>,
        outlet_id -> Nullable<Int8>,
        language -> Text,
        title -> Text,
        published_at -> Nullable<Timestamptz>,
        event_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        url_as_given -> Nullable<Text>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        user_id -> Nullable<Int8>,
        at -> Timestamptz,
        action -> Text,
        entity -> Text,
        entity_id -> Nullable<Int8>,
        before -> Nullable<Jsonb>,
        after -> Nullable<Jsonb>,
    }
}

diesel::table! {
    claims (id) {
        id -> Int8,
        article_version_id -> Int8,
        event_id -> Nullable<Int8>,
        position -> Int4,
        value -> Int8,
        value_max -> Nullable<Int8>,
        qualifier -> Text,
        measure -> Text,
        group_key -> Text,
        subject -> Nullable<Text>,
        source_text -> Nullable<Text>,
        source_id -> Nullable<Int8>,
        span_start -> Int4,
        span_end -> Int4,
        quote -> Text,
        part_of_id -> Nullable<Int8>,
        status -> Text,
        origin -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        scope -> Nullable<Text>,
        stage -> Nullable<Text>,
    }
}

diesel::table! {
    events (id) {
        id -> Int8,
        title -> Text,
        place_key -> Nullable<Text>,
        place_name -> Nullable<Text>,
        date_from -> Nullable<Date>,
        date_to -> Nullable<Date>,
        signature -> Jsonb,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        title_ar -> Nullable<Text>,
    }
}

diesel::table! {
    fact_members (fact_id, claim_id) {
        fact_id -> Int8,
        claim_id -> Int8,
        role -> Text,
        reason -> Text,
        source_id -> Nullable<Int8>,
        is_position -> Bool,
    }
}

diesel::table! {
    facts (id) {
        id -> Int8,
        event_id -> Int8,
        measure -> Text,
        group_key -> Text,
        low -> Nullable<Int8>,
        low_claim_id -> Nullable<Int8>,
        best -> Nullable<Int8>,
        best_claim_id -> Nullable<Int8>,
        high -> Nullable<Int8>,
        high_claim_id -> Nullable<Int8>,
        is_conflict -> Bool,
        status -> Text,
        resolution_note -> Nullable<Text>,
        resolved_by -> Nullable<Int8>,
        resolved_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        preferred_claim_id -> Nullable<Int8>,
        preferred_reason -> Nullable<Text>,
        review_version -> Int4,
    }
}

diesel::table! {
    fetches (id) {
        id -> Int8,
        watch_id -> Nullable<Int8>,
        article_id -> Nullable<Int8>,
        article_version_id -> Nullable<Int8>,
        url -> Text,
        final_url -> Nullable<Text>,
        fetched_at -> Timestamptz,
        http_status -> Nullable<Int4>,
        outcome -> Text,
        error -> Nullable<Text>,
        content_type -> Nullable<Text>,
        html_gzip -> Nullable<Bytea>,
    }
}

diesel::table! {
    login_attempts (key) {
        key -> Text,
        attempts -> Int4,
        window_start -> Timestamptz,
    }
}

diesel::table! {
    member_overrides (claim_id) {
        claim_id -> Int8,
        role -> Text,
        reason -> Text,
        user_id -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    outlets (id) {
        id -> Int8,
        name -> Text,
        name_key -> Text,
        homepage -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    pending_versions (id) {
        id -> Int8,
        article_id -> Int8,
        body -> Text,
        content_hash -> Text,
        title -> Text,
        language -> Text,
        outlet -> Nullable<Text>,
        published_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        status -> Text,
        reviewed_by -> Nullable<Int8>,
        reviewed_at -> Nullable<Timestamptz>,
        version_id -> Nullable<Int8>,
    }
}

diesel::table! {
    place_aliases (id) {
        id -> Int8,
        alias -> Text,
        alias_key -> Text,
        lang -> Text,
        place_key -> Text,
        parent_key -> Nullable<Text>,
        level -> Text,
        capital -> Bool,
    }
}

diesel::table! {
    server_secrets (name) {
        name -> Text,
        value -> Bytea,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> Int8,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    sources (id) {
        id -> Int8,
        source_key -> Text,
        name -> Text,
        kind -> Text,
        aliases -> Array<Nullable<Text>>,
        credibility -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    subject_aliases (id) {
        id -> Int8,
        alias -> Text,
        alias_key -> Text,
        lang -> Text,
        group_key -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        created_at -> Timestamptz,
        disabled_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    watches (id) {
        id -> Int8,
        url -> Text,
        article_id -> Nullable<Int8>,
        outlet -> Nullable<Text>,
        published -> Nullable<Date>,
        active -> Bool,
        step -> Int4,
        next_check_at -> Timestamptz,
        last_checked_at -> Nullable<Timestamptz>,
        last_changed_at -> Nullable<Timestamptz>,
        failures -> Int4,
        last_error -> Nullable<Text>,
        etag -> Nullable<Text>,
        last_modified -> Nullable<Text>,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(article_versions -> articles (article_id));
diesel::joinable!(article_versions -> users (submitted_by));
diesel::joinable!(articles -> events (event_id));
diesel::joinable!(articles -> outlets (outlet_id));
diesel::joinable!(audit_log -> users (user_id));
diesel::joinable!(claims -> article_versions (article_version_id));
diesel::joinable!(claims -> events (event_id));
diesel::joinable!(claims -> sources (source_id));
diesel::joinable!(fact_members -> claims (claim_id));
diesel::joinable!(fact_members -> facts (fact_id));
diesel::joinable!(fact_members -> sources (source_id));
diesel::joinable!(facts -> events (event_id));
diesel::joinable!(facts -> users (resolved_by));
diesel::joinable!(fetches -> article_versions (article_version_id));
diesel::joinable!(fetches -> articles (article_id));
diesel::joinable!(fetches -> watches (watch_id));
diesel::joinable!(member_overrides -> claims (claim_id));
diesel::joinable!(member_overrides -> users (user_id));
diesel::joinable!(pending_versions -> article_versions (version_id));
diesel::joinable!(pending_versions -> articles (article_id));
diesel::joinable!(pending_versions -> users (reviewed_by));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(watches -> articles (article_id));
diesel::joinable!(watches -> users (created_by));

diesel::allow_tables_to_appear_in_same_query!(
    article_versions,
    articles,
    audit_log,
    claims,
    events,
    fact_members,
    facts,
    fetches,
    login_attempts,
    member_overrides,
    outlets,
    pending_versions,
    place_aliases,
    server_secrets,
    sessions,
    sources,
    subject_aliases,
    users,
    watches,
);
