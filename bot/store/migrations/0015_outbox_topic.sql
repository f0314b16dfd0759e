-- The topic an outbox message belongs to (content/programme.yaml's topics), so the sender can
-- skip a member who turned it off after the message was queued (issue 16). NULL for a message
-- that is no announcement — an answer to the member's own question, a notice — which always goes.
ALTER TABLE outbox ADD COLUMN topic TEXT;
