"""One blueprint per area of the player."""
