-- The whole data model of claimdb: who publishes (outlets), who is quoted (sources), what was
-- published (articles and their versions), what they claim (claims), which incident it is about
-- (events), how claims relate across sources (facts and their members), the lexicons the
-- extractor and linker read, and who did what (users, audit_log).

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 64),
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('reviewer', 'admin')),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    disabled_at   TIMESTAMPTZ
);

CREATE TABLE outlets (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    -- Case- and space-folded name: "Al Jazeera" and "al  jazeera" are one outlet.
    name_key   TEXT NOT NULL UNIQUE,
    homepage   TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE sources (
    id          BIGSERIAL PRIMARY KEY,
    -- Canonical key from the source directory (or the normalised text of an unknown source).
    source_key  TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL DEFAULT 'other' CHECK (kind IN (
                    'monitor', 'government', 'military', 'civil_defense', 'health', 'un', 'ngo',
                    'media', 'police', 'armed_group', 'witness', 'other')),
    aliases     TEXT[] NOT NULL DEFAULT '{}',
    -- Admiralty-style reliability grade A (reliable) .. F (cannot be judged); NULL = not graded.
    credibility CHAR(1) CHECK (credibility IN ('A', 'B', 'C', 'D', 'E', 'F')),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE events (
    id         BIGSERIAL PRIMARY KEY,
    title      TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    place_key  TEXT,
    place_name TEXT,
    date_from  DATE,
    date_to    DATE,
    -- What the linker matches new articles against (places, dates, groups, measures).
    signature  JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (date_to IS NULL OR date_from IS NULL OR date_from <= date_to)
);
CREATE INDEX events_created_at_idx ON events (created_at DESC);
CREATE INDEX events_place_key_idx ON events (place_key);

CREATE TABLE articles (
    id           BIGSERIAL PRIMARY KEY,
    -- NULL for pasted text without an address; unique when present.
    url          TEXT UNIQUE CHECK (url IS NULL OR length(url) BETWEEN 1 AND 2048),
    outlet_id    BIGINT REFERENCES outlets (id) ON DELETE SET NULL,
    language     TEXT NOT NULL CHECK (language ~ '^[a-z]{2,3}$'),
    title        TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 1000),
    published_at TIMESTAMPTZ,
    -- The incident the article's latest version is about; an article moved by a reviewer keeps it.
    event_id     BIGINT REFERENCES events (id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX articles_created_at_idx ON articles (created_at DESC, id DESC);
CREATE INDEX articles_outlet_id_idx ON articles (outlet_id);
CREATE INDEX articles_event_id_idx ON articles (event_id);

CREATE TABLE article_versions (
    id           BIGSERIAL PRIMARY KEY,
    article_id   BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    number       INTEGER NOT NULL CHECK (number >= 1),
    body         TEXT NOT NULL CHECK (length(body) >= 1),
    -- sha256 of the whitespace- and NFC-normalised body: equal hashes are the same text.
    content_hash TEXT NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    submitted_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    UNIQUE (article_id, number),
    UNIQUE (article_id, content_hash)
);
CREATE INDEX article_versions_content_hash_idx ON article_versions (content_hash);

CREATE TABLE claims (
    id                 BIGSERIAL PRIMARY KEY,
    article_version_id BIGINT NOT NULL REFERENCES article_versions (id) ON DELETE CASCADE,
    event_id           BIGINT REFERENCES events (id) ON DELETE SET NULL,
    -- Order of the claim within its version (the extractor's index; part_of refers to it).
    position           INTEGER NOT NULL CHECK (position >= 0),
    value              BIGINT NOT NULL CHECK (value >= 0),
    value_max          BIGINT CHECK (value_max IS NULL OR value_max >= value),
    qualifier          TEXT NOT NULL CHECK (qualifier IN ('exact', 'at_least', 'at_most', 'approx')),
    measure            TEXT NOT NULL CHECK (measure IN (
                           'killed', 'wounded', 'casualties', 'captured', 'missing', 'displaced',
                           'destroyed', 'count')),
    group_key          TEXT NOT NULL,
    subject            TEXT,
    source_text        TEXT,
    source_id          BIGINT REFERENCES sources (id) ON DELETE SET NULL,
    span_start         INTEGER NOT NULL CHECK (span_start >= 0),
    span_end           INTEGER NOT NULL,
    quote              TEXT NOT NULL,
    part_of_id         BIGINT REFERENCES claims (id) ON DELETE SET NULL,
    status             TEXT NOT NULL DEFAULT 'unreviewed'
                           CHECK (status IN ('unreviewed', 'confirmed', 'corrected', 'rejected')),
    origin             TEXT NOT NULL DEFAULT 'extracted' CHECK (origin IN ('extracted', 'manual')),
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (span_end >= span_start),
    UNIQUE (article_version_id, position)
);
CREATE INDEX claims_event_question_idx ON claims (event_id, measure, group_key);
CREATE INDEX claims_source_id_idx ON claims (source_id);
CREATE INDEX claims_part_of_id_idx ON claims (part_of_id);

-- A fact: within one event, the claims answering one question (measure + actor group).
-- A fact whose figures cannot all be true is a conflict; reviewers settle it (status).
CREATE TABLE facts (
    id              BIGSERIAL PRIMARY KEY,
    event_id        BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    measure         TEXT NOT NULL CHECK (measure IN (
                        'killed', 'wounded', 'casualties', 'captured', 'missing', 'displaced',
                        'destroyed', 'count')),
    group_key       TEXT NOT NULL,
    low             BIGINT,
    low_claim_id    BIGINT REFERENCES claims (id) ON DELETE SET NULL,
    best            BIGINT,
    best_claim_id   BIGINT REFERENCES claims (id) ON DELETE SET NULL,
    high            BIGINT,
    high_claim_id   BIGINT REFERENCES claims (id) ON DELETE SET NULL,
    is_conflict     BOOLEAN NOT NULL DEFAULT false,
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed')),
    resolution_note TEXT,
    resolved_by     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    resolved_at     TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Recomputing an event upserts on this key, so a fact keeps its id and review status.
    UNIQUE (event_id, measure, group_key)
);
CREATE INDEX facts_conflicts_idx ON facts (is_conflict, status, updated_at DESC);

CREATE TABLE fact_members (
    fact_id  BIGINT NOT NULL REFERENCES facts (id) ON DELETE CASCADE,
    claim_id BIGINT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('disputed', 'explained', 'agreeing')),
    reason   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (fact_id, claim_id)
);
CREATE INDEX fact_members_claim_id_idx ON fact_members (claim_id);

-- Subject lexicon: alias -> actor group key (seeded from the crate's data file, editable).
CREATE TABLE subject_aliases (
    id        BIGSERIAL PRIMARY KEY,
    alias     TEXT NOT NULL CHECK (length(alias) >= 1),
    alias_key TEXT NOT NULL,
    lang      TEXT NOT NULL,
    group_key TEXT NOT NULL CHECK (group_key ~ '^[a-z0-9_]+$'),
    UNIQUE (lang, alias_key)
);
CREATE INDEX subject_aliases_group_key_idx ON subject_aliases (group_key);

-- Place gazetteer: alias -> place key (seeded from the crate's data file, editable).
CREATE TABLE place_aliases (
    id         BIGSERIAL PRIMARY KEY,
    alias      TEXT NOT NULL CHECK (length(alias) >= 1),
    alias_key  TEXT NOT NULL,
    lang       TEXT NOT NULL,
    place_key  TEXT NOT NULL,
    parent_key TEXT,
    UNIQUE (lang, alias_key, place_key)
);
CREATE INDEX place_aliases_place_key_idx ON place_aliases (place_key);

CREATE TABLE audit_log (
    id        BIGSERIAL PRIMARY KEY,
    user_id   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id BIGINT,
    before    JSONB,
    after     JSONB
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at DESC);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
