"""Mail: building messages, sending by SMTP or into an ``.eml`` outbox, and the queue that sends each once."""
