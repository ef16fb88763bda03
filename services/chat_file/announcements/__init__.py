"""Announcements (issue 28): broadcasts to org units and named agents, with priority,
acknowledgement and a per-unit census (docs/announcements.md)."""
