"""talkdown.domain package."""
