"""Routers of the console: sign-in, the JSON API, the write commands, the pages and the live stream."""
