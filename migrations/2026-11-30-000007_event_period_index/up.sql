-- Finding the events a new article may belong to: those sharing a place (GIN on the signature's
-- places) AND reported within a few days of it. Without an index on the period, a place named
-- in thousands of events over the years made every lookup read them all; with it the planner
-- intersects both indexes and reads only the events of that place around that date. An event
-- with no dates has an unbounded period and stays a candidate for every date.
CREATE INDEX events_period_idx ON events USING GIST (daterange(date_from, date_to, '[]'));
