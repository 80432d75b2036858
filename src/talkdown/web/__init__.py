"""talkdown.web package."""
