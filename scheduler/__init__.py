"""Everything time drives: the campaign planner and its in-memory roster, rendering a message for
one member, the outbox sender with its rate limits and its lock, broadcasts and their progress
reports, campaign previews, the APScheduler jobs and housekeeping. What the content folder says
(campaign files, schedules, audiences) is read by :mod:`bot.content`."""
