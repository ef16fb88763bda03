"""HTTP interface of auth_user: blueprints, schemas, JWT and cookie handling."""
