"""talkdown.sim package."""
