-- Broadcasts written in the chat: a text per language, and the staff chat that follows the
-- progress (a message edited in place) until the report at the end.

-- {language: text} as JSON; NULL when `text` goes to everyone (the CLI's broadcasts).
ALTER TABLE broadcasts ADD COLUMN texts TEXT;
-- The address that asked for progress reports and the language to write them in.
ALTER TABLE broadcasts ADD COLUMN report_to TEXT;
ALTER TABLE broadcasts ADD COLUMN report_language TEXT;
-- When the final report went out (or NULL while the broadcast is being sent).
ALTER TABLE broadcasts ADD COLUMN reported_at TEXT;
CREATE INDEX broadcasts_reporting ON broadcasts (reported_at) WHERE report_to IS NOT NULL;
