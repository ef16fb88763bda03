"""Small pieces both services share: coded errors, settings parsing, store connections, JSON errors."""
