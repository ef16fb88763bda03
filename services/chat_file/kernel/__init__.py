"""chat_file's shared kernel: what every context agrees on and nothing more (who is calling,
the shape of ids, the error base, the clock, announcing an event to users)."""
