"""talkdown.cli package."""
