"""Alembic migrations, shipped inside the package so installed users can run ``talkdown db upgrade``."""
