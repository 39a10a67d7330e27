"""Sessions kept on disk: transcripts, listing, resuming."""
