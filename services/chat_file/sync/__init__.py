"""The sync context: each user's change log (every change they can see, numbered per user) and
`GET /sync` / the socket event `sync`, which replay what a client missed from one token
(docs/realtime.md, "Reconnecting")."""
