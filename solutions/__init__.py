"""Reference solutions. Hidden from learners until they solve a kata (or choose to look)."""
