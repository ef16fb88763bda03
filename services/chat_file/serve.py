"""`python -m services.chat_file.serve`: chat_file on eventlet's own WSGI server.

For deployments that chose eventlet (`CHAT_ASYNC_MODE=eventlet`). The default remains gunicorn
with one gevent worker (`wsgi/chat_file.py`): gunicorn no longer ships an eventlet worker, so
eventlet mode is served by `socketio.run`. Binds `BIND` (`host:port`) or
`0.0.0.0:$CHAT_FILE_SERVICE_PORT` (8003). Monkey patching happens first, before any import
that could load a blocking socket or threading primitive.
"""

import warnings

# The deprecation is known and documented (docs: async server decision); keep logs clean.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()


def bind_address(bind: str, port: str) -> tuple[str, int]:
    if bind:
        host, _, bound = bind.rpartition(":")
        return host or "0.0.0.0", int(bound)  # noqa: S104 - a server listens where it is told
    return "0.0.0.0", int(port or "8003")  # noqa: S104


def main() -> None:
    import os

    from libs.servicekit.observability import configure_logging
    from services.chat_file.app import create_app

    mode = os.environ.setdefault("CHAT_ASYNC_MODE", "eventlet")
    if mode != "eventlet":
        raise SystemExit(f"services.chat_file.serve runs eventlet, not CHAT_ASYNC_MODE={mode}")
    configure_logging("chat_file", os.environ.get("LOG_LEVEL", "info"))
    app = create_app()
    host, port = bind_address(
        os.environ.get("BIND", ""), os.environ.get("CHAT_FILE_SERVICE_PORT", "")
    )
    app.extensions["socketio"].run(
        app, host=host, port=port, log_output=os.environ.get("ACCESS_LOG", "-") == "-"
    )


if __name__ == "__main__":
    main()
