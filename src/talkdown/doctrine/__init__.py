"""talkdown.doctrine package."""
