"""Socket.IO interface of chat_file: connect auth and the client events of the contract."""
