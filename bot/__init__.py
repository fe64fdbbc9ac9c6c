"""The bot process: settings, entrypoint (python -m bot), adapters, shared matcher dependencies."""
