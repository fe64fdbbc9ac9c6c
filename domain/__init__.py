"""The domain: every capability's rules and read models, free of NoneBot.

Imports only `core`, `db`, the standard library and SQLAlchemy/SQLModel (the layer contracts in
pyproject.toml, checked by `make test`, hold it to that). A capability's public API is its package
(`from domain import points`); its modules are its own.
"""
