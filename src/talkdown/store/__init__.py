"""talkdown.store package."""
