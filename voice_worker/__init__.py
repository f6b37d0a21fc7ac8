"""The LiveKit voice receptionist: a client of the salon's REST API, never of its models."""
