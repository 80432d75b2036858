"""talkdown.services package."""
