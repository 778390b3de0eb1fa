"""The local session history: SQLite store, schema migrations, the recorder that follows a
session, import/export, the knee-feel scale. Plain Python."""
