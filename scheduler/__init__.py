"""The content loader, and (with later issues) the campaign planner and outbox sender."""
