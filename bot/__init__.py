"""Telegram assistant for young Pakistanis looking for legitimate work in Japan."""
