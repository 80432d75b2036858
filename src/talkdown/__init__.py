"""talkdown: a crisis negotiation workbench built on a tamper-evident incident log."""

__version__ = "0.1.0"
