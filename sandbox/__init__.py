"""`actionbot sandbox`: the real bot in HTTP mode beside a small local stand-in for Slack.

This package is never imported by the bot itself (only lazily by the `sandbox` CLI entry)."""
