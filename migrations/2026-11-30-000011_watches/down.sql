DROP TABLE fetches;
DROP TABLE watches;
