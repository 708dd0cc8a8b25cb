"""The read side of a released build: its files, store, counts and resources."""
