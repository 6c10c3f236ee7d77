-- What narrows a figure's question: a place the article divides the toll by, a time, a rate, or a
-- kind of thing (see domain::linking::scope).
ALTER TABLE claims ADD COLUMN scope TEXT;
