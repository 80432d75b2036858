"""talkdown.analysis package."""
