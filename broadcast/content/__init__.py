"""What the station says: scripts, recordings, lexicon, voice chain and rendering."""
