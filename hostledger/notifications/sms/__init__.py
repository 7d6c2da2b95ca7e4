"""SMS backends behind one small interface (NTF-01): console for development, Twilio."""
